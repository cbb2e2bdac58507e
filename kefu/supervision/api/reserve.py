"""绿苗计划, the shift-leader reserve, over the API at /api/v1/supervision/reserve/ (issue 20;
seed 003 第二部分(八)1): the half-yearly selections, applying and nominating, the panel's
scores, the manager's decisions with a reason, closing a selection (the reserves it did not
re-confirm lapse), the reserve pool, and the evaluation of the current shift leaders (the
manager's scores and the members' anonymous ratings, aggregated). Creates are safe to
retry: applying, nominating or opening again returns the existing row with 200."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden
from kefu.core.http import request_user
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision import reserve_rules
from kefu.supervision.models import (
    CandidateDecision,
    ReserveCandidate,
    ReserveMember,
    ReserveSelection,
    ReserveSource,
    SelectionState,
)
from kefu.supervision.queries import reserve as queries
from kefu.supervision.services import reserve as services

router = Router(tags=["supervision"])


class SupervisionReserveOpenIn(StrictSchema):
    half_start: date = Field(description="1 January or 1 July.")
    note: str = Field("", max_length=500)


class SupervisionReserveApplyIn(StrictSchema):
    statement: str = Field("", max_length=2000)


class SupervisionReserveNominateIn(StrictSchema):
    person_id: Id
    statement: str = Field("", max_length=2000)


class SupervisionReserveScoreIn(StrictSchema):
    score: int = Field(ge=0, le=100)
    comment: str = Field("", max_length=500)


class SupervisionReserveDecideIn(StrictSchema):
    version: Version
    admit: bool
    reason: str = Field(min_length=1, max_length=500)


class SupervisionReserveCloseIn(StrictSchema):
    version: Version


class SupervisionLeaderRateIn(StrictSchema):
    leader_id: Id
    score: int = Field(ge=0, le=100)


class SupervisionReserveSelectionOut(Out):
    id: int
    half_start: date
    half: str
    state: SelectionState
    note: str
    opened_at: datetime
    closed_at: datetime | None
    version: int


class SupervisionReserveFiguresOut(Out):
    values: dict[str, float | None] = Field(
        description="person_figures over the half year up to today; None: no data."
    )
    appraisal: Decimal | None
    appraisal_rank: int | None
    exams: Decimal | None


class SupervisionReserveCandidateOut(Out):
    id: int
    selection_id: int
    person_id: int
    person: str
    team: str
    source: ReserveSource
    statement: str
    decision: CandidateDecision
    reason: str
    decided_at: datetime | None
    panel_score: Decimal | None = Field(description="The panel's mean; None: not scored.")
    scores: int
    my_score: int | None
    figures: SupervisionReserveFiguresOut | None = Field(
        description="In the candidates' list; None in the answer to a write."
    )
    version: int


class SupervisionReserveMemberOut(Out):
    person_id: int
    person: str
    team: str
    admitted_at: datetime
    admitted_by_selection_id: int
    confirmed_by_selection_id: int
    figures: SupervisionReserveFiguresOut


class SupervisionLeaderEvaluationOut(Out):
    leader_id: int
    leader: str
    team: str
    manager_score: Decimal | None
    members_score: Decimal | None = Field(
        description=f"None with fewer than {reserve_rules.MIN_RATINGS} ratings."
    )
    ratings: int
    total: Decimal | None = Field(description="None: no figure (never 0), not ranked.")
    rank: int | None


def selection_out(selection: ReserveSelection) -> dict[str, Any]:
    return {
        "id": selection.pk,
        "half_start": selection.half_start,
        "half": reserve_rules.half_label(selection.half_start),
        "state": selection.state,
        "note": selection.note,
        "opened_at": selection.opened_at,
        "closed_at": selection.closed_at,
        "version": selection.version,
    }


def _figures(item: queries.Measured) -> dict[str, Any]:
    return {
        "values": dict(item.figures.values) if item.figures else {},
        "appraisal": item.appraisal,
        "appraisal_rank": item.appraisal_rank,
        "exams": item.exams,
    }


def candidate_out(row: queries.CandidateRow | ReserveCandidate, user: Any = None) -> dict[str, Any]:
    """A candidate; from a write (a bare candidate) without the figures, which cost the
    whole centre's appraisal: the candidates' list has them."""
    extra: dict[str, Any]
    if isinstance(row, ReserveCandidate):
        candidate = row
        panel, count, mine = queries.panel_of(user, row) if user else (None, 0, None)
        extra = {"panel_score": panel, "scores": count, "my_score": mine, "figures": None}
    else:
        candidate = row.candidate
        extra = {
            "panel_score": row.panel,
            "scores": row.scores,
            "my_score": row.my_score,
            "figures": _figures(row.measured),
        }
    return {
        "id": candidate.pk,
        "selection_id": candidate.selection_id,
        "person_id": candidate.person_id,
        "person": str(candidate.person),
        "team": candidate.person.team.name if candidate.person.team else "",
        "source": candidate.source,
        "statement": candidate.statement,
        "decision": candidate.decision,
        "reason": candidate.reason,
        "decided_at": candidate.decided_at,
        "version": candidate.version,
        **extra,
    }


def _see(request: HttpRequest) -> Any:
    user = request_user(request)
    if not queries.may_see(user):
        raise Forbidden()
    return user


@router.get(
    "/reserve/selections", response={200: list[SupervisionReserveSelectionOut], **errors(403)}
)
def list_selections(request: HttpRequest) -> list[dict[str, Any]]:
    return [selection_out(s) for s in queries.selections_of(_see(request))]


@router.post(
    "/reserve/selections",
    response={
        200: SupervisionReserveSelectionOut,
        201: SupervisionReserveSelectionOut,
        **errors(403, 409, 422),
    },
)
def open_selection(
    request: HttpRequest, payload: SupervisionReserveOpenIn
) -> Status[dict[str, Any]]:
    """Open a half year's selection (manager). Again: the same selection, 200."""
    selection, created = services.selection_open(
        actor=request_user(request), half_start=payload.half_start, note=payload.note
    )
    return Status(201 if created else 200, selection_out(selection))


@router.get(
    "/reserve/selections/{int:selection_id}",
    response={200: SupervisionReserveSelectionOut, **errors(403, 404)},
)
def get_selection(request: HttpRequest, selection_id: Id) -> dict[str, Any]:
    return selection_out(queries.selection_get_for_user(_see(request), selection_id))


@router.get(
    "/reserve/selections/{int:selection_id}/candidates",
    response={200: list[SupervisionReserveCandidateOut], **errors(403, 404)},
)
def list_candidates(request: HttpRequest, selection_id: Id) -> list[dict[str, Any]]:
    """The panel sees every candidate with their figures; anyone else their own candidacy."""
    user = _see(request)
    selection = queries.selection_get_for_user(user, selection_id)
    return [candidate_out(row) for row in queries.candidate_rows(user, selection)]


@router.post(
    "/reserve/selections/{int:selection_id}/apply",
    response={
        200: SupervisionReserveCandidateOut,
        201: SupervisionReserveCandidateOut,
        **errors(403, 404, 409, 422),
    },
)
def apply(
    request: HttpRequest, selection_id: Id, payload: SupervisionReserveApplyIn
) -> Status[dict[str, Any]]:
    user = _see(request)
    selection = queries.selection_get_for_user(user, selection_id)
    candidate, created = services.candidate_apply(
        actor=user, selection=selection, statement=payload.statement
    )
    return Status(201 if created else 200, candidate_out(candidate, user))


@router.post(
    "/reserve/selections/{int:selection_id}/nominations",
    response={
        200: SupervisionReserveCandidateOut,
        201: SupervisionReserveCandidateOut,
        **errors(403, 404, 409, 422),
    },
)
def nominate(
    request: HttpRequest, selection_id: Id, payload: SupervisionReserveNominateIn
) -> Status[dict[str, Any]]:
    user = _see(request)
    selection = queries.selection_get_for_user(user, selection_id)
    candidate, created = services.candidate_nominate(
        actor=user, selection=selection, person_id=payload.person_id, statement=payload.statement
    )
    return Status(201 if created else 200, candidate_out(candidate, user))


@router.post(
    "/reserve/candidates/{int:candidate_id}/score",
    response={200: SupervisionReserveCandidateOut, **errors(403, 404, 409, 422)},
)
def score(
    request: HttpRequest, candidate_id: Id, payload: SupervisionReserveScoreIn
) -> dict[str, Any]:
    """The caller's panel score (again: replaced)."""
    user = _see(request)
    candidate = queries.candidate_get_for_user(user, candidate_id)
    services.candidate_score(
        actor=user, candidate=candidate, score=payload.score, comment=payload.comment
    )
    return candidate_out(
        ReserveCandidate.objects.select_related("person__team").get(pk=candidate.pk), user
    )


@router.post(
    "/reserve/candidates/{int:candidate_id}/decision",
    response={200: SupervisionReserveCandidateOut, **errors(403, 404, 409, 422)},
)
def decide(
    request: HttpRequest, candidate_id: Id, payload: SupervisionReserveDecideIn
) -> dict[str, Any]:
    user = _see(request)
    candidate = queries.candidate_get_for_user(user, candidate_id)
    decided = services.candidate_decide(
        actor=user,
        candidate=candidate,
        version=payload.version,
        admit=payload.admit,
        reason=payload.reason,
    )
    return candidate_out(
        ReserveCandidate.objects.select_related("person__team").get(pk=decided.pk), user
    )


@router.post(
    "/reserve/selections/{int:selection_id}/close",
    response={200: SupervisionReserveSelectionOut, **errors(403, 404, 409, 422)},
)
def close(
    request: HttpRequest, selection_id: Id, payload: SupervisionReserveCloseIn
) -> dict[str, Any]:
    user = _see(request)
    selection = queries.selection_get_for_user(user, selection_id)
    return selection_out(
        services.selection_close(actor=user, selection=selection, version=payload.version)
    )


@router.get("/reserve/pool", response={200: list[SupervisionReserveMemberOut], **errors(403)})
def pool(request: HttpRequest) -> list[dict[str, Any]]:
    """The current reserves with their figures now (the panel and managers)."""
    user = _see(request)
    if not (queries.may_score(user) or queries.may_manage(user)):
        raise Forbidden()
    members: list[ReserveMember] = list(queries.pool_of(user.centre_id))
    figures = queries.measured(user.centre, {m.person_id for m in members}) if members else {}
    return [
        {
            "person_id": m.person_id,
            "person": str(m.person),
            "team": m.person.team.name if m.person.team else "",
            "admitted_at": m.admitted_at,
            "admitted_by_selection_id": m.admitted_by_selection_id,
            "confirmed_by_selection_id": m.confirmed_by_selection_id,
            "figures": _figures(figures[m.person_id]),
        }
        for m in members
    ]


@router.get(
    "/reserve/selections/{int:selection_id}/evaluation",
    response={200: list[SupervisionLeaderEvaluationOut], **errors(403, 404)},
)
def evaluation(request: HttpRequest, selection_id: Id) -> list[dict[str, Any]]:
    """The shift leaders' evaluation of the half year: managers see every leader, a leader
    their own row; the raters are never shown."""
    user = _see(request)
    selection = queries.selection_get_for_user(user, selection_id)
    rows = queries.evaluation_of(selection)
    if not queries.may_manage(user):
        if not queries.may_score(user):
            raise Forbidden()
        rows = [row for row in rows if row.leader.pk == user.pk]
    return [
        {
            "leader_id": row.leader.pk,
            "leader": str(row.leader),
            "team": row.leader.team.name if row.leader.team else "",
            "manager_score": row.result.manager,
            "members_score": row.result.members,
            "ratings": row.result.ratings,
            "total": row.result.total,
            "rank": row.result.rank,
        }
        for row in rows
    ]


class SupervisionLeaderRatedOut(Out):
    leader_id: int
    score: int


@router.post(
    "/reserve/selections/{int:selection_id}/ratings",
    response={200: SupervisionLeaderRatedOut, **errors(403, 404, 409, 422)},
)
def rate(
    request: HttpRequest, selection_id: Id, payload: SupervisionLeaderRateIn
) -> dict[str, Any]:
    """The manager's score of a leader, or a team member's anonymous rating of their own
    leader (again: replaced)."""
    user = _see(request)
    selection = queries.selection_get_for_user(user, selection_id)
    row = services.leader_rate(
        actor=user, selection=selection, leader_id=payload.leader_id, score=payload.score
    )
    return {"leader_id": row.leader_id, "score": row.score}
