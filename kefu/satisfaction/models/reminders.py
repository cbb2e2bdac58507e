"""Reminder plans (issue 19, point 4): the dates on which a customer is due something (a
meter calibration, a contract's or a prepaid balance's expiry, a planned visit), each
centre's rules that turn them, or a repair order's closing, into a message or a call at
the right time, and one record per reminder written, which makes writing it happen once.

002 第2篇 asks for maintenance reminders four weeks, two weeks and one week ahead, and a
callback seven days after a repair (`kefu.satisfaction.reminding.SEED_RULES`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket


class DateKind(models.TextChoices):
    METER_CALIBRATION = "meter_calibration", _("Meter calibration")
    CONTRACT_EXPIRY = "contract_expiry", _("Contract expiry")
    PREPAID_EXPIRY = "prepaid_expiry", _("Prepaid balance expiry")
    PLANNED_VISIT = "planned_visit", _("Planned visit")


class ReminderEvent(models.TextChoices):
    """What a rule reminds of: a customer's date of one kind (days before it), or a
    repair order's closing (days after it)."""

    METER_CALIBRATION = "meter_calibration", _("Meter calibration")
    CONTRACT_EXPIRY = "contract_expiry", _("Contract expiry")
    PREPAID_EXPIRY = "prepaid_expiry", _("Prepaid balance expiry")
    PLANNED_VISIT = "planned_visit", _("Planned visit")
    REPAIR_CLOSED = "repair_closed", _("Repair order closed")


class ReminderChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    CALL = "call", _("Call task")


class CustomerDate(models.Model):
    """A date a customer is due something."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DateKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer due date")
        verbose_name_plural = _("customer due dates")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "date"], name="sat_customerdate_unique"
            )
        ]
        indexes = [models.Index(fields=["centre", "kind", "date"], name="sat_customerdate_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class ReminderRule(models.Model):
    """One reminder of a centre's plan: on which event, how many days before (a date) or
    after (a repair's closing), counted in calendar or working days, on which channel,
    with which text, sent at which time of day (spread over a window, so a million
    reminders do not all leave at one second)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    event = models.CharField(_("event"), max_length=20, choices=ReminderEvent.choices)
    days = models.PositiveSmallIntegerField(
        _("days"), help_text=_("Before the date; after the closing for a repair.")
    )
    working_days = models.BooleanField(
        _("on working days"),
        default=False,
        help_text=_("Count working days of the centre's calendar and send on a working day."),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ReminderChannel.choices)
    template = models.CharField(
        _("text"),
        max_length=300,
        help_text=_(
            "Placeholders: {客户} the customer's name, {日期} the date, {事项} what is due."
        ),
    )
    send_from = models.TimeField(_("send from"), default=dt.time(9, 0))
    send_until = models.TimeField(_("send until"), default=dt.time(11, 0))
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["event", "-days", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="sat_reminderrule_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """One reminder written: of one rule, for one date or one repair order. Its unique
    constraints are what make two schedulers racing write it once; the message it wrote
    carries the key `reminder:<rule>:<d|t><source>`."""

    rule = models.ForeignKey(
        ReminderRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="reminders"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    customer_date = models.ForeignKey(
        CustomerDate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ReminderChannel.choices)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "customer_date"],
                condition=models.Q(customer_date__isnull=False),
                name="sat_reminder_unique_date",
            ),
            models.UniqueConstraint(
                fields=["rule", "ticket"],
                condition=models.Q(ticket__isnull=False),
                name="sat_reminder_unique_ticket",
            ),
        ]
        indexes = [models.Index(fields=["channel", "due_at"], name="sat_reminder_due_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.due_at:%Y-%m-%d}"
