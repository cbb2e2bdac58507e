"""绿苗计划, the reserve of future shift leaders (issue 20; seed 003 第二部分(八)1:
每半年进行一次值班长后备人才公开选拔,对现任值班长岗位人员进行开测评,持续更新值班长后备
人才库): a half-yearly open selection where agents apply or are nominated, are scored by a
panel and admitted to the reserve pool with a reason; the pool is renewed each half year
(a reserve not re-confirmed lapses); and, in the same half year, the evaluation (测评) of
the current shift leaders: the manager's scores and their team members' anonymous
ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.models import OrgUnit


class SelectionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("reserve selection", "Open")
    CLOSED = "closed", pgettext_lazy("reserve selection", "Closed")


class ReserveSelection(models.Model):
    """One centre's selection of one half year (first day: 1 January or 1 July)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    half_start = models.DateField(_("half year"))
    state = models.CharField(
        _("state"), max_length=8, choices=SelectionState.choices, default=SelectionState.OPEN
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reserve selection")
        verbose_name_plural = _("reserve selections")
        ordering = ["-half_start"]
        permissions = [
            ("manage_reserve", _("Can run the shift-leader reserve selection")),
            ("score_reserve", _("Can nominate and score reserve candidates")),
            ("join_reserve", _("Can apply to the shift-leader reserve and rate their leader")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "half_start"], name="supervision_selection_half_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.half_start:%Y-%m}"


class ReserveSource(models.TextChoices):
    APPLIED = "applied", _("Applied")
    NOMINATED = "nominated", _("Nominated")
    RESERVE = "reserve", _("Current reserve, up for re-confirmation")


class CandidateDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    ADMITTED = "admitted", _("Admitted to the reserve")
    DECLINED = "declined", _("Not admitted")


class ReserveCandidate(models.Model):
    selection = models.ForeignKey(
        ReserveSelection, on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("how they came"), max_length=10, choices=ReserveSource.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("statement"), max_length=2000, blank=True)
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=CandidateDecision.choices,
        default=CandidateDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reserve candidate")
        verbose_name_plural = _("reserve candidates")
        ordering = ["selection", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "person"], name="supervision_candidate_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id}:{self.person_id}"


class PanelScore(models.Model):
    """One panel member's score (0–100) of one candidate; scoring again replaces it."""

    candidate = models.ForeignKey(ReserveCandidate, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        verbose_name = _("panel score")
        verbose_name_plural = _("panel scores")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "scorer"], name="supervision_panel_once"),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="supervision_panel_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}:{self.score}"


class ReserveMember(models.Model):
    """A person in the reserve pool: admitted by one selection, re-confirmed by each later
    one; lapsed when a selection closes without re-confirming them."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserve"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    admitted_by_selection = models.ForeignKey(
        ReserveSelection, on_delete=models.PROTECT, related_name="+"
    )
    admitted_at = models.DateTimeField(_("admitted"))
    confirmed_by_selection = models.ForeignKey(
        ReserveSelection, on_delete=models.PROTECT, related_name="+"
    )
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reserve member")
        verbose_name_plural = _("reserve members")
        ordering = ["admitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "person"],
                condition=models.Q(lapsed_at__isnull=True),
                name="supervision_reserve_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}"


class RaterRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Team member")


class LeaderRating(models.Model):
    """A score (0–100) of a current shift leader in a half year's evaluation: the manager's,
    or one of their team members' (anonymous: the rater is kept only so each rates once,
    and never shown)."""

    selection = models.ForeignKey(
        ReserveSelection, on_delete=models.CASCADE, related_name="ratings"
    )
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rater_role = models.CharField(max_length=8, choices=RaterRole.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shift-leader rating")
        verbose_name_plural = _("shift-leader ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "leader", "rater"], name="supervision_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="supervision_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader_id}:{self.score}"
