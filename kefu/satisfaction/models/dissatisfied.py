"""The dissatisfied-customer list and its repair (不满意客户数据库, 满意度修复; 003 二(一)3
and 三(三)3): who is on it and why, the repair plan with its steps, owner and deadline,
the contacts made, and how it ended: repaired or not, as a later callback or survey showed.

A customer has at most one open entry per centre; each cause that puts them on the list
is a reason of that entry, written once per source (`key`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Channel as ContactChannel
from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket


class DissatisfiedCause(models.TextChoices):
    UNSATISFIED_CALLBACK = "unsatisfied_callback", _("Dissatisfied at a callback")
    LOW_SURVEY_SCORE = "low_survey_score", _("Low survey score")
    REPEATED_COMPLAINT = "repeated_complaint", _("Repeated complaint")
    ESCALATION = "escalation", _("Escalated complaint")
    OTHER = "other", _("Entered by hand")


class EntryState(models.TextChoices):
    OPEN = "open", _("Being repaired")
    CHECKING = "checking", _("Waiting for the check")
    REPAIRED = "repaired", _("Repaired")
    NOT_REPAIRED = "not_repaired", _("Not repaired")


class DissatisfiedEntry(models.Model):
    """One customer on the list, from entering it to leaving it, with the repair plan."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    # The first cause; every cause is a reason row.
    cause = models.CharField(_("cause"), max_length=24, choices=DissatisfiedCause.choices)
    state = models.CharField(
        _("state"), max_length=14, choices=EntryState.choices, default=EntryState.OPEN
    )
    entered_at = models.DateTimeField(_("entered"))
    # The repair plan: who owns it, by when, what it aims at.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("repair deadline"), null=True, blank=True)
    goal = models.CharField(_("repair goal"), max_length=500, blank=True)
    exited_at = models.DateTimeField(_("left the list"), null=True, blank=True)
    exited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_note = models.CharField(_("outcome"), max_length=1000, blank=True)
    # What showed whether the repair worked: a callback task, a survey (its reference).
    verified_by = models.CharField(_("shown by"), max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("dissatisfied customer")
        verbose_name_plural = _("dissatisfied customers")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "customer"],
                condition=models.Q(exited_at__isnull=True),
                name="sat_dissatisfied_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["centre", "-entered_at"], name="sat_dissatisfied_entered_idx"),
            models.Index(fields=["centre", "exited_at"], name="sat_dissatisfied_exited_idx"),
        ]

    def __str__(self) -> str:
        return str(self.customer)


class DissatisfiedReason(models.Model):
    """One cause that put (or kept) the customer on the list, once per source: `key` is
    the work order's callback event, the callback task, the survey answer, the complaint."""

    entry = models.ForeignKey(DissatisfiedEntry, on_delete=models.CASCADE, related_name="reasons")
    centre = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)
    cause = models.CharField(_("cause"), max_length=24, choices=DissatisfiedCause.choices)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=120, blank=True)
    note = models.CharField(_("why"), max_length=1000, blank=True)
    # Nobody: found by the sweep or entered by a service (a survey answer).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("reason for the list")
        verbose_name_plural = _("reasons for the list")
        ordering = ["entry", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "key"], name="sat_dissatisfied_unique_key")
        ]

    def __str__(self) -> str:
        return self.get_cause_display()


class RepairStep(models.Model):
    """One step of the repair plan, with its deadline, and when it was done."""

    entry = models.ForeignKey(DissatisfiedEntry, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("step"), max_length=300)
    due_on = models.DateField(_("by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("repair step")
        verbose_name_plural = _("repair steps")
        ordering = ["entry", "position", "id"]

    def __str__(self) -> str:
        return self.text


class RepairContact(models.Model):
    """A contact made with the customer for the repair (a call, a visit, a letter)."""

    entry = models.ForeignKey(DissatisfiedEntry, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=ContactChannel.choices)
    note = models.CharField(_("what was said"), max_length=1000)

    class Meta:
        verbose_name = _("repair contact")
        verbose_name_plural = _("repair contacts")
        ordering = ["entry", "at", "id"]

    def __str__(self) -> str:
        return self.note[:40]
