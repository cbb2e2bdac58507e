"""Scores and what follows them (issue 18 points 1, 3, 4, 8): an inspector submits a
score; the agent acknowledges it or appeals within the scorecard's days; a second
inspector or a leader decides the appeal; a leader sets coaching. A submitted score is
never edited: a changed decision, or a review, is a new score that supersedes it, and
both stay recorded (QueueMetrics: grades immutable once entered)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import COACH_AGENTS, DECIDE_APPEALS, SCORE_CONTACTS
from kefu.core.services.audit import audit_record
from kefu.core.services.notifications import notify
from kefu.core.validation import check_lengths
from kefu.quality import scoring
from kefu.quality.models import (
    AgentResponse,
    Answer,
    Appeal,
    AppealState,
    CalibrationSession,
    CoachingTask,
    Evaluation,
    EvaluationPurpose,
    SampleItem,
    SampleState,
    ScorecardItem,
    ScorecardVersion,
)
from kefu.quality.queries import evaluations_visible_to, may_second_look
from kefu.quality.services.scorecards import published_version

MAX_COMMENT = 2000
MAX_COACHING_DAYS = 90


@dataclass(frozen=True)
class AnswerSpec:
    value: str
    comment: str = ""
    automatic: bool = False


_SCORING_ERRORS = {
    "unknown_item": _("An answer names an item this scorecard does not have."),
    "unanswered": _("Answer every item."),
    "not_applicable_refused": _("This item cannot be answered 'not applicable'."),
    "nothing_applicable": _("Every item is 'not applicable': there is nothing to score."),
}


def _score(version: ScorecardVersion, answers: Mapping[int, AnswerSpec]) -> scoring.Score:
    items = ScorecardItem.objects.filter(section__version=version)
    rules = [item.rule() for item in items]
    try:
        return scoring.score(rules, {key: spec.value for key, spec in answers.items()})
    except scoring.ScoringError as error:
        raise Invalid(
            _SCORING_ERRORS[error.code], code=error.code, detail={"items": list(error.items)}
        ) from None


def record_score(
    *,
    inspector: User,
    contact: Contact,
    version: ScorecardVersion,
    answers: Mapping[int, AnswerSpec],
    comment: str,
    purpose: str,
    calibration: CalibrationSession | None = None,
    supersedes: Evaluation | None = None,
) -> Evaluation:
    """Write a score and its answers (the services of this package only: each checks who
    may score what before)."""
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("The comment is too long."), code="comment_too_long")
    result = _score(version, answers)
    now = timezone.now()
    answering = purpose != EvaluationPurpose.CALIBRATION
    evaluation = Evaluation(
        centre_id=contact.centre_id,
        contact=contact,
        agent_id=contact.agent_id,
        inspector=inspector,
        version=version,
        purpose=purpose,
        score=result.score,
        fatal=result.fatal,
        comment=comment.strip(),
        submitted_at=now,
        contact_at=contact.started_at,
        supersedes=supersedes,
        calibration=calibration,
        response=AgentResponse.PENDING if answering else AgentResponse.ACKNOWLEDGED,
        respond_by=now + timedelta(days=version.scorecard.appeal_days) if answering else None,
    )
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise Conflict(
            _("You have scored this contact in this calibration already."),
            code="calibration_scored",
        ) from None
    rows = [
        Answer(
            evaluation=evaluation,
            item_id=key,
            value=spec.value,
            comment=spec.comment.strip(),
            automatic=spec.automatic,
        )
        for key, spec in answers.items()
    ]
    check_lengths(*rows)
    Answer.objects.bulk_create(rows)
    return evaluation


def _tell_agent(evaluation: Evaluation, title: str) -> None:
    notify(
        recipients=[evaluation.agent],
        kind="quality.score",
        title=title,
        body=gettext("Score %(score)s") % {"score": evaluation.score},
        link=reverse("quality_score", args=[evaluation.pk]),
        key=f"quality.score:{evaluation.pk}",
    )


def _require_scorer(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(SCORE_CONTACTS)):
        raise Forbidden()


@transaction.atomic(durable=True)
def evaluation_submit(
    *,
    actor: User,
    sample_item_id: int,
    answers: Mapping[int, AnswerSpec],
    comment: str = "",
) -> Evaluation:
    """Score a contact from the actor's queue on its plan's scorecard in use; the agent is
    told and has the scorecard's days to acknowledge or appeal."""
    _require_scorer(actor)
    item = (
        SampleItem.objects.select_for_update()
        .filter(pk=sample_item_id, centre_id=actor.centre_id)
        .first()
    )
    if item is None:
        raise NotFound(code="sample_item_not_found")
    if item.state != SampleState.OPEN:
        raise Conflict(_("This contact has been scored or skipped already."), code="sample_closed")
    contact = Contact.objects.get(pk=item.contact_id)
    if contact.agent_id == actor.pk:
        raise Forbidden(_("Nobody scores their own contacts."))
    scorecard_id = item.plan.scorecard_id if item.plan else None
    if scorecard_id is None:
        raise Invalid(_("Choose a scorecard."), code="scorecard_required")
    version = published_version(scorecard_id, contact.centre_id)
    evaluation = record_score(
        inspector=actor,
        contact=contact,
        version=version,
        answers=answers,
        comment=comment,
        purpose=EvaluationPurpose.SAMPLE,
    )
    item.state = SampleState.SCORED
    item.evaluation = evaluation
    item.save(update_fields=["state", "evaluation"])
    audit_record(
        actor=actor,
        action="quality.score",
        obj=evaluation,
        after={"score": str(evaluation.score), "fatal": evaluation.fatal},
    )
    _tell_agent(evaluation, gettext("A contact of yours was scored"))
    return evaluation


def _locked_own(actor: User, evaluation_id: int) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update()
        .filter(pk=evaluation_id, agent=actor, calibration__isnull=True)
        .first()
    )
    if evaluation is None:
        raise NotFound(code="evaluation_not_found")
    if evaluation.response != AgentResponse.PENDING or not evaluation.current:
        raise Conflict(_("You have responded to this score already."), code="evaluation_responded")
    return evaluation


@transaction.atomic(durable=True)
def evaluation_acknowledge(*, actor: User, evaluation_id: int) -> Evaluation:
    """The agent has read the score and its comments and accepts them (确认)."""
    evaluation = _locked_own(actor, evaluation_id)
    evaluation.response = AgentResponse.ACKNOWLEDGED
    evaluation.acknowledged_at = timezone.now()
    evaluation.save(update_fields=["response", "acknowledged_at"])
    audit_record(actor=actor, action="quality.acknowledge", obj=evaluation)
    return evaluation


@transaction.atomic(durable=True)
def appeal_file(*, actor: User, evaluation_id: int, reason: str) -> Appeal:
    """The agent appeals the score (申诉) with a reason, within the scorecard's days."""
    evaluation = _locked_own(actor, evaluation_id)
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Say why you appeal."), code="reason_required", detail={"field": "reason"})
    now = timezone.now()
    if evaluation.respond_by and now > evaluation.respond_by:
        raise Conflict(_("The time to appeal this score has passed."), code="appeal_too_late")
    appeal = Appeal(evaluation=evaluation, reason=reason, filed_at=now)
    check_lengths(appeal)
    appeal.save()
    evaluation.response = AgentResponse.APPEALED
    evaluation.save(update_fields=["response"])
    audit_record(actor=actor, action="quality.appeal", obj=evaluation, after={"reason": reason})
    return appeal


def _locked_visible(actor: User, evaluation_id: int) -> Evaluation:
    evaluation = (
        evaluations_visible_to(actor)
        # Only the score's row: the visibility filter joins others, nullable ones on PostgreSQL.
        .select_for_update(of=("self",))
        .select_related("version__scorecard")
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None:
        raise NotFound(code="evaluation_not_found")
    return evaluation


def _require_decider(actor: User, evaluation: Evaluation) -> None:
    if not (actor.is_superuser or actor.has_perm(DECIDE_APPEALS)):
        raise Forbidden()
    if not may_second_look(actor, evaluation):
        raise Forbidden(
            _("A second inspector or a leader decides: not whoever scored or was scored.")
        )


def _supersede(
    actor: User, old: Evaluation, answers: Mapping[int, AnswerSpec], comment: str
) -> Evaluation:
    new = record_score(
        inspector=actor,
        contact=Contact.objects.get(pk=old.contact_id),
        version=old.version,
        answers=answers,
        comment=comment,
        purpose=EvaluationPurpose.REVIEW,
        supersedes=old,
    )
    old.current = False
    old.save(update_fields=["current"])
    return new


@transaction.atomic(durable=True)
def appeal_decide(
    *,
    actor: User,
    evaluation_id: int,
    decision: str,
    answers: Mapping[int, AnswerSpec] | None = None,
) -> Appeal:
    """Decide an open appeal: with ``answers`` the score changes (a new score on the same
    scorecard version supersedes the appealed one), without them it stands. The agent is
    told either way; an appeal is decided once."""
    evaluation = _locked_visible(actor, evaluation_id)
    _require_decider(actor, evaluation)
    appeal = Appeal.objects.select_for_update().filter(evaluation=evaluation).first()
    if appeal is None or appeal.state != AppealState.OPEN:
        raise Conflict(_("There is no open appeal on this score."), code="no_open_appeal")
    decision = decision.strip()
    if not decision:
        raise Invalid(
            _("Write the decision and its reason."),
            code="decision_required",
            detail={"field": "decision"},
        )
    outcome = evaluation
    if answers is not None:
        outcome = _supersede(actor, evaluation, answers, decision)
        outcome.response = AgentResponse.DECIDED
        outcome.respond_by = None
        outcome.save(update_fields=["response", "respond_by"])
    appeal.state = AppealState.CHANGED if answers is not None else AppealState.UPHELD
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision = decision
    check_lengths(appeal)
    appeal.save(update_fields=["state", "decided_by", "decided_at", "decision"])
    evaluation.response = AgentResponse.DECIDED
    evaluation.save(update_fields=["response"])
    audit_record(
        actor=actor,
        action="quality.appeal_decide",
        obj=evaluation,
        after={"state": appeal.state, "score": str(outcome.score)},
    )
    _tell_agent(outcome, gettext("Your appeal was decided"))
    return appeal


@transaction.atomic(durable=True)
def evaluation_review(
    *, actor: User, evaluation_id: int, answers: Mapping[int, AnswerSpec], comment: str
) -> Evaluation:
    """A recorded review of a score without an appeal (a leader's or a senior inspector's
    second look): the new score supersedes the old, which stays; the agent may respond to
    the new one as to any score."""
    old = _locked_visible(actor, evaluation_id)
    _require_decider(actor, old)
    if not old.current or old.calibration_id is not None:
        raise Conflict(_("Only a current score can be reviewed."), code="evaluation_not_current")
    if Appeal.objects.filter(evaluation=old, state=AppealState.OPEN).exists():
        raise Conflict(_("Decide the open appeal instead."), code="appeal_open")
    if not comment.strip():
        raise Invalid(
            _("Say why the score is reviewed."),
            code="comment_required",
            detail={"field": "comment"},
        )
    new = _supersede(actor, old, answers, comment)
    audit_record(
        actor=actor,
        action="quality.review",
        obj=old,
        after={"score": str(new.score), "review": new.pk},
    )
    _tell_agent(new, gettext("A score of yours was reviewed"))
    return new


@transaction.atomic(durable=True)
def coaching_add(*, actor: User, evaluation_id: int, note: str, due: date) -> CoachingTask:
    """A leader's coaching after a score (001 4.6: results used for improvement)."""
    if not (actor.is_superuser or actor.has_perm(COACH_AGENTS)):
        raise Forbidden()
    evaluation = _locked_visible(actor, evaluation_id)
    if evaluation.calibration_id is not None:
        raise Conflict(_("Calibration scores are not coached on."), code="calibration_score")
    note = note.strip()
    if not note:
        raise Invalid(
            _("Write what the agent should improve."),
            code="note_required",
            detail={"field": "note"},
        )
    today = timezone.localdate()
    if not today <= due <= today + timedelta(days=MAX_COACHING_DAYS):
        raise Invalid(
            _("The due date is today or within 90 days."),
            code="due_invalid",
            detail={"field": "due"},
        )
    task = CoachingTask(
        evaluation=evaluation,
        agent_id=evaluation.agent_id,
        coach=actor,
        note=note,
        due=due,
        created_at=timezone.now(),
    )
    check_lengths(task)
    task.save()
    audit_record(actor=actor, action="quality.coaching_add", obj=task, after={"note": note})
    notify(
        recipients=[evaluation.agent],
        kind="quality.coaching",
        title=gettext("Coaching from your leader"),
        body=note,
        link=reverse("quality_score", args=[evaluation.pk]),
    )
    return task


@transaction.atomic(durable=True)
def coaching_acknowledge(*, actor: User, task_id: int) -> CoachingTask:
    task = CoachingTask.objects.select_for_update().filter(pk=task_id, agent=actor).first()
    if task is None:
        raise NotFound(code="coaching_not_found")
    if task.acknowledged_at is None:
        task.acknowledged_at = timezone.now()
        task.save(update_fields=["acknowledged_at"])
        audit_record(actor=actor, action="quality.coaching_acknowledge", obj=task)
    return task
