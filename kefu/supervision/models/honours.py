"""The monthly honours (issue 20 point 4; seeds 003 (八) 1, 004 强化服务支撑 2, 000 第6篇 6):
each centre's rule per honour, kept by the manager; each month's proposals with why each
candidate was proposed and why the others were not; the manager's changes, each with its
reason; the month confirmed and so published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit


class HonourKind(models.TextChoices):
    POST_EXPERT = "post_expert", _("Post expert")  # 岗位能手
    SERVICE_STAR = "service_star", _("Service star")  # 服务明星
    RISING_STAR = "rising_star", _("Rising star")  # 新锐标兵
    STAR_OF_THE_MONTH = "team_star", _("Star of the month")  # 服务之星


class HonourMonthState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed and published")


class CandidateSource(models.TextChoices):
    PROPOSED = "proposed", _("Proposed from the figures")
    ADDED = "added", _("Added by the manager")


class HonourRule(models.Model):
    """Which figures count and how: `criteria` is a list of {"figure", "op" ("gte" or
    "lte"), "value"} (shares such as attendance kept as 0–1)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("honour"), max_length=12, choices=HonourKind.choices)
    active = models.BooleanField(_("awarded"), default=True)
    count = models.PositiveSmallIntegerField(_("how many to propose"), default=3)
    per_team = models.BooleanField(_("in each team"), default=False)
    joined_within_months = models.PositiveSmallIntegerField(
        _("joined within (months)"), null=True, blank=True
    )
    rank_by = models.CharField(_("rank by"), max_length=30)
    descending = models.BooleanField(_("highest first"), default=True)
    criteria = models.JSONField(_("criteria"), default=list)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("honour rule")
        verbose_name_plural = _("honour rules")
        ordering = ["centre", "kind"]
        permissions = [
            ("keep_honours", _("Can keep the honour rules and confirm the month's honours")),
            ("view_honour_proposals", _("Can see the honours proposed before confirmation")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["centre", "kind"], name="supervision_honour_rule_once")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class HonourMonth(models.Model):
    """One centre's honours of one month: proposed, then confirmed (published).
    `rules` keeps the rules as applied and `left_out`, per honour, who was not proposed
    and the first thing they missed."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=HonourMonthState.choices,
        default=HonourMonthState.PROPOSED,
    )
    rules = models.JSONField(_("rules applied"), default=list)
    left_out = models.JSONField(_("not proposed"), default=dict)
    proposed_at = models.DateTimeField(_("proposed"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("month's honours")
        verbose_name_plural = _("months' honours")
        ordering = ["centre", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "month"], name="supervision_honour_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class HonourCandidate(models.Model):
    """A person proposed for (or added to) one honour of the month, why, and the
    manager's change with its reason: a candidate removed stays, marked removed."""

    month = models.ForeignKey(
        HonourMonth, verbose_name=_("month"), on_delete=models.CASCADE, related_name="candidates"
    )
    kind = models.CharField(_("honour"), max_length=12, choices=HonourKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="honours",
    )
    team = models.CharField(_("team"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=CandidateSource.choices, default=CandidateSource.PROPOSED
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    value = models.FloatField(_("ranked on"), null=True, blank=True)
    tied = models.BooleanField(_("tied at the cut-off"), default=False)
    checks = models.JSONField(_("criteria met"), default=list)
    removed = models.BooleanField(_("removed"), default=False)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("honour candidate")
        verbose_name_plural = _("honour candidates")
        ordering = ["month", "kind", "team", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "kind", "person"], name="supervision_honour_candidate_once"
            ),
            models.CheckConstraint(
                condition=models.Q(source="proposed", removed=False) | ~models.Q(reason=""),
                name="supervision_honour_change_reason",
            ),
        ]
        indexes = [models.Index(fields=["person", "kind"], name="supervision_honour_person_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id}"
