"""Rotas over the API (issue 17 point 3): leaders (PLAN_ROTA) list, read, generate and
publish their centre's rotas, read the published versions and the change log, and change a
shift; anyone who sees a rota (VIEW_ROTA) reads their own shifts of published rotas.

Statuses: 200 read, 202 a generation queued (the rota's `solver_status` is `queued` until
the worker has solved it), 201 a version published, 403 a role without the permission,
404 another centre's rota or someone else's shift, 409 a published rota re-planned or a
rota published while it is planned, 422 input the schema or the service refuses; every
error is `{"code", "message", "detail"}`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import NotFound
from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.workforce.models import Rota, RotaChange, RotaVersion, Shift
from kefu.workforce.queries.rota import (
    changes_visible_to,
    member_get_for_user,
    rota_get_for_user,
    rotas_visible_to,
    shift_get_for_user,
    shifts_visible_to,
    template_get_for_user,
    versions_visible_to,
)
from kefu.workforce.services import rota as services

router = Router(tags=["rotas"])

RotaState = Literal["draft", "published"]
SolverStatus = Literal["", "queued", "optimal", "feasible", "infeasible", "unknown"]
Cause = Literal["swap", "leave", "edit"]


class RotaOut(Out):
    id: int
    first_day: dt.date
    last_day: dt.date
    interval_minutes: int
    status: RotaState
    solver_status: SolverStatus
    short_total: float
    over_total: float
    created_at: dt.datetime


class RotaDetailOut(RotaOut):
    requirement: dict[str, list[int]]
    explanation: dict[str, Any]


class RotaBreakOut(Out):
    start: dt.datetime
    end: dt.datetime
    paid: bool
    meal: bool


class RotaShiftOut(Out):
    id: int
    rota: int
    member: int
    username: str
    day: dt.date
    template: str | None
    template_name: str | None
    kind: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    breaks: list[RotaBreakOut]


class RotaVersionOut(Out):
    number: int
    digest: str
    published_at: dt.datetime
    published_by: str | None
    shifts: list[dict[str, Any]]


class RotaChangeOut(Out):
    id: int
    rota: int
    member: int
    username: str
    day: dt.date
    cause: Cause
    before: dict[str, Any]
    after: dict[str, Any]
    note: str
    by: str | None
    at: dt.datetime


class RotaGenerateIn(StrictSchema):
    first_day: dt.date
    last_day: dt.date
    interval_minutes: Literal[15, 30] = 30


class RotaShiftChangeIn(StrictSchema):
    member: Id
    day: dt.date
    template: str | None = Field(None, max_length=32, description="None: a day off.")
    note: str = Field(..., min_length=1, max_length=500)


class RotaShiftFilters(StrictSchema):
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    rota: Id | None = None


def rota_out(rota: Rota) -> dict[str, Any]:
    return {
        "id": rota.pk,
        "first_day": rota.first_day,
        "last_day": rota.last_day,
        "interval_minutes": rota.interval_minutes,
        "status": rota.status,
        "solver_status": rota.solver_status,
        "short_total": rota.short_total,
        "over_total": rota.over_total,
        "created_at": rota.created_at,
    }


def shift_out(shift: Shift) -> dict[str, Any]:
    template = shift.template
    return {
        "id": shift.pk,
        "rota": shift.rota_id,
        "member": shift.member_id,
        "username": shift.member.user.username,
        "day": shift.day,
        "template": template.code if template else None,
        "template_name": template.name if template else None,
        "kind": template.kind if template else None,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "breaks": shift.breaks,
    }


def version_out(version: RotaVersion) -> dict[str, Any]:
    by = version.published_by
    return {
        "number": version.number,
        "digest": version.digest,
        "published_at": version.published_at,
        "published_by": by.username if by else None,
        "shifts": version.shifts,
    }


def change_out(change: RotaChange) -> dict[str, Any]:
    return {
        "id": change.pk,
        "rota": change.rota_id,
        "member": change.member_id,
        "username": change.member.user.username,
        "day": change.day,
        "cause": change.cause,
        "before": change.before,
        "after": change.after,
        "note": change.note,
        "by": change.by.username if change.by else None,
        "at": change.at,
    }


@router.get("/rotas", response=Page[RotaOut])
def list_rotas(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The rotas of the leader's centre, latest first."""
    rotas = rotas_visible_to(request_user(request)).order_by("-first_day", "-pk")
    return page(rotas, paging, rota_out)


@router.post("/rotas", response={202: RotaDetailOut})
def generate_rota(request: HttpRequest, payload: RotaGenerateIn) -> Status[dict[str, Any]]:
    """A draft rota for the days asked, planned against the forecast by the solver in the
    worker: `solver_status` is `queued` until it is done."""
    user = request_user(request)
    rotas_visible_to(user)  # the permission, before anything is read
    if user.centre is None:
        raise NotFound()
    rota = services.rota_generate(
        actor=user,
        centre=user.centre,
        first_day=payload.first_day,
        last_day=payload.last_day,
        interval_minutes=payload.interval_minutes,
    )
    return Status(202, _detail(rota))


def _detail(rota: Rota) -> dict[str, Any]:
    return {**rota_out(rota), "requirement": rota.requirement, "explanation": rota.explanation}


@router.get("/rotas/{rota_id}", response=RotaDetailOut)
def get_rota(request: HttpRequest, rota_id: Id) -> dict[str, Any]:
    return _detail(rota_get_for_user(request_user(request), rota_id))


@router.post("/rotas/{rota_id}/generate", response={202: RotaDetailOut, **errors(409)})
def regenerate_rota(request: HttpRequest, rota_id: Id) -> Status[dict[str, Any]]:
    """Plan a draft rota again (a published one: 409)."""
    user = request_user(request)
    rota = rota_get_for_user(user, rota_id)
    rota = services.rota_generate(
        actor=user,
        centre=rota.centre,
        first_day=rota.first_day,
        last_day=rota.last_day,
        interval_minutes=rota.interval_minutes,
        rota=rota,
    )
    return Status(202, _detail(rota))


@router.post("/rotas/{rota_id}/publish", response={201: RotaVersionOut, **errors(409)})
def publish_rota(request: HttpRequest, rota_id: Id) -> Status[dict[str, Any]]:
    """The next immutable version of the rota (its shifts and their sha256 digest)."""
    user = request_user(request)
    version = services.rota_publish(actor=user, rota=rota_get_for_user(user, rota_id))
    return Status(201, version_out(version))


@router.get("/rotas/{rota_id}/versions", response=list[RotaVersionOut])
def list_versions(request: HttpRequest, rota_id: Id) -> list[dict[str, Any]]:
    versions = versions_visible_to(request_user(request), rota_id).select_related("published_by")
    return [version_out(version) for version in versions]


@router.get("/rotas/{rota_id}/changes", response=Page[RotaChangeOut])
def list_changes(request: HttpRequest, rota_id: Id, paging: Query[PageParams]) -> dict[str, Any]:
    """The changes since publication, latest first."""
    user = request_user(request)
    rota = rota_get_for_user(user, rota_id)
    changes = changes_visible_to(user).filter(rota=rota).order_by("-at", "-pk")
    return page(changes, paging, change_out)


@router.put("/rotas/{rota_id}/shifts", response={200: RotaShiftOut | None})
def change_shift(request: HttpRequest, rota_id: Id, payload: RotaShiftChangeIn) -> Any:
    """Give one agent one day's shift (a template's code) or a day off (`template` null),
    with the reason; on a published rota the change is recorded. Answers the shift as it
    now is, or null for a day off."""
    user = request_user(request)
    rota = rota_get_for_user(user, rota_id)
    member = member_get_for_user(user, payload.member)
    template = template_get_for_user(user, payload.template) if payload.template else None
    shift = services.shift_change(
        actor=user,
        member=member,
        day=payload.day,
        template=template,
        note=payload.note,
        rota=rota,
    )
    if shift is None:
        return None
    return shift_out(shift_get_for_user(user, shift.pk))


@router.get("/shifts", response=Page[RotaShiftOut])
def list_shifts(
    request: HttpRequest, filters: Query[RotaShiftFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Shifts by day: a leader's centre's, an agent's own of published rotas."""
    shifts = shifts_visible_to(request_user(request))
    if filters.first_day:
        shifts = shifts.filter(day__gte=filters.first_day)
    if filters.last_day:
        shifts = shifts.filter(day__lte=filters.last_day)
    if filters.rota:
        shifts = shifts.filter(rota_id=filters.rota)
    shifts = shifts.select_related("template", "member__user").order_by("day", "starts_at", "pk")
    return page(shifts, paging, shift_out)


@router.get("/shifts/{shift_id}", response=RotaShiftOut)
def get_shift(request: HttpRequest, shift_id: Id) -> dict[str, Any]:
    return shift_out(shift_get_for_user(request_user(request), shift_id))
