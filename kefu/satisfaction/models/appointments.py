"""Appointments (预约, issue 19 point 5; seed 002 第11篇: the centre runs appointments and
their tracking, sums them up and analyses them): a customer's visit or a home call booked
on a contact, reminded by text message the day before, and tracked to its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit
from kefu.customers.models import Customer


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    KEPT = "kept", _("Kept")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("booked on contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("what for"), max_length=100)
    place = models.CharField(
        _("where"), max_length=200, help_text=_("A service hall, or the customer's address.")
    )
    at = models.DateTimeField(_("when"))
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("served by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("number to remind"), max_length=16, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AppointmentState.choices,
        default=AppointmentState.BOOKED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["centre", "state", "at"], name="sat_appointment_idx")]

    def __str__(self) -> str:
        return self.subject
