"""The duty log and the handover over the API (002 第15篇 3.4): open a log, write
entries, prepare the handover, acknowledge it, search the centre's logs. Creates answer
201 and so honour `Idempotency-Key` (kefu.core.idempotency)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import NotFound
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.workforce.models import DutyEntry, DutyEntryKind, DutyLog, DutyLogState
from kefu.workforce.queries.duty import (
    current_duty_log,
    duty_log_get_for_user,
    duty_log_search,
    handover_of,
)
from kefu.workforce.services import duty as services

router = Router(tags=["workforce"])


class DutyLogIn(StrictSchema):
    starts_at: datetime
    ends_at: datetime


class DutyEntryIn(StrictSchema):
    kind: DutyEntryKind
    text: str = Field(min_length=1, max_length=1000)
    at: datetime | None = None
    ticket: str | None = Field(None, max_length=20, description="A work order's number.")


class HandoverIn(StrictSchema):
    incoming: str = Field(
        min_length=1, max_length=150, description="The incoming leader's username."
    )
    notes: str = Field(min_length=1, max_length=2000)


class AcknowledgeIn(StrictSchema):
    note: str = Field("", max_length=2000)
    ends_at: datetime | None = Field(
        None, description="When the incoming leader's shift ends, if their log is new."
    )


class DutyLogFilters(StrictSchema):
    since: date | None = None
    until: date | None = None
    leader: str | None = Field(None, max_length=150)
    kind: DutyEntryKind | None = None
    q: str | None = Field(None, max_length=100)


class PersonOut(Out):
    username: str
    name: str


class DutyEntryOut(Out):
    id: int
    at: datetime
    kind: DutyEntryKind
    text: str
    ticket: str | None
    carried_over: bool
    author: PersonOut
    created_at: datetime


class HandoverOrderOut(Out):
    number: str
    title: str
    state: str
    status: str
    due_at: datetime | None


class HandoverOut(Out):
    handed_by: PersonOut
    handed_at: datetime
    notes: str
    orders: list[HandoverOrderOut]
    incoming: PersonOut
    acknowledged_at: datetime | None
    acknowledgement_note: str


class DutyLogOut(Out):
    id: int
    leader: PersonOut
    starts_at: datetime
    ends_at: datetime
    state: DutyLogState
    entries: list[DutyEntryOut]
    handover: HandoverOut | None


def person(user: User) -> dict[str, str]:
    return {"username": user.username, "name": str(user)}


def entry_out(entry: DutyEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "at": entry.at,
        "kind": entry.kind,
        "text": entry.text,
        "ticket": entry.ticket.number if entry.ticket else None,
        "carried_over": entry.carried_from_id is not None,
        "author": person(entry.author),
        "created_at": entry.created_at,
    }


def log_out(log: DutyLog, entries: list[DutyEntry] | None = None) -> dict[str, Any]:
    handover = handover_of(log)
    shown = log.entries.all() if entries is None else entries
    return {
        "id": log.pk,
        "leader": person(log.leader),
        "starts_at": log.starts_at,
        "ends_at": log.ends_at,
        "state": log.state,
        "entries": [entry_out(entry) for entry in shown],
        "handover": None
        if handover is None
        else {
            "handed_by": person(handover.handed_by),
            "handed_at": handover.handed_at,
            "notes": handover.notes,
            "orders": handover.orders,
            "incoming": person(handover.incoming),
            "acknowledged_at": handover.acknowledged_at,
            "acknowledgement_note": handover.acknowledgement_note,
        },
    }


@router.get("/duty/logs", response=Page[DutyLogOut])
def search_duty_logs(
    request: HttpRequest, filters: Query[DutyLogFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The centre's duty logs, newest first; with `kind` or `q`, each log's `entries` are
    the ones that match (all of them otherwise)."""

    def row(log: DutyLog) -> dict[str, Any]:
        return log_out(log, log.matching_entries)  # type: ignore[attr-defined]

    return page(duty_log_search(request_user(request), **filters.dict()), paging, row)


@router.post("/duty/logs", response={201: DutyLogOut, **errors(409, 422)})
def open_duty_log(request: HttpRequest, payload: DutyLogIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    log = services.duty_log_open(actor=user, **payload.dict())
    return Status(201, log_out(duty_log_get_for_user(user, log.pk)))


@router.get("/duty/logs/current", response={200: DutyLogOut, **errors(404)})
def get_current_duty_log(request: HttpRequest) -> dict[str, Any]:
    log = current_duty_log(request_user(request))
    if log is None:
        raise NotFound(code="duty_log_not_found")
    return log_out(log)


@router.get("/duty/logs/{int:log_id}", response={200: DutyLogOut, **errors(404)})
def get_duty_log(request: HttpRequest, log_id: Id) -> dict[str, Any]:
    return log_out(duty_log_get_for_user(request_user(request), log_id))


@router.post(
    "/duty/logs/{int:log_id}/entries", response={201: DutyEntryOut, **errors(404, 409, 422)}
)
def add_duty_entry(
    request: HttpRequest, log_id: Id, payload: DutyEntryIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    duty_log_get_for_user(user, log_id)  # another centre's log is not there
    entry = services.duty_entry_add(
        actor=user,
        log_id=log_id,
        kind=payload.kind,
        text=payload.text,
        at=payload.at,
        ticket_number=payload.ticket,
    )
    entry = DutyEntry.objects.select_related("ticket", "author").get(pk=entry.pk)
    return Status(201, entry_out(entry))


@router.post(
    "/duty/logs/{int:log_id}/handover", response={201: DutyLogOut, **errors(404, 409, 422)}
)
def prepare_handover(
    request: HttpRequest, log_id: Id, payload: HandoverIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    duty_log_get_for_user(user, log_id)
    services.handover_prepare(actor=user, log_id=log_id, **payload.dict())
    return Status(201, log_out(duty_log_get_for_user(user, log_id)))


@router.post(
    "/duty/logs/{int:log_id}/acknowledge", response={200: DutyLogOut, **errors(404, 409, 422)}
)
def acknowledge_handover(
    request: HttpRequest, log_id: Id, payload: AcknowledgeIn
) -> dict[str, Any]:
    user = request_user(request)
    duty_log_get_for_user(user, log_id)
    services.handover_acknowledge(actor=user, log_id=log_id, **payload.dict())
    return log_out(duty_log_get_for_user(user, log_id))
