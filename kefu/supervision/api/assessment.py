"""Assessment over the API at /api/v1/supervision/ (issue 20 point 3): the departments'
figures for a month or quarter (the internal-customer rule, 000 第3篇 四.2; 002 第6篇),
the complaints to judge and their judgements (判责) with the one appeal and its decision,
the quarterly appraisal of agents and teams (002 第14篇 7) with each component explained,
and the centre's weights. The judgement's create answers 201 and so honours
`Idempotency-Key`; the appeal, the decision and the weights carry the version read (409
when stale)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden, Invalid
from kefu.core.http import request_user
from kefu.core.models import OrgUnit, User
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision import appraisal
from kefu.supervision.models import (
    ComplaintJudgement,
    JudgementAction,
    JudgementState,
    NoFaultReason,
    Responsibility,
)
from kefu.supervision.queries import assessment as queries
from kefu.supervision.services import appraisal as rules_services
from kefu.supervision.services import judging
from kefu.tickets.models import Ticket

router = Router(tags=["supervision"])

Component = appraisal.Component


# ------------------------------------------------------------------------------ periods


class SupervisionAssessmentPeriodIn(StrictSchema):
    period: Literal["month", "quarter"] = Field("month", description="month or quarter.")
    day: dt.date | None = Field(None, description="A day of the period; today when left out.")


def period_of(period: str, day: dt.date | None) -> tuple[dt.date, dt.date]:
    day = day or timezone.localdate()
    if not 2000 <= day.year <= 2100:
        raise Invalid(
            _("Choose a day from 2000 to 2100."), code="day_range", detail={"field": "day"}
        )
    return queries.quarter_of(day) if period == "quarter" else queries.month_of(day)


def _centre(user: User) -> OrgUnit:
    if user.centre_id is None:
        raise Forbidden()
    return OrgUnit.objects.select_related("calendar").get(pk=user.centre_id)


# ---------------------------------------------------------------------------- departments


class SupervisionDepartmentFiguresOut(Out):
    department_id: int
    name: str
    returned: int = Field(description="回单: results returned in the period.")
    returned_on_time: int = Field(description="按时回单: with no overdue mark while held.")
    on_time_rate: float | None = Field(description="None when nothing was returned.")
    urges: int = Field(description="催办 while the department held the order.")
    refused: int = Field(description="退单: returns refused at verification.")
    reopened: int = Field(description="重办: reopened after its return.")
    rework: int = Field(description="返工: refused plus reopened.")
    complaints: int = Field(description="Complaints judged against it (判责).")


class SupervisionDepartmentsOut(Out):
    first: dt.date
    last: dt.date
    rows: list[SupervisionDepartmentFiguresOut]


def _figures(row: queries.DepartmentFigures) -> dict[str, Any]:
    return {"department_id": row.department.pk, "name": row.department.name, **row.values}


@router.get(
    "/assessment/departments", response={200: SupervisionDepartmentsOut, **errors(403, 422)}
)
def list_department_figures(
    request: HttpRequest, filters: Query[SupervisionAssessmentPeriodIn]
) -> dict[str, Any]:
    """Each department's figures for the month or quarter holding `day`."""
    user = request_user(request)
    if not queries.may_view_assessment(user):
        raise Forbidden()
    first, last = period_of(filters.period, filters.day)
    rows = queries.department_figures(_centre(user), first, last)
    return {"first": first, "last": last, "rows": [_figures(row) for row in rows]}


# ---------------------------------------------------------------------------- judgements


class SupervisionJudgementStepOut(Out):
    action: JudgementAction
    actor_id: int
    at: dt.datetime
    reason: str


class SupervisionJudgementOut(Out):
    id: int
    ticket_number: str
    ticket_title: str
    responsibility: Responsibility
    department_id: int | None
    person_id: int | None
    no_fault: NoFaultReason | None
    reason: str
    state: JudgementState
    judged_by_id: int
    judged_at: dt.datetime
    appeal_due_at: dt.datetime
    appeal_reason: str
    appealed_at: dt.datetime | None
    decision_reason: str
    decided_at: dt.datetime | None
    version: int


class SupervisionJudgementDetailOut(SupervisionJudgementOut):
    steps: list[SupervisionJudgementStepOut]


class SupervisionComplaintToJudgeOut(Out):
    ticket_number: str
    title: str
    department_id: int | None = Field(description="The department that last held it.")
    closed_at: dt.datetime | None


class SupervisionJudgementFilter(StrictSchema):
    state: JudgementState | None = None
    department_id: Id | None = None


class SupervisionVerdictFields(StrictSchema):
    responsibility: Responsibility
    department_id: Id | None = Field(None, description="When a department is responsible.")
    person_id: Id | None = Field(None, description="When a person is responsible.")
    no_fault: NoFaultReason | None = Field(None, description="When nobody is responsible.")

    def verdict(self) -> judging.Verdict:
        return judging.Verdict(
            responsibility=self.responsibility.value,
            department_id=self.department_id,
            person_id=self.person_id,
            no_fault=self.no_fault.value if self.no_fault else "",
        )


class SupervisionJudgementIn(SupervisionVerdictFields):
    ticket_number: str = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=1, max_length=1000)


class SupervisionAppealIn(StrictSchema):
    version: Version
    reason: str = Field(min_length=1, max_length=1000)


class SupervisionDecisionIn(StrictSchema):
    version: Version
    upheld: bool
    reason: str = Field(min_length=1, max_length=1000)
    responsibility: Responsibility | None = Field(
        None, description="Who is responsible instead: required when upheld."
    )
    department_id: Id | None = None
    person_id: Id | None = None
    no_fault: NoFaultReason | None = None


def judgement_out(judgement: ComplaintJudgement) -> dict[str, Any]:
    return {
        "id": judgement.pk,
        "ticket_number": judgement.ticket.number,
        "ticket_title": judgement.ticket.title,
        "responsibility": judgement.responsibility,
        "department_id": judgement.department_id,
        "person_id": judgement.person_id,
        "no_fault": judgement.no_fault or None,
        "reason": judgement.reason,
        "state": judgement.state,
        "judged_by_id": judgement.judged_by_id,
        "judged_at": judgement.judged_at,
        "appeal_due_at": judgement.appeal_due_at,
        "appeal_reason": judgement.appeal_reason,
        "appealed_at": judgement.appealed_at,
        "decision_reason": judgement.decision_reason,
        "decided_at": judgement.decided_at,
        "version": judgement.version,
    }


def _detail(judgement: ComplaintJudgement) -> dict[str, Any]:
    return {
        **judgement_out(judgement),
        "steps": [
            {"action": s.action, "actor_id": s.actor_id, "at": s.at, "reason": s.reason}
            for s in queries.judgement_steps(judgement)
        ],
    }


def _to_judge(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket_number": ticket.number,
        "title": ticket.title,
        "department_id": ticket.department_id,
        "closed_at": ticket.closed_at,
    }


@router.get("/complaints/to-judge", response={200: Page[SupervisionComplaintToJudgeOut]})
def list_complaints_to_judge(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The centre's closed complaints not judged yet, the longest waiting first."""
    return page(queries.complaints_to_judge(request_user(request)), params, _to_judge)


@router.get("/judgements", response=Page[SupervisionJudgementOut])
def list_judgements(
    request: HttpRequest, filters: Query[SupervisionJudgementFilter], params: Query[PageParams]
) -> dict[str, Any]:
    """The judgements the caller may see, the latest first: a department handler only
    their department's."""
    found = queries.judgements_of(request_user(request))
    if filters.state is not None:
        found = found.filter(state=filters.state)
    if filters.department_id is not None:
        found = found.filter(department_id=filters.department_id)
    return page(found.order_by("-judged_at", "-pk"), params, judgement_out)


@router.post(
    "/judgements", response={201: SupervisionJudgementDetailOut, **errors(403, 404, 409, 422)}
)
def create_judgement(
    request: HttpRequest, payload: SupervisionJudgementIn
) -> Status[dict[str, Any]]:
    """Judge a closed complaint: who is responsible, with the reason."""
    judgement = judging.complaint_judge(
        actor=request_user(request),
        number=payload.ticket_number,
        verdict=payload.verdict(),
        reason=payload.reason,
    )
    return Status(201, _detail(judgement))


@router.get(
    "/judgements/{int:judgement_id}", response={200: SupervisionJudgementDetailOut, **errors(404)}
)
def get_judgement(request: HttpRequest, judgement_id: Id) -> dict[str, Any]:
    return _detail(queries.judgement_get_for_user(request_user(request), judgement_id))


@router.post(
    "/judgements/{int:judgement_id}/appeal",
    response={200: SupervisionJudgementDetailOut, **errors(403, 404, 409, 422)},
)
def appeal_judgement(
    request: HttpRequest, judgement_id: Id, payload: SupervisionAppealIn
) -> dict[str, Any]:
    """Appeal, once and within the window, for the department or the team's person."""
    user = request_user(request)
    judgement = judging.judgement_appeal(
        actor=user,
        judgement=queries.judgement_get_for_user(user, judgement_id),
        version=payload.version,
        reason=payload.reason,
    )
    return _detail(judgement)


@router.post(
    "/judgements/{int:judgement_id}/decision",
    response={200: SupervisionJudgementDetailOut, **errors(403, 404, 409, 422)},
)
def decide_judgement(
    request: HttpRequest, judgement_id: Id, payload: SupervisionDecisionIn
) -> dict[str, Any]:
    """The manager's decision on the appeal: upheld with the new judgement, or refused."""
    user = request_user(request)
    verdict = None
    if payload.responsibility is not None:
        verdict = judging.Verdict(
            responsibility=payload.responsibility.value,
            department_id=payload.department_id,
            person_id=payload.person_id,
            no_fault=payload.no_fault.value if payload.no_fault else "",
        )
    judgement = judging.judgement_decide(
        actor=user,
        judgement=queries.judgement_get_for_user(user, judgement_id),
        version=payload.version,
        upheld=payload.upheld,
        reason=payload.reason,
        verdict=verdict,
    )
    return _detail(judgement)


# ---------------------------------------------------------------------------- appraisal


class SupervisionAppraisalIn(StrictSchema):
    quarter: str | None = Field(
        None, pattern=r"^\d{4}Q[1-4]$", description="e.g. 2026Q4; the current one if left out."
    )


class SupervisionAppraisalPartOut(Out):
    component: Component
    value: Decimal | None = Field(description="What was measured; None: no data.")
    score: Decimal | None = Field(description="On 0–100 by the component's rule.")
    weight: int = Field(description="The centre's weight.")
    applied_weight: Decimal = Field(description="Rescaled over the components present.")
    contribution: Decimal


class SupervisionAppraisalRowOut(Out):
    key: str = Field(description="The person's user id, or the team's name.")
    name: str
    team: str
    rank: int | None = Field(description="Equal totals share a rank; None: not ranked.")
    total: Decimal | None
    missing: list[Component] = Field(description="Components left out for want of data.")
    parts: list[SupervisionAppraisalPartOut]


class SupervisionAppraisalOut(Out):
    first: dt.date
    last: dt.date
    as_of: dt.datetime = Field(
        description="When the figures were read: kept 10 minutes while the quarter runs, "
        "12 hours once it is over."
    )
    weights: dict[str, int]
    people: list[SupervisionAppraisalRowOut]
    teams: list[SupervisionAppraisalRowOut]


def quarter_bounds(text: str | None) -> tuple[dt.date, dt.date]:
    if not text:
        return queries.quarter_of(timezone.localdate())
    year, number = int(text[:4]), int(text[5])
    if not 2000 <= year <= 2100:
        raise Invalid(_("Choose a quarter."), code="quarter", detail={"field": "quarter"})
    return queries.quarter_of(dt.date(year, 3 * number - 2, 1))


def appraisal_row(item: appraisal.Appraisal, name: str, team: str) -> dict[str, Any]:
    return {
        "key": str(item.key),
        "name": name,
        "team": team,
        "rank": item.rank,
        "total": item.total,
        "missing": item.missing,
        "parts": [
            {
                "component": p.code,
                "value": p.value,
                "score": p.score,
                "weight": p.weight,
                "applied_weight": p.applied_weight,
                "contribution": p.contribution,
            }
            for p in item.parts
        ],
    }


@router.get("/appraisal", response={200: SupervisionAppraisalOut, **errors(403, 422)})
def get_appraisal(request: HttpRequest, filters: Query[SupervisionAppraisalIn]) -> dict[str, Any]:
    """The quarter's appraisal of agents and teams, ranked, each component explained."""
    user = request_user(request)
    if not queries.may_view_assessment(user):
        raise Forbidden()
    first, last = quarter_bounds(filters.quarter)
    result = queries.appraisal_of(_centre(user), first, last)
    return {
        "first": first,
        "last": last,
        "as_of": result.as_of,
        "weights": result.weights,
        "people": [
            appraisal_row(
                item,
                result.names.get(int(str(item.key)), ""),
                result.team_of.get(int(str(item.key)), ""),
            )
            for item in result.people
        ],
        "teams": [appraisal_row(item, str(item.key), str(item.key)) for item in result.teams],
    }


class SupervisionWeightsIn(StrictSchema):
    version: Version | None = Field(None, description="None while the defaults are in use.")
    weights: dict[Component, int] = Field(description="Each 0–100, summing to 100.")
    appeal_days: int = Field(3, ge=1, le=30, description="Working days to appeal a judgement.")


class SupervisionWeightsOut(Out):
    weights: dict[str, int]
    appeal_days: int
    version: int | None


def _weights(centre: OrgUnit) -> dict[str, Any]:
    weights, days, rules = queries.weights_of(centre)
    return {"weights": weights, "appeal_days": days, "version": rules.version if rules else None}


@router.get("/appraisal/weights", response={200: SupervisionWeightsOut, **errors(403)})
def get_weights(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    if not queries.may_view_assessment(user):
        raise Forbidden()
    return _weights(_centre(user))


@router.put("/appraisal/weights", response={200: SupervisionWeightsOut, **errors(403, 409, 422)})
def set_weights(request: HttpRequest, payload: SupervisionWeightsIn) -> dict[str, Any]:
    """The manager edits the weights (each 0–100, summing to 100) and the appeal window."""
    user = request_user(request)
    rules_services.appraisal_rules_set(
        actor=user,
        weights={str(code.value): value for code, value in payload.weights.items()},
        appeal_days=payload.appeal_days,
        version=payload.version,
    )
    return _weights(_centre(user))
