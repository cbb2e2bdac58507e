"""Scores (质检成绩, issue 18 points 1, 4, 8): an inspector's answers to a scorecard for one
contact, the agent's acknowledgement or appeal, its decision, and the coaching that
follows. A submitted score is never edited: a decided appeal or a leader's review records
a new score that supersedes it, and both stay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit
from kefu.quality.models.scorecards import ScorecardItem, ScorecardVersion


class EvaluationPurpose(models.TextChoices):
    SAMPLE = "sample", _("Monitoring")
    REVIEW = "review", _("Review")
    CALIBRATION = "calibration", _("Calibration")


class AgentResponse(models.TextChoices):
    PENDING = "pending", _("Waiting for the agent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APPEALED = "appealed", _("Appealed")
    DECIDED = "decided", _("Appeal decided")


class Evaluation(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="quality_scores",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="quality_scores_given",
    )
    version = models.ForeignKey(
        ScorecardVersion,
        verbose_name=_("scorecard version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=12,
        choices=EvaluationPurpose.choices,
        default=EvaluationPurpose.SAMPLE,
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    fatal = models.BooleanField(_("fatal error"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    # When the contact took place: the month a score counts in.
    contact_at = models.DateTimeField(_("contact time"))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    current = models.BooleanField(_("current"), default=True)
    response = models.CharField(
        _("agent's response"),
        max_length=12,
        choices=AgentResponse.choices,
        default=AgentResponse.PENDING,
    )
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    calibration = models.ForeignKey(
        "quality.CalibrationSession",
        verbose_name=_("calibration session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )

    class Meta:
        verbose_name = _("quality score")
        verbose_name_plural = _("quality scores")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("view_quality_results", _("Can see the quality results of a team or a centre"))
        ]
        indexes = [
            models.Index(fields=["centre", "contact_at"], name="evaluation_centre_at_idx"),
            models.Index(fields=["agent", "contact_at"], name="evaluation_agent_at_idx"),
            models.Index(fields=["inspector", "submitted_at"], name="evaluation_inspector_idx"),
        ]
        constraints = [
            # A calibration session gets one blind score per inspector and contact.
            models.UniqueConstraint(
                fields=["calibration", "contact", "inspector"],
                condition=models.Q(calibration__isnull=False),
                name="evaluation_one_per_calibration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.score}"


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", _("Met")
        NO = "no", _("Not met")
        NA = "na", _("Not applicable")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("quality score"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    item = models.ForeignKey(
        ScorecardItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(_("answer"), max_length=4, choices=Value.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # Pre-filled by an automatic transcript check (and left as it was by the inspector).
    automatic = models.BooleanField(_("from the automatic checks"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__section__position", "item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="answer_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.value}"


class AppealState(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    UPHELD = "upheld", _("Score stands")
    CHANGED = "changed", _("Score changed")


class Appeal(models.Model):
    """The agent's appeal against a score (申诉), decided by a second inspector or a
    leader; a changed score is a new evaluation that supersedes the appealed one."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("quality score"), on_delete=models.PROTECT, related_name="appeal"
    )
    reason = models.TextField(_("reason"))
    filed_at = models.DateTimeField(_("filed"))
    state = models.CharField(
        _("state"), max_length=8, choices=AppealState.choices, default=AppealState.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.state}"


class CoachingTask(models.Model):
    """What the leader asks of an agent after a score (辅导), and the agent's
    acknowledgement that they have read and will act on it (001 4.6)."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("quality score"),
        on_delete=models.PROTECT,
        related_name="coaching",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="coaching_tasks",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("what to improve"))
    due = models.DateField(_("due"))
    created_at = models.DateTimeField(_("created"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("coaching task")
        verbose_name_plural = _("coaching tasks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.note[:40]
