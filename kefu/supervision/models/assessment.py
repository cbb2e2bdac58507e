"""Assessment (issue 20 point 3): the judging of each closed complaint (判责) with its one
appeal and every step recorded, and the centre's appraisal rules (the weights of the
quarterly appraisal, the appeal window)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.tickets.models import Ticket


class Responsibility(models.TextChoices):
    DEPARTMENT = "department", _("A department")
    PERSON = "person", _("A person")
    NONE = "none", _("Nobody")


class NoFaultReason(models.TextChoices):
    """Why nobody is responsible."""

    NOT_AT_FAULT = "not_at_fault", _("Not at fault")
    UNREASONABLE = "unreasonable", _("The customer's unreasonable demand")


class JudgementState(models.TextChoices):
    JUDGED = "judged", _("Judged")
    APPEALED = "appealed", _("Under appeal")
    UPHELD = "upheld", _("Appeal upheld")
    REFUSED = "refused", _("Appeal refused")


class JudgementAction(models.TextChoices):
    JUDGE = "judge", _("Judged")
    APPEAL = "appeal", _("Appealed")
    UPHOLD = "uphold", _("Appeal upheld")
    REFUSE = "refuse", _("Appeal refused")


class ComplaintJudgement(models.Model):
    """Who answers for a closed complaint (判责, seed 003 (五) 2 and 二(一)1's 认责考核):
    a department, a person, or nobody, with the reason; the department (or the person's
    team leader) may appeal once within the window, and the manager's decision, upholding
    with a changed judgement or refusing, is final. The fields hold the judgement in
    force; JudgementStep keeps every step with what it was before."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="judgement",
    )
    responsibility = models.CharField(
        _("responsible"), max_length=10, choices=Responsibility.choices
    )
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    no_fault = models.CharField(
        _("why nobody"), max_length=12, choices=NoFaultReason.choices, blank=True
    )
    reason = models.TextField(_("reason"), max_length=1000)
    state = models.CharField(
        _("state"), max_length=8, choices=JudgementState.choices, default=JudgementState.JUDGED
    )
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    judged_at = models.DateTimeField(_("judged"))
    appeal_due_at = models.DateTimeField(_("appeal due"))
    # The department that appealed (a handler's), so it keeps seeing the judgement after
    # an upheld appeal moved it elsewhere.
    appealed_department = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_reason = models.TextField(_("appeal reason"), max_length=1000, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("complaint judgement")
        verbose_name_plural = _("complaint judgements")
        ordering = ["-judged_at", "-id"]
        permissions = [
            ("judge_complaints", _("Can judge who is responsible for a complaint")),
            ("view_judgements", _("Can see complaint judgements (a handler, their department's)")),
            ("appeal_judgements", _("Can appeal a complaint's judgement")),
            ("decide_judgement_appeals", _("Can decide the appeals of complaint judgements")),
            ("view_assessment", _("Can see department figures, judgements and appraisals")),
            ("manage_appraisal", _("Can edit the appraisal's weights")),
        ]
        indexes = [
            models.Index(fields=["centre", "state"], name="supervision_judgement_state"),
            models.Index(fields=["department", "state"], name="supervision_judgement_dept"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        responsibility="department",
                        department__isnull=False,
                        person__isnull=True,
                        no_fault="",
                    )
                    | models.Q(
                        responsibility="person", department__isnull=True, person__isnull=False
                    )
                    | models.Q(responsibility="none", department__isnull=True, person__isnull=True)
                )
                & ~models.Q(reason=""),
                name="supervision_judgement_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.responsibility}"


class JudgementStep(models.Model):
    """One step of a judgement, never changed: who, when, what, why, and the
    responsibility before and after (for a judgement and an upheld appeal)."""

    judgement = models.ForeignKey(
        ComplaintJudgement, on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("step"), max_length=8, choices=JudgementAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), max_length=1000)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("judgement step")
        verbose_name_plural = _("judgement steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.judgement_id} {self.action}"


class AppraisalRules(models.Model):
    """A centre's appraisal weights (component code → whole percent, summing to 100) and
    the appeal window of judgements, in working days of the centre's calendar."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    weights = models.JSONField(_("weights"), default=dict)
    appeal_days = models.PositiveSmallIntegerField(_("appeal window (working days)"), default=3)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("appraisal rules")
        verbose_name_plural = _("appraisal rules")

    def __str__(self) -> str:
        return f"{self.centre_id}"
