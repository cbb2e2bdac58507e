"""Improvement projects and the quality-indicator library (issue 20 point 5; seed 004):
who owns each indicator of the library, the themed projects of a two-month period with the
indicator each means to move, its baseline and target, its actions with owners and
deadlines, and every change as an event row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import OrgUnit


class IndicatorOwner(models.Model):
    """The person of the centre who answers for one indicator of the library."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("indicator"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("indicator owner")
        verbose_name_plural = _("indicator owners")
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="supervision_owner_once")
        ]

    def __str__(self) -> str:
        return self.code


class ProjectState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("project", "Planned")
    RUNNING = "running", pgettext_lazy("project", "Running")
    CLOSED = "closed", pgettext_lazy("project", "Closed")


class Project(models.Model):
    """A themed improvement project for one two-month period (004 专题分析时间计划): the
    indicator it means to move, the baseline read over the period before when it starts
    (editable with a reason), the target, and the conclusion it closes with."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    theme = models.CharField(_("theme"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    indicator = models.CharField(_("indicator"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(_("two-month period"))
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"))
    state = models.CharField(
        _("state"), max_length=8, choices=ProjectState.choices, default=ProjectState.PLANNED
    )
    conclusion = models.TextField(_("conclusion"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("improvement project")
        verbose_name_plural = _("improvement projects")
        ordering = ["-year", "-period", "id"]
        permissions = [("keep_projects", _("Can keep improvement projects"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period__gte=1, period__lte=6),
                name="supervision_project_period",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="closed") | ~models.Q(conclusion=""),
                name="supervision_project_concluded",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "year", "period"], name="supervision_project_idx"),
            models.Index(fields=["centre", "indicator"], name="supervision_project_ind_idx"),
        ]

    def __str__(self) -> str:
        return self.theme


class ProjectAction(models.Model):
    """One action of a project, with its owner and deadline, tracked to done."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(pgettext_lazy("project", "action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("project action")
        verbose_name_plural = _("project actions")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["owner", "done_at"], name="supervision_paction_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("project", "Created")
    STARTED = "started", pgettext_lazy("project", "Started")
    BASELINE = "baseline", _("Baseline changed")
    CLOSED = "closed", pgettext_lazy("project", "Closed")
    ACTION_ADDED = "action_added", _("Action added")
    ACTION_DONE = "action_done", _("Action done")


class ProjectEvent(models.Model):
    """Every change of a project: who, when, what, why; a baseline's change keeps the
    value before and after."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("change"), max_length=12, choices=ProjectEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=2000, blank=True)
    before = models.FloatField(null=True, blank=True)
    after = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.kind
