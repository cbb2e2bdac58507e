"""Callback tasks beyond the work-order loop (issue 19 point 1): each centre's rules (a
sample of settled contacts per channel and business type; a callback a number of days
after a repair order closes, 002 第2篇 3, or after a complaint is answered), the tasks a
sweep draws from them for the back office, and every attempt made on a task.

The outcomes are the work-order callback's (`kefu.tickets.lifecycle.CallbackOutcome`);
the work order's own callback stays in the loop and is not a task here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason, Contact
from kefu.contacts.models import Channel as ContactChannel
from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.tickets.lifecycle import CallbackOutcome
from kefu.tickets.models import Ticket


class CallbackKind(models.TextChoices):
    SAMPLE = "sample", _("Sample of settled contacts")
    AFTER_REPAIR = "after_repair", _("After a repair")
    AFTER_COMPLAINT = "after_complaint", _("After a complaint is answered")
    REPAIR_CHECK = "repair_check", _("Check of a satisfaction repair")
    LIST = "list", _("Outbound list")
    REMINDER = "reminder", _("Reminder call")


class Assignment(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("In turn")
    LEAST_LOADED = "least_loaded", _("To whoever has the fewest open")


class CallbackOutcomeChoice(models.TextChoices):
    """回访结果, the work-order callback's vocabulary."""

    SATISFIED = CallbackOutcome.SATISFIED.value, _("Satisfied")
    FAIRLY_SATISFIED = CallbackOutcome.FAIRLY_SATISFIED.value, _("Fairly satisfied")
    DISSATISFIED = CallbackOutcome.DISSATISFIED.value, _("Dissatisfied")
    UNREACHABLE = CallbackOutcome.UNREACHABLE.value, _("Unreachable")


class CallbackState(models.TextChoices):
    OPEN = "open", _("To call")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Closed as unreachable")
    CANCELLED = "cancelled", _("Cancelled")


class CallbackRule(models.Model):
    """One way a centre draws callbacks. A sample rule takes `rate` per cent of the settled
    contacts on its channel and business type (blank: any); an after-service rule calls
    back `delay_days` after the repair order closed (seven, 002 第2篇 3) or the complaint
    was answered (a week)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CallbackKind.choices)
    channel = models.CharField(
        _("channel"), max_length=16, choices=ContactChannel.choices, blank=True
    )
    business_type = models.ForeignKey(
        CallReason,
        verbose_name=_("business type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rate = models.DecimalField(_("sample rate (%)"), max_digits=5, decimal_places=2, default=0)
    delay_days = models.PositiveSmallIntegerField(_("days after"), default=0)
    due_days = models.PositiveSmallIntegerField(_("days to call back"), default=2)
    max_attempts = models.PositiveSmallIntegerField(_("attempts at most"), default=3)
    retry_hours = models.PositiveSmallIntegerField(_("hours before calling again"), default=4)
    script = models.TextField(_("script"), blank=True)
    assignment = models.CharField(
        _("assignment"), max_length=16, choices=Assignment.choices, default=Assignment.ROUND_ROBIN
    )
    # Round robin: whom the last task went to.
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback rule")
        verbose_name_plural = _("callback rules")
        ordering = ["centre", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="sat_callback_rule_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CallbackTask(models.Model):
    """One customer to call back about one contact, work order or repair, once: `key` names
    the source, so drawing it again finds the task already there."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=CallbackKind.choices)
    rule = models.ForeignKey(
        CallbackRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A call of an outbound list (models.call_lists).
    call_list = models.ForeignKey(
        "satisfaction.CallList",
        verbose_name=_("outbound list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    # A repair check follows a dissatisfied-list entry (models.dissatisfied).
    entry = models.ForeignKey(
        "satisfaction.DissatisfiedEntry",
        verbose_name=_("dissatisfied-list entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    # Whom the results are counted for: the agent whose contact or order it was, their
    # team, and the touchpoint (the contact's channel).
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    touchpoint = models.CharField(
        _("touchpoint"), max_length=16, choices=ContactChannel.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    script = models.TextField(_("script"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CallbackState.choices, default=CallbackState.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CallbackOutcomeChoice.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts at most"), default=3)
    retry_hours = models.PositiveSmallIntegerField(_("hours before calling again"), default=4)
    # Not to be called before this (after an unreachable attempt); done by `due_at`.
    next_try_at = models.DateTimeField(_("call from"))
    due_at = models.DateTimeField(_("due"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("drawn"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("callback task")
        verbose_name_plural = _("callback tasks")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "key"], name="sat_callback_unique_key")
        ]
        indexes = [
            models.Index(fields=["assignee", "state", "due_at"], name="sat_callback_mine_idx"),
            models.Index(fields=["centre", "state", "due_at"], name="sat_callback_open_idx"),
            models.Index(fields=["centre", "closed_at"], name="sat_callback_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer}"


class CallbackAttempt(models.Model):
    """One call made on a task: when, by whom, what it found. Never changed."""

    task = models.ForeignKey(CallbackTask, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=CallbackOutcomeChoice.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="sat_callback_attempt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.number}"
