"""The monthly honours over the API at /api/v1/supervision/honours (issue 20 point 4): the
rules, the months (proposals to managers and leaders, published honours to everyone), the
proposal (once per month, safe to retry), the confirmation with its changes and their
reasons, the board; and a person's page at /api/v1/supervision/people/{id} (with their
exam results and latest quarterly appraisal, `queries.people`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden, Invalid
from kefu.core.http import request_user
from kefu.core.models import OrgUnit
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision.appraisal import Component
from kefu.supervision.honours_rules import Criterion
from kefu.supervision.models import (
    CandidateSource,
    HonourCandidate,
    HonourKind,
    HonourMonth,
    HonourMonthState,
    HonourRule,
    PaperState,
)
from kefu.supervision.queries import honours as queries
from kefu.supervision.queries.figures import figures_this_month
from kefu.supervision.queries.people import PersonAppraisal, exam_results, person_appraisal
from kefu.supervision.services import honours as services

router = Router(tags=["supervision"])

Figure = Literal[
    "answered",
    "aht_seconds",
    "calls_per_agent_hour",
    "occupancy",
    "monitoring_score",
    "attendance",
    "adherence",
    "contacts",
    "settled_rate",
]
MonthText = str


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError as error:
        raise Invalid(_("A month is written YYYY-MM."), code="month_invalid") from error


# ---------------------------------------------------------------------------------- rules


class SupervisionHonourCriterion(StrictSchema):
    figure: Figure
    op: Literal["gte", "lte"]
    value: float = Field(ge=0, le=1_000_000, description="Shares (attendance …) as 0–1.")


class SupervisionHonourRuleIn(StrictSchema):
    version: Version | None = None
    active: bool = True
    count: int = Field(ge=1, le=50)
    per_team: bool = False
    joined_within_months: int | None = Field(None, ge=1, le=120)
    rank_by: Figure
    descending: bool = True
    criteria: list[SupervisionHonourCriterion] = Field(default_factory=list, max_length=8)


class SupervisionHonourRuleOut(Out):
    kind: HonourKind
    active: bool
    count: int
    per_team: bool
    joined_within_months: int | None
    rank_by: str
    descending: bool
    criteria: list[dict[str, Any]]
    version: int


def _rule(row: HonourRule) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "active": row.active,
        "count": row.count,
        "per_team": row.per_team,
        "joined_within_months": row.joined_within_months,
        "rank_by": row.rank_by,
        "descending": row.descending,
        "criteria": row.criteria,
        "version": row.version,
    }


@router.get("/honours/rules", response={200: list[SupervisionHonourRuleOut], **errors(403)})
def list_honour_rules(request: HttpRequest) -> list[dict[str, Any]]:
    """The centre's rule of each honour (the seeds' defaults until the manager changes
    them)."""
    user = request_user(request)
    if not queries.may_view_proposals(user) or user.centre_id is None:
        raise Forbidden()
    return [_rule(row) for row in services.honour_rules_ensure(centre=user.centre_id)]


@router.put(
    "/honours/rules/{kind}",
    response={200: SupervisionHonourRuleOut, **errors(403, 409, 422)},
)
def change_honour_rule(
    request: HttpRequest, kind: HonourKind, payload: SupervisionHonourRuleIn
) -> dict[str, Any]:
    row = services.honour_rule_save(
        actor=request_user(request),
        kind=kind.value,
        version=payload.version,
        active=payload.active,
        count=payload.count,
        per_team=payload.per_team,
        joined_within_months=payload.joined_within_months,
        rank_by=payload.rank_by,
        descending=payload.descending,
        criteria=[Criterion(c.figure, c.op, c.value) for c in payload.criteria],
    )
    return _rule(row)


# --------------------------------------------------------------------------------- months


class SupervisionHonourCandidateOut(Out):
    id: int
    kind: HonourKind
    person_id: int
    person: str
    team: str
    source: CandidateSource
    rank: int | None
    value: float | None
    tied: bool
    checks: list[dict[str, Any]]
    removed: bool
    reason: str


class SupervisionHonourLeftOutOut(Out):
    kind: HonourKind
    person_id: int
    person: str
    why: str


class SupervisionHonourMonthOut(Out):
    month: str
    state: HonourMonthState
    version: int
    proposed_at: dt.datetime
    confirmed_at: dt.datetime | None
    candidates: list[SupervisionHonourCandidateOut]
    left_out: list[SupervisionHonourLeftOutOut] = Field(
        description="Those not proposed and the first thing each missed (proposal viewers)."
    )


def _candidate(row: HonourCandidate) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "person_id": row.person_id,
        "person": row.person.full_name or row.person.username,
        "team": row.team,
        "source": row.source,
        "rank": row.rank,
        "value": row.value,
        "tied": row.tied,
        "checks": row.checks,
        "removed": row.removed,
        "reason": row.reason,
    }


def _month_out(month: HonourMonth, *, proposals: bool) -> dict[str, Any]:
    rows = month.candidates.select_related("person").order_by("kind", "rank", "team", "pk")
    if not proposals:
        rows = rows.filter(removed=False)
    return {
        "month": f"{month.month:%Y-%m}",
        "state": month.state,
        "version": month.version,
        "proposed_at": month.proposed_at,
        "confirmed_at": month.confirmed_at,
        "candidates": [_candidate(row) for row in rows],
        "left_out": [
            {
                "kind": kind,
                "person_id": miss["user_id"],
                "person": miss["name"],
                "why": queries.describe_miss(miss),
            }
            for kind, missed in month.left_out.items()
            for miss in missed
        ]
        if proposals
        else [],
    }


@router.get("/honours/months", response=list[SupervisionHonourMonthOut])
def list_honour_months(request: HttpRequest) -> list[dict[str, Any]]:
    """The last 12 months the caller may see: the published ones, and to managers and
    team leaders the proposals waiting too."""
    user = request_user(request)
    proposals = queries.may_view_proposals(user)
    return [_month_out(m, proposals=proposals) for m in queries.months_of(user)[:12]]


@router.get(
    "/honours/months/{month}", response={200: SupervisionHonourMonthOut, **errors(404, 422)}
)
def get_honour_month(request: HttpRequest, month: MonthText) -> dict[str, Any]:
    user = request_user(request)
    found = queries.honour_month_get_for_user(user, _month(month))
    return _month_out(found, proposals=queries.may_view_proposals(user))


@router.post(
    "/honours/months/{month}/propose",
    response={200: SupervisionHonourMonthOut, 201: SupervisionHonourMonthOut, **errors(403, 422)},
)
def propose_honours(request: HttpRequest, month: MonthText) -> Status[dict[str, Any]]:
    """Propose the month's honours now (the task does it on the 1st for the month before).
    Once per month: asked again, the month as it is comes back with 200."""
    user = request_user(request)
    first = _month(month)
    if user.centre_id is None or not queries.may_keep(user):
        raise Forbidden()
    made, created = services.honours_propose(
        centre=OrgUnit.objects.get(pk=user.centre_id), month=first, actor=user
    )
    return Status(201 if created else 200, _month_out(made, proposals=True))


class SupervisionHonourRemovalIn(StrictSchema):
    candidate_id: Id
    reason: str = Field(min_length=1, max_length=300)


class SupervisionHonourAdditionIn(StrictSchema):
    kind: HonourKind
    person_id: Id
    reason: str = Field(min_length=1, max_length=300)


class SupervisionHonourConfirmIn(StrictSchema):
    version: Version
    removals: list[SupervisionHonourRemovalIn] = Field(default_factory=list, max_length=100)
    additions: list[SupervisionHonourAdditionIn] = Field(default_factory=list, max_length=100)


@router.post(
    "/honours/months/{month}/confirm",
    response={200: SupervisionHonourMonthOut, **errors(403, 404, 409, 422)},
)
def confirm_honours(
    request: HttpRequest, month: MonthText, payload: SupervisionHonourConfirmIn
) -> dict[str, Any]:
    """Confirm the month with the manager's changes, each with its reason; the honours are
    then published and each honoured person told."""
    user = request_user(request)
    found = queries.honour_month_get_for_user(user, _month(month))
    confirmed = services.honours_confirm(
        actor=user,
        honour_month=found,
        version=payload.version,
        removals=[services.Removal(r.candidate_id, r.reason) for r in payload.removals],
        additions=[
            services.Addition(a.kind.value, a.person_id, a.reason) for a in payload.additions
        ],
    )
    return _month_out(confirmed, proposals=True)


class SupervisionHonourBoardOut(Out):
    month: str | None
    candidates: list[SupervisionHonourCandidateOut]


@router.get("/honours/board", response=SupervisionHonourBoardOut)
def honours_board(request: HttpRequest) -> dict[str, Any]:
    """The centre's latest published honours."""
    board = queries.board_of(request_user(request))
    return {
        "month": f"{board.month.month:%Y-%m}" if board.month else None,
        "candidates": [_candidate(row) for _label, rows in board.rows for row in rows],
    }


# --------------------------------------------------------------------------------- person


class SupervisionPersonHonourOut(Out):
    month: str
    kind: HonourKind


class SupervisionPersonExamOut(Out):
    paper_id: int
    exam_id: int
    title: str
    day: dt.date = Field(description="The day the paper was handed in (else the exam closed).")
    state: PaperState
    percent: Decimal | None = Field(description="The score in percent; null until marked.")
    passed: bool | None
    rank: int | None = Field(description="Among the exam's marked papers; equal scores share.")
    ranked: int = Field(description="How many of the exam's papers are marked.")
    may_open: bool = Field(description="Whether the caller may open the paper.")


class SupervisionPersonAppraisalPartOut(Out):
    component: Component
    value: Decimal | None = Field(description="What was measured; null: no figure.")
    score: Decimal | None = Field(description="On 0-100; null: no figure, left out.")
    weight: int = Field(description="The centre's weight, in percent.")
    applied_weight: Decimal = Field(description="Rescaled over the components with a figure.")
    contribution: Decimal


class SupervisionPersonAppraisalOut(Out):
    first: dt.date
    last: dt.date
    total: Decimal | None = Field(description="Null: no figure at all, not ranked.")
    rank: int | None
    ranked: int = Field(description="How many people of the centre are ranked.")
    parts: list[SupervisionPersonAppraisalPartOut]


class SupervisionPersonOut(Out):
    id: int
    name: str
    role: str | None
    team: str
    honours: list[SupervisionPersonHonourOut]
    figures: dict[str, float | None] = Field(description="This month so far; null: no data.")
    exams: list[SupervisionPersonExamOut] = Field(description="Newest first.")
    appraisal: SupervisionPersonAppraisalOut | None = Field(
        description="The latest quarter that is over; null: not appraised."
    )


@router.get("/people/{int:person_id}", response={200: SupervisionPersonOut, **errors(404)})
def get_person(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    """A person's page: a person sees their own, a team leader their team's, QA
    inspectors and managers their centre's."""
    viewer = request_user(request)
    person = queries.person_get_for_user(viewer, person_id)
    figures = figures_this_month(person)
    return {
        "id": person.pk,
        "name": person.full_name or person.username,
        "role": person.role,
        "team": person.team.name if person.team else "",
        "honours": [
            {"month": f"{row.month.month:%Y-%m}", "kind": row.kind}
            for row in queries.honours_of_person(person)
        ],
        "figures": dict(figures.values) if figures else {},
        "exams": [vars(r) for r in exam_results(viewer, person)],
        "appraisal": _person_appraisal(person_appraisal(person)),
    }


def _person_appraisal(found: PersonAppraisal | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "first": found.first,
        "last": found.last,
        "total": found.item.total,
        "rank": found.item.rank,
        "ranked": found.ranked,
        "parts": [
            {
                "component": p.code,
                "value": p.value,
                "score": p.score,
                "weight": p.weight,
                "applied_weight": p.applied_weight,
                "contribution": p.contribution,
            }
            for p in found.item.parts
        ],
    }
