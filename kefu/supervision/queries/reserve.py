"""Reads of 绿苗计划, the shift-leader reserve (seed 003 第二部分(八)1): who may see and do
what, the one access-checked getter of each entity, each candidate with their measured
figures (`person_figures`, the appraisal and the exams, over the half year up to today)
and panel scores, the reserve pool with its figures now, and the evaluation of the
current shift leaders (`reserve_rules.evaluate`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import JOIN_RESERVE, LEADER, MANAGE_RESERVE, SCORE_RESERVE
from kefu.supervision import reserve_rules
from kefu.supervision.models import (
    LeaderRating,
    PanelScore,
    RaterRole,
    ReserveCandidate,
    ReserveMember,
    ReserveSelection,
    SelectionState,
)
from kefu.supervision.queries.assessment import appraisal_of
from kefu.supervision.queries.exams import exam_scores
from kefu.supervision.queries.figures import PersonFigures, person_figures

#: The candidates' and reserves' figures are read over this many days up to today.
FIGURE_DAYS = 183


def _has(user: User, permission: str) -> bool:
    return user.centre_id is not None and user.has_perm(permission)


def may_manage(user: User) -> bool:
    return _has(user, MANAGE_RESERVE)


def may_score(user: User) -> bool:
    return _has(user, SCORE_RESERVE)


def may_join(user: User) -> bool:
    return _has(user, JOIN_RESERVE)


def may_see(user: User) -> bool:
    return may_manage(user) or may_score(user) or may_join(user)


def selections_of(user: User) -> QuerySet[ReserveSelection]:
    if not may_see(user):
        return ReserveSelection.objects.none()
    return ReserveSelection.objects.filter(centre_id=user.centre_id).order_by("-half_start")


def selection_get_for_user(user: User, selection_id: int) -> ReserveSelection:
    found = selections_of(user).filter(pk=selection_id).first()
    if found is None:
        raise NotFound()
    return found


def open_selection(centre_id: int | None) -> ReserveSelection | None:
    return ReserveSelection.objects.filter(centre_id=centre_id, state=SelectionState.OPEN).first()


def candidates_of(user: User, selection: ReserveSelection) -> QuerySet[ReserveCandidate]:
    """The panel (and the manager) see every candidate; anyone else only themselves."""
    rows = ReserveCandidate.objects.filter(selection=selection).select_related(
        "person", "person__team", "nominated_by", "decided_by"
    )
    if may_score(user) or may_manage(user):
        return rows
    return rows.filter(person=user)


def candidate_get_for_user(user: User, candidate_id: int) -> ReserveCandidate:
    found = (
        ReserveCandidate.objects.filter(pk=candidate_id, selection__centre_id=user.centre_id)
        .select_related("selection", "person", "person__team", "nominated_by", "decided_by")
        .first()
    )
    if found is None or not may_see(user):
        raise NotFound()
    if not (may_score(user) or may_manage(user)) and found.person_id != user.pk:
        raise NotFound()
    return found


# ------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Measured:
    """A person's figures over the half year up to today: person_figures' values, the
    appraisal's total and rank, the mean exam score (None: no data, never 0)."""

    figures: PersonFigures | None
    appraisal: Decimal | None
    appraisal_rank: int | None
    exams: Decimal | None


def measured(centre: OrgUnit, ids: set[int], today: dt.date | None = None) -> dict[int, Measured]:
    """The figures of the people `ids`, over FIGURE_DAYS up to today."""
    if not ids:
        return {}
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=FIGURE_DAYS - 1)
    figures = person_figures(centre, first, today)
    appraised = {int(str(item.key)): item for item in appraisal_of(centre, first, today).people}
    exams = exam_scores(centre.pk, first, today)
    found: dict[int, Measured] = {}
    for pk in ids:
        item = appraised.get(pk)
        found[pk] = Measured(
            figures=figures.get(pk),
            appraisal=item.total if item else None,
            appraisal_rank=item.rank if item else None,
            exams=exams.get(pk),
        )
    return found


@dataclass(frozen=True)
class CandidateRow:
    candidate: ReserveCandidate
    panel: Decimal | None
    scores: int
    my_score: int | None
    measured: Measured


def candidate_rows(user: User, selection: ReserveSelection) -> list[CandidateRow]:
    """The candidates the user may see with their panel mean, how many scored them, the
    user's own score and their figures; highest panel mean first."""
    candidates = list(candidates_of(user, selection))
    scores: dict[int, list[int]] = defaultdict(list)
    mine: dict[int, int] = {}
    for candidate_id, scorer_id, score in PanelScore.objects.filter(
        candidate__in=[c.pk for c in candidates]
    ).values_list("candidate_id", "scorer_id", "score"):
        scores[candidate_id].append(score)
        if scorer_id == user.pk:
            mine[candidate_id] = score
    figures = measured(selection.centre, {c.person_id for c in candidates})
    rows = [
        CandidateRow(
            candidate=c,
            panel=reserve_rules.mean(scores.get(c.pk, [])),
            scores=len(scores.get(c.pk, [])),
            my_score=mine.get(c.pk),
            measured=figures[c.person_id],
        )
        for c in candidates
    ]
    return sorted(rows, key=lambda row: (row.panel is None, -(row.panel or 0), row.candidate.pk))


def panel_of(user: User, candidate: ReserveCandidate) -> tuple[Decimal | None, int, int | None]:
    """The candidate's panel mean, how many scored, and the user's own score."""
    rows = list(PanelScore.objects.filter(candidate=candidate).values_list("scorer_id", "score"))
    mine = next((score for scorer, score in rows if scorer == user.pk), None)
    return reserve_rules.mean([score for _, score in rows]), len(rows), mine


def panel_scores(candidate: ReserveCandidate) -> list[PanelScore]:
    return list(candidate.scores.select_related("scorer").order_by("at"))


# --------------------------------------------------------------------------------- pool


def pool_of(centre_id: int | None) -> QuerySet[ReserveMember]:
    return (
        ReserveMember.objects.filter(centre_id=centre_id, lapsed_at__isnull=True)
        .select_related("person", "person__team", "admitted_by_selection", "confirmed_by_selection")
        .order_by("admitted_at", "pk")
    )


def lapsed_of(centre_id: int | None) -> QuerySet[ReserveMember]:
    return (
        ReserveMember.objects.filter(centre_id=centre_id, lapsed_at__isnull=False)
        .select_related("person", "admitted_by_selection", "confirmed_by_selection")
        .order_by("-lapsed_at", "pk")
    )


def is_reserve(person: User) -> bool:
    return ReserveMember.objects.filter(person=person, lapsed_at__isnull=True).exists()


# --------------------------------------------------------------------------- evaluation


def leaders_of(centre_id: int | None) -> list[User]:
    return list(
        User.objects.filter(centre_id=centre_id, is_active=True, groups__name=LEADER)
        .select_related("team")
        .distinct()
        .order_by("full_name", "username")
    )


@dataclass(frozen=True)
class EvaluationRow:
    leader: User
    result: reserve_rules.LeaderEvaluation


def evaluation_of(selection: ReserveSelection) -> list[EvaluationRow]:
    """The current shift leaders' evaluation of the half year, ranked. The members'
    ratings are read as numbers only: who rated is never part of the result."""
    leaders = {leader.pk: leader for leader in leaders_of(selection.centre_id)}
    manager: dict[int, list[int]] = defaultdict(list)
    members: dict[int, list[int]] = defaultdict(list)
    for leader_id, role, score in LeaderRating.objects.filter(selection=selection).values_list(
        "leader_id", "rater_role", "score"
    ):
        (manager if role == RaterRole.MANAGER else members)[leader_id].append(score)
    results = reserve_rules.evaluate(list(leaders), manager, members)
    return [EvaluationRow(leaders[int(str(r.key))], r) for r in results]


def my_rating(user: User, selection: ReserveSelection, leader: User) -> int | None:
    return (
        LeaderRating.objects.filter(selection=selection, leader=leader, rater=user)
        .values_list("score", flat=True)
        .first()
    )


def leader_to_rate(user: User) -> User | None:
    """The team leader a front-line person rates: their own team's (the first by name)."""
    if not may_join(user) or user.team_id is None or user.role == LEADER:
        return None
    return (
        User.objects.filter(
            centre_id=user.centre_id, team_id=user.team_id, is_active=True, groups__name=LEADER
        )
        .order_by("full_name", "username")
        .first()
    )
