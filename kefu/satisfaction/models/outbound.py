"""The outbox: every message the centre sends a customer on its own initiative (a survey,
a reminder, a notice, a thank-you), each centre's rules for reaching out (quiet hours and
caps), the customers' opt-outs (退订) and what they reply.

A message is written in the same transaction as the event that causes it, under a key
that makes the write safe to repeat; a dispatcher sends what is due. Whether a message
may go at all (opted out, over a cap) is decided when it is written and again when it is
sent, and a message that may not go is kept as refused, with the reason, never dropped."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class Purpose(models.TextChoices):
    """Why the centre writes. Care messages (a thank-you, a greeting) count as marketing
    under China's SMS rules and go only between 08:00 and 22:00 whatever the centre's
    quiet hours say."""

    SURVEY = "survey", _("Survey")
    REMINDER = "reminder", _("Reminder")
    NOTICE = "notice", _("Notice")
    CARE = "care", _("Care and thanks")
    SERVICE = "service", _("Service message")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not delivered")
    REFUSED = "refused", _("Not sent")
    CANCELLED = "cancelled", _("Cancelled")


class RefusalReason(models.TextChoices):
    OPTED_OUT = "opted_out", _("The customer unsubscribed")
    CAPPED = "capped", _("Over the limit of messages to this customer")
    NO_ADDRESS = "no_address", _("No number or address to send to")


class OptOutSource(models.TextChoices):
    REPLY = "reply", _("Replied to unsubscribe")
    AGENT = "agent", _("Asked an agent")
    LINK = "link", _("Unsubscribed from a survey page")
    IMPORT = "import", _("Imported")


class OutreachRules(models.Model):
    """A centre's rules for reaching its customers: the quiet hours in which nothing is
    sent (a message due then waits for their end), and the caps per customer. Every centre
    has one row, made with the defaults when first read."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    quiet_from = models.TimeField(_("quiet hours from"), default=dt.time(21, 0))
    quiet_until = models.TimeField(_("quiet hours until"), default=dt.time(8, 0))
    messages_per_day = models.PositiveSmallIntegerField(
        _("messages to one number a day"),
        default=3,
        help_text=_("Reminders, notices, surveys and thanks together."),
    )
    surveys_per_period = models.PositiveSmallIntegerField(
        _("surveys to one customer per period"), default=1
    )
    survey_period_days = models.PositiveSmallIntegerField(_("survey period (days)"), default=30)
    sms_signature = models.CharField(
        _("SMS signature"),
        max_length=20,
        blank=True,
        help_text=_("As approved by the SMS provider, e.g. 【国网客服】."),
    )

    class Meta:
        verbose_name = _("outreach rules")
        verbose_name_plural = _("outreach rules")
        permissions = [
            ("view_satisfaction", _("Can see satisfaction results")),
            ("work_callbacks", _("Can make callbacks and outbound calls")),
            ("manage_outreach", _("Can keep surveys, reminder plans and callback rules")),
            ("repair_dissatisfied", _("Can keep the dissatisfied-customer list")),
            ("publish_notices", _("Can publish notices to customers")),
        ]

    def __str__(self) -> str:
        return str(self.centre)


class Message(models.Model):
    """One message to one customer, from being written to its delivery receipt."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("to"), max_length=254)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    text = models.CharField(_("text"), max_length=500)
    # The SMS provider's approved template and its parameters, where the provider needs one.
    template_code = models.CharField(_("template"), max_length=50, blank=True)
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    # What makes writing it safe to repeat: one message per key and centre.
    key = models.CharField(max_length=120)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    refusal = models.CharField(
        _("why not sent"), max_length=12, choices=RefusalReason.choices, blank=True
    )
    # When it was meant to go (after the quiet hours), and when it is next tried.
    scheduled_for = models.DateTimeField(_("scheduled for"))
    due_at = models.DateTimeField(_("next attempt"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A dispatcher that takes a message holds it until then; past it, another may take it.
    lease_until = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    # Which gateway took it (its delivery receipts name it), and which dispatcher's claim
    # holds it while it is sending (services.dispatch).
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "key"], name="sat_message_unique_key")
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="sat_message_due_idx"),
            models.Index(fields=["centre", "address", "-scheduled_for"], name="sat_message_to_idx"),
            models.Index(fields=["customer", "-scheduled_for"], name="sat_message_customer_idx"),
            models.Index(
                fields=["provider", "reference"],
                condition=~models.Q(reference=""),
                name="sat_message_reference_idx",
            ),
            models.Index(
                fields=["claim"], condition=~models.Q(claim=""), name="sat_message_claim_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class OptOut(models.Model):
    """A number or address that asked not to be written to (退订): on one channel, or on
    every channel when `channel` is blank. Honoured by every purpose, notices included
    (an agent still reads the notice to a caller at screen pop)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    address = models.CharField(_("number or address"), max_length=254)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    source = models.CharField(_("how"), max_length=8, choices=OptOutSource.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unsubscribed number")
        verbose_name_plural = _("unsubscribed numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "address", "channel"], name="sat_optout_unique"
            )
        ]

    def __str__(self) -> str:
        return self.address


class InboundMessage(models.Model):
    """What a customer sent back: an SMS reply (a digit answering a survey, 退订) or an
    e-mail, as the provider delivered it. `provider` and `reference` make a delivery that
    the provider repeats count once."""

    class Handling(models.TextChoices):
        OPT_OUT = "opt_out", _("Unsubscribed")
        ANSWER = "answer", _("Answered a survey")
        NONE = "none", _("Nothing to do")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    sender = models.CharField(_("from"), max_length=254)
    text = models.CharField(_("text"), max_length=500)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received"))
    handled_as = models.CharField(
        _("handled as"), max_length=8, choices=Handling.choices, default=Handling.NONE
    )
    # The message it answers: the last one sent to the sender before it came.
    reply_to = models.ForeignKey(
        Message,
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )

    class Meta:
        verbose_name = _("reply from a customer")
        verbose_name_plural = _("replies from customers")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"],
                condition=~models.Q(reference=""),
                name="sat_inbound_unique_reference",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]
