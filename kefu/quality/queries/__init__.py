"""Reads of the quality app, always through what the user may see (issue 18):

- an agent (and anyone who takes contacts) sees their own scores, never a calibration's;
- a team leader sees the scores of their team's members (the centre's without a team);
- inspectors and managers see their centre's; a calibration's scores are seen by the
  inspector who gave them, and by everyone who may see results once it is revealed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import (
    DECIDE_APPEALS,
    LEADER,
    MANAGE_SCORECARDS,
    SCORE_CONTACTS,
    VIEW_OWN_SCORES,
    VIEW_QUALITY_RESULTS,
)
from kefu.quality.models import (
    Answer,
    Appeal,
    AppealState,
    CalibrationState,
    CoachingTask,
    Evaluation,
    SampleItem,
    SampleState,
    SamplingPlan,
    Scorecard,
    ScorecardItem,
    ScorecardSection,
    ScorecardVersion,
    VersionState,
)


def sees_results(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_QUALITY_RESULTS)


def _centre_scope(user: User) -> Q:
    return Q() if user.is_superuser else Q(centre_id=user.centre_id)


def evaluations_visible_to(user: User) -> QuerySet[Evaluation]:
    """The scores the user may read (the module's docstring says whose)."""
    scores = Evaluation.objects.all()
    if sees_results(user):
        scores = scores.filter(_centre_scope(user))
        if user.role == LEADER and user.team_id and not user.is_superuser:
            scores = scores.filter(agent__team_id=user.team_id)
        revealed = Q(calibration__isnull=True) | Q(calibration__state=CalibrationState.REVEALED)
        return scores.filter(revealed | Q(inspector=user))
    if user.has_perm(VIEW_OWN_SCORES):
        return scores.filter(agent=user, calibration__isnull=True)
    if user.has_perm(SCORE_CONTACTS):
        return scores.filter(inspector=user)
    raise Forbidden()


def evaluation_get_for_user(user: User, evaluation_id: int) -> Evaluation:
    """One score with its answers, items and people; another's is not there for the user."""
    evaluation = (
        evaluations_visible_to(user)
        .select_related(
            "agent",
            "inspector",
            "contact",
            "contact__customer",
            "version__scorecard",
            "supersedes",
            "superseded_by",
            "appeal__decided_by",
        )
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("item__section")),
            Prefetch("coaching", queryset=CoachingTask.objects.select_related("coach")),
        )
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None:
        raise NotFound(code="evaluation_not_found")
    return evaluation


def appeal_of(evaluation: Evaluation) -> Appeal | None:
    try:
        return evaluation.appeal
    except Appeal.DoesNotExist:
        return None


def superseded_by(evaluation: Evaluation) -> Evaluation | None:
    try:
        return evaluation.superseded_by
    except Evaluation.DoesNotExist:
        return None


def may_second_look(user: User, evaluation: Evaluation) -> bool:
    """Whether the user may decide an appeal on the score or review it: a second inspector
    or a leader, never whoever scored or was scored."""
    allowed = user.is_superuser or user.has_perm(DECIDE_APPEALS)
    return allowed and user.pk not in (evaluation.inspector_id, evaluation.agent_id)


def appeals_to_decide(user: User) -> QuerySet[Appeal]:
    """Open appeals the user may decide: on scores they see, not their own scoring."""
    if not (user.is_superuser or user.has_perm(DECIDE_APPEALS)):
        raise Forbidden()
    scores = evaluations_visible_to(user).exclude(inspector=user).exclude(agent=user)
    return (
        Appeal.objects.filter(state=AppealState.OPEN, evaluation__in=scores)
        .select_related("evaluation__agent", "evaluation__inspector", "evaluation__contact")
        .order_by("filed_at", "id")
    )


def coaching_of(user: User) -> QuerySet[CoachingTask]:
    """The coaching tasks set for the user, newest first."""
    return CoachingTask.objects.filter(agent=user).select_related("coach", "evaluation")


# Scorecards -------------------------------------------------------------------------


def scorecards_of(user: User) -> QuerySet[Scorecard]:
    """The scorecards of the user's centre, to inspectors, leaders and managers."""
    if not (user.is_superuser or user.has_perm(SCORE_CONTACTS) or sees_results(user)):
        raise Forbidden()
    return Scorecard.objects.filter(_centre_scope(user))


def scorecard_get_for_user(user: User, scorecard_id: int) -> Scorecard:
    scorecard = scorecards_of(user).filter(pk=scorecard_id).first()
    if scorecard is None:
        raise NotFound(code="scorecard_not_found")
    return scorecard


def may_edit_scorecards(user: User) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_SCORECARDS)


def version_with_items(version_id: int) -> ScorecardVersion:
    """A version with its sections and their items, in order (the scoring form)."""
    return (
        ScorecardVersion.objects.select_related("scorecard")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=ScorecardSection.objects.prefetch_related(
                    Prefetch("items", queryset=ScorecardItem.objects.order_by("position", "id"))
                ),
            )
        )
        .get(pk=version_id)
    )


def scorecards_with_versions(user: User) -> list[tuple[Scorecard, Any, Any]]:
    """The centre's scorecards by name, each with its version in use and its draft."""
    rows = []
    for card in scorecards_of(user).prefetch_related("versions").order_by("name"):
        versions = {version.state: version for version in card.versions.all()}
        rows.append((card, versions.get(VersionState.PUBLISHED), versions.get(VersionState.DRAFT)))
    return rows


def sampling_plans_of(user: User) -> QuerySet[SamplingPlan]:
    """The active sampling plans of the user's centre (the centre's and teams' own)."""
    return SamplingPlan.objects.filter(centre_id=user.centre_id, active=True).select_related(
        "team", "scorecard"
    )


def centre_plan(centre_id: int) -> SamplingPlan | None:
    """The centre's own active plan (teams without a plan of their own follow it)."""
    return SamplingPlan.objects.filter(centre_id=centre_id, team=None, active=True).first()


def version_in_use(scorecard: Scorecard) -> ScorecardVersion | None:
    return scorecard.versions.filter(state=VersionState.PUBLISHED).first()


def version_draft(scorecard: Scorecard) -> ScorecardVersion | None:
    return scorecard.versions.filter(state=VersionState.DRAFT).first()


# The inspectors' queue ----------------------------------------------------------------


def queue_of(user: User) -> QuerySet[SampleItem]:
    """The contacts drawn for the user to score, oldest first."""
    if not (user.is_superuser or user.has_perm(SCORE_CONTACTS)):
        raise Forbidden()
    return (
        SampleItem.objects.filter(inspector=user, state=SampleState.OPEN)
        .select_related("contact", "contact__customer", "agent", "agent__team")
        .order_by("drawn_at", "id")
    )


def sample_item_get_for_user(user: User, item_id: int) -> SampleItem:
    """A drawn contact in the user's centre, to an inspector (any of the centre's, so a
    colleague's queue can be covered)."""
    if not (user.is_superuser or user.has_perm(SCORE_CONTACTS)):
        raise Forbidden()
    item = (
        SampleItem.objects.filter(_centre_scope(user))
        .select_related("contact", "agent", "plan", "inspector", "evaluation")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(code="sample_item_not_found")
    return item
