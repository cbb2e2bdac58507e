"""Work reports and weekly review meetings (issue 20 point 6; seed 002 第14篇, 000 第1篇
and 第5篇): each person's daily, weekly and monthly report, drafted from their figures,
submitted to their leader, commented on or returned; the weekly review meeting with its
minutes, decisions and action items followed to done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import OrgUnit


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily report")
    WEEKLY = "weekly", _("Weekly report")
    MONTHLY = "monthly", _("Monthly report")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("work report", "Submitted")
    RETURNED = "returned", _("Returned for changes")


class WorkReport(models.Model):
    """One person's report of one kind for one period: one row per (author, kind, period),
    so opening it twice gives the same report."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    summary = models.TextField(_("work summary"), max_length=5000, blank=True)
    problems = models.TextField(_("suggestions or problems"), max_length=3000, blank=True)
    plans = models.TextField(_("plan for the next period"), max_length=3000, blank=True)
    #: The tasks of the previous period's plan, and how many of them the author says were
    #: done (002 第14篇 全体员工 5).
    planned_tasks = models.PositiveSmallIntegerField(_("tasks planned"), default=0)
    tasks_done = models.PositiveSmallIntegerField(_("planned tasks done"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    times_returned = models.PositiveSmallIntegerField(_("times returned"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-period_start", "kind", "id"]
        permissions = [
            ("write_reports", _("Can write their own work reports")),
            ("review_reports", _("Can read and return their people's work reports")),
            ("hold_meetings", _("Can hold weekly review meetings")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "kind", "period_start"], name="supervision_report_once"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="supervision_report_period",
            ),
        ]
        indexes = [
            models.Index(
                fields=["centre", "kind", "period_start"], name="supervision_report_period_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}"


class ReportAction(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("work report", "Submitted")
    COMMENTED = "commented", _("Commented")
    RETURNED = "returned", _("Returned for changes")


class ReportEntry(models.Model):
    """The report's history and its comments: who submitted, commented or returned it,
    when, with what note."""

    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="entries")
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("work-report entry")
        verbose_name_plural = _("work-report entries")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.action


class Meeting(models.Model):
    """A weekly review meeting (周例会; 000 第1篇: last week's work done, what is still
    unsolved, good methods, problems, next week's plan; 002 第14篇 全体员工 3: minutes kept
    and filed)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+", blank=True
    )
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=5000, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["centre", "held_on"], name="supervision_meeting_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ActionItem(models.Model):
    """Something the meeting decided someone does by a date; the owner marks it done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("what is to be done"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.CharField(_("how it was done"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "done_at"], name="supervision_action_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:40]
