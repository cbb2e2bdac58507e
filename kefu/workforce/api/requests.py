"""Leave and swap requests (调班申请, 002 第15篇 3.1.1) at /api/v1/workforce/: agents ask,
withdraw, and answer the swaps offered to them; planners see what a request would change
and decide. Creates honour Idempotency-Key (kefu.api)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, StrictSchema, errors
from kefu.workforce.models import LeaveKind, LeaveRequest, RequestStatus, SwapRequest
from kefu.workforce.queries import requests as queries
from kefu.workforce.services import requests as services

router = Router(tags=["workforce"])

Reason = Field(min_length=1, max_length=500)


class LeaveIn(StrictSchema):
    kind: LeaveKind
    first_day: dt.date
    last_day: dt.date
    reason: str = Reason


class SwapIn(StrictSchema):
    shift_id: Id
    counterpart_id: Id = Field(description="The colleague's staff-member id.")
    counterpart_shift_id: Id | None = Field(
        None, description="The colleague's shift taken in exchange; none: the shift is given."
    )
    reason: str = Reason


class AnswerIn(StrictSchema):
    accept: bool
    note: str = Field("", max_length=500)


class DecisionIn(StrictSchema):
    decision: Literal["approve", "refuse"]
    note: str = Field("", max_length=500, description="The reason; required to refuse.")
    digest: str | None = Field(
        None,
        max_length=64,
        description="The impact's digest as seen: refused (409) if a shift changed since.",
    )


class RequestFilters(StrictSchema):
    status: RequestStatus | None = None
    scope: Literal["mine", "offers", "led"] = "mine"


class LeaveOut(Schema):
    id: int
    member_id: int
    agent: str
    kind: LeaveKind
    first_day: dt.date
    last_day: dt.date
    reason: str
    status: RequestStatus
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


class SwapShiftOut(Schema):
    id: int
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


class SwapOut(Schema):
    id: int
    requester_id: int
    requester: str
    counterpart_id: int
    counterpart: str
    shift: SwapShiftOut | None = Field(description="None once the shift left the rota.")
    counterpart_shift: SwapShiftOut | None
    reason: str
    status: RequestStatus
    accepted_at: dt.datetime | None
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


class CoverageOut(Schema):
    day: dt.date
    start: dt.datetime
    queue: str
    required: float
    before: int
    after: int


class BreachOut(Schema):
    member_id: int
    agent: str
    rule: str
    day: dt.date
    message: str


class ImpactOut(Schema):
    coverage: list[CoverageOut]
    breaches: list[BreachOut]
    digest: str
    published: bool


def _who(user: Any) -> str | None:
    return (user.full_name or user.username) if user is not None else None


def leave_out(leave: LeaveRequest) -> dict[str, Any]:
    return {
        "id": leave.pk,
        "member_id": leave.member_id,
        "agent": _who(leave.member.user),
        "kind": leave.kind,
        "first_day": leave.first_day,
        "last_day": leave.last_day,
        "reason": leave.reason,
        "status": leave.status,
        "created_at": leave.created_at,
        "decided_by": _who(leave.decided_by),
        "decided_at": leave.decided_at,
        "decision_note": leave.decision_note,
    }


def _shift(shift: Any) -> dict[str, Any] | None:
    if shift is None:
        return None
    return {
        "id": shift.pk,
        "day": shift.day,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
    }


def swap_out(swap: SwapRequest) -> dict[str, Any]:
    return {
        "id": swap.pk,
        "requester_id": swap.requester_id,
        "requester": _who(swap.requester.user),
        "counterpart_id": swap.counterpart_id,
        "counterpart": _who(swap.counterpart.user),
        "shift": _shift(swap.shift),
        "counterpart_shift": _shift(swap.counterpart_shift),
        "reason": swap.reason,
        "status": swap.status,
        "accepted_at": swap.accepted_at,
        "created_at": swap.created_at,
        "decided_by": _who(swap.decided_by),
        "decided_at": swap.decided_at,
        "decision_note": swap.decision_note,
    }


def impact_out(impact: queries.Impact) -> dict[str, Any]:
    return {
        "coverage": [
            {
                "day": row.day,
                "start": row.start,
                "queue": row.queue,
                "required": row.required,
                "before": row.before,
                "after": row.after,
            }
            for row in impact.coverage
        ],
        "breaches": [
            {
                "member_id": item.member.pk,
                "agent": _who(item.member.user),
                "rule": item.breach.rule,
                "day": item.breach.day,
                "message": item.breach.message,
            }
            for item in impact.breaches
        ],
        "digest": impact.digest,
        "published": impact.published,
    }


# --- leave ------------------------------------------------------------------------------


@router.get("/leave-requests", response=Page[LeaveOut])
def list_leave(
    request: HttpRequest, filters: Query[RequestFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    user = request_user(request)
    rows = queries.leave_requests_visible_to(user)
    if filters.scope == "mine":
        rows = rows.filter(member__user=user)
    elif filters.scope == "led":
        rows = rows.filter(member__in=queries.members_led_by(user))
    else:
        rows = rows.none()
    if filters.status:
        rows = rows.filter(status=filters.status)
    return page(rows.order_by("-created_at", "-id"), paging, leave_out)


@router.post("/leave-requests", response={201: LeaveOut, **errors(409)})
def create_leave(request: HttpRequest, payload: LeaveIn) -> Status[dict[str, Any]]:
    leave = services.leave_request_create(actor=request_user(request), **payload.dict())
    return Status(
        201, leave_out(queries.leave_request_get_for_user(request_user(request), leave.pk))
    )


@router.get("/leave-requests/{int:leave_id}", response=LeaveOut)
def get_leave(request: HttpRequest, leave_id: Id) -> dict[str, Any]:
    return leave_out(queries.leave_request_get_for_user(request_user(request), leave_id))


@router.get("/leave-requests/{int:leave_id}/impact", response=ImpactOut)
def leave_impact(request: HttpRequest, leave_id: Id) -> dict[str, Any]:
    leave = queries.leave_request_get_for_user(request_user(request), leave_id)
    return impact_out(queries.leave_impact(leave))


@router.post("/leave-requests/{int:leave_id}/withdraw", response={200: LeaveOut, **errors(409)})
def withdraw_leave(request: HttpRequest, leave_id: Id) -> dict[str, Any]:
    user = request_user(request)
    queries.leave_request_get_for_user(user, leave_id)
    services.leave_request_withdraw(actor=user, leave_id=leave_id)
    return leave_out(queries.leave_request_get_for_user(user, leave_id))


@router.post("/leave-requests/{int:leave_id}/decision", response={200: LeaveOut, **errors(409)})
def decide_leave(request: HttpRequest, leave_id: Id, payload: DecisionIn) -> dict[str, Any]:
    user = request_user(request)
    queries.leave_request_get_for_user(user, leave_id)
    services.leave_request_decide(
        actor=user,
        leave_id=leave_id,
        approve=payload.decision == "approve",
        note=payload.note,
        digest=payload.digest,
    )
    return leave_out(queries.leave_request_get_for_user(user, leave_id))


# --- swaps ------------------------------------------------------------------------------


@router.get("/swap-requests", response=Page[SwapOut])
def list_swaps(
    request: HttpRequest, filters: Query[RequestFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    user = request_user(request)
    rows = queries.swap_requests_visible_to(user)
    if filters.scope == "mine":
        rows = rows.filter(requester__user=user)
    elif filters.scope == "offers":
        rows = rows.filter(counterpart__user=user)
    else:
        led = queries.members_led_by(user)
        rows = rows.filter(requester__in=led) | rows.filter(counterpart__in=led)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return page(rows.order_by("-created_at", "-id"), paging, swap_out)


@router.post("/swap-requests", response={201: SwapOut, **errors(409)})
def create_swap(request: HttpRequest, payload: SwapIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    swap = services.swap_request_create(actor=user, **payload.dict())
    return Status(201, swap_out(queries.swap_request_get_for_user(user, swap.pk)))


@router.get("/swap-requests/{int:swap_id}", response=SwapOut)
def get_swap(request: HttpRequest, swap_id: Id) -> dict[str, Any]:
    return swap_out(queries.swap_request_get_for_user(request_user(request), swap_id))


@router.get("/swap-requests/{int:swap_id}/impact", response=ImpactOut)
def swap_impact(request: HttpRequest, swap_id: Id) -> dict[str, Any]:
    swap = queries.swap_request_get_for_user(request_user(request), swap_id)
    return impact_out(queries.swap_impact(swap))


@router.post("/swap-requests/{int:swap_id}/withdraw", response={200: SwapOut, **errors(409)})
def withdraw_swap(request: HttpRequest, swap_id: Id) -> dict[str, Any]:
    user = request_user(request)
    queries.swap_request_get_for_user(user, swap_id)
    services.swap_request_withdraw(actor=user, swap_id=swap_id)
    return swap_out(queries.swap_request_get_for_user(user, swap_id))


@router.post("/swap-requests/{int:swap_id}/answer", response={200: SwapOut, **errors(409)})
def answer_swap(request: HttpRequest, swap_id: Id, payload: AnswerIn) -> dict[str, Any]:
    user = request_user(request)
    queries.swap_request_get_for_user(user, swap_id)
    services.swap_request_answer(
        actor=user, swap_id=swap_id, accept=payload.accept, note=payload.note
    )
    return swap_out(queries.swap_request_get_for_user(user, swap_id))


@router.post("/swap-requests/{int:swap_id}/decision", response={200: SwapOut, **errors(409)})
def decide_swap(request: HttpRequest, swap_id: Id, payload: DecisionIn) -> dict[str, Any]:
    user = request_user(request)
    queries.swap_request_get_for_user(user, swap_id)
    services.swap_request_decide(
        actor=user,
        swap_id=swap_id,
        approve=payload.decision == "approve",
        note=payload.note,
        digest=payload.digest,
    )
    return swap_out(queries.swap_request_get_for_user(user, swap_id))
