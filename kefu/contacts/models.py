from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.masking import mask_phone
from kefu.core.models import OrgUnit, Region
from kefu.customers.models import Customer


class CallReason(models.Model):
    """A node of a centre's call-reason taxonomy.

    Three of the four dimensions live here (the fourth, region, is `core.Region`);
    service contents hang under the business type they belong to.
    """

    class Dimension(models.TextChoices):
        CUSTOMER_ATTRIBUTE = "customer_attribute", _("Customer attribute")
        BUSINESS_TYPE = "business_type", _("Business type")
        SERVICE_CONTENT = "service_content", _("Service content")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    dimension = models.CharField(_("dimension"), max_length=24, choices=Dimension.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("call reason")
        verbose_name_plural = _("call reasons")
        ordering = ["dimension", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "dimension", "code"], name="call_reason_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WEB = "web", _("Web")
    APP = "app", _("App")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    COUNTER = "counter", _("Counter")
    OUTBOUND = "outbound", _("Outbound")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Contact(models.Model):
    """One interaction with a customer (or an unknown caller) on one channel."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INBOUND
    )
    caller_number = models.CharField(_("caller number"), max_length=16, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    customer_attribute = models.ForeignKey(
        CallReason,
        verbose_name=_("customer attribute"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    business_type = models.ForeignKey(
        CallReason,
        verbose_name=_("business type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_content = models.ForeignKey(
        CallReason,
        verbose_name=_("service content"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    settled = models.BooleanField(_("settled on contact"), default=False)
    # The latest earlier contact from the same caller on the same call reason that this
    # one repeats (重复来电, `kefu.contacts.repeats`), set when the contact is recorded;
    # whether it counts as a repeat is the centre's window, applied where it is read.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeated_by",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "-started_at"], name="contact_centre_started_idx"),
            models.Index(fields=["customer", "-started_at"], name="contact_customer_started_idx"),
            models.Index(fields=["caller_number"], name="contact_caller_idx"),
            models.Index(fields=["agent", "-started_at"], name="contact_agent_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ContactSms(models.Model):
    """A text message the agent sent the caller during a contact (a knowledge answer, as a
    rule), kept with what was sent, to which number, by whom, when, and what the SMS
    gateway answered. Sent before the contact is saved, it carries the workbench form's
    token (`session`) and is tied to the contact when the contact is saved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sms_messages",
    )
    session = models.CharField(max_length=64, blank=True, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT
    )
    number = models.CharField(_("phone number"), max_length=16)
    article_id = models.PositiveIntegerField(_("knowledge article"), null=True, blank=True)
    article_title = models.CharField(_("knowledge article"), max_length=200, blank=True)
    text = models.CharField(_("text"), max_length=500)
    status = models.CharField(
        _("delivery"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.article_title or self.text[:40]

    @property
    def masked_number(self) -> str:
        return mask_phone(self.number)


class HelpRequest(models.Model):
    """The agent's 求助 during a contact: the team leader on duty is alerted at once (an
    abusive caller, a customer who demands a leader: 002 第13篇 17, 第17篇 28), and the
    leader's take-over is recorded here and on the contact."""

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", _("Abusive or harassing caller")
        DEMANDS_LEADER = "demands_leader", _("The customer demands a leader")
        OTHER = "other", _("Other")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="help_requests",
    )
    session = models.CharField(max_length=64, blank=True, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    caller_number = models.CharField(_("caller number"), max_length=16, blank=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken over"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.get_reason_display()
