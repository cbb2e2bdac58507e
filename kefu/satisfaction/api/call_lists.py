"""Outbound call lists over the API at /api/v1/satisfaction/callbacks/lists (issue 19
point 5). A create is safe to repeat: a list's name is unique in its centre, and the
same body again answers the list made the first time (200; 201 when made now). Reads go
through the getter the pages use; the calls themselves are callback tasks
(/api/v1/satisfaction/callbacks, kind `list`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.customers.models import Tier
from kefu.satisfaction.models import (
    Assignment,
    CallList,
    CallListPurpose,
    CallListState,
    FillRule,
)
from kefu.satisfaction.queries.call_lists import (
    ListCounts,
    call_list_get_for_user,
    counts_of,
    lists_visible_to,
)
from kefu.satisfaction.services import call_lists as services

router = Router(tags=["satisfaction: outbound lists"])


class CallListIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    purpose: CallListPurpose
    fill_rule: FillRule
    business_type: Id | None = Field(
        None, description="A business type or service content (closed_orders)."
    )
    tier: Tier | None = None
    region: Id | None = None
    sample_size: int = Field(0, ge=0, le=5000)
    script: str = Field("", max_length=4000)
    survey: Id | None = None
    due_on: dt.date
    max_attempts: int = Field(3, ge=1, le=20)
    retry_hours: int = Field(4, ge=0, le=720)
    team: Id | None = Field(None, description="Blank: the centre's agents work it.")
    assignment: Assignment = Assignment.ROUND_ROBIN


class CallListCountsOut(Out):
    to_call: int
    done: int
    unreachable: int
    cancelled: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    reach_rate: Decimal | None = Field(description="reached / closed, per cent.")


class CallListOut(Out):
    id: int
    name: str
    purpose: CallListPurpose
    fill_rule: FillRule
    business_type: int | None
    tier: str
    region: int | None
    sample_size: int
    script: str
    survey: int | None
    due_on: dt.date
    max_attempts: int
    retry_hours: int
    team: int | None
    assignment: Assignment
    state: CallListState
    created_by: str
    created_at: dt.datetime
    filled_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int
    counts: CallListCountsOut


class CallListFilters(StrictSchema):
    state: CallListState | None = None


class CallListFillIn(StrictSchema):
    accounts: list[str] | None = Field(
        None,
        max_length=5000,
        description="Account numbers to add; none: fill by the list's rule.",
    )


class CallListFillOut(Out):
    written: int
    already: int = Field(description="Customers found who were on the list before.")
    more: bool = Field(description="The rule found more than one fill writes: fill again.")
    unassigned: int = Field(description="Calls written while no agent works the list.")
    call_list: CallListOut


class CallListCloseIn(StrictSchema):
    version: Version | None = None


def _counts(counts: ListCounts) -> dict[str, Any]:
    tally = counts.tally
    return {
        "to_call": counts.to_call,
        "done": counts.done,
        "unreachable": counts.unreachable,
        "cancelled": counts.cancelled,
        "satisfied": tally.satisfied,
        "fairly_satisfied": tally.fairly_satisfied,
        "dissatisfied": tally.dissatisfied,
        "reach_rate": tally.reach_rate,
    }


def _shown(call_list: CallList, counts: ListCounts | None = None) -> dict[str, Any]:
    counts = counts or counts_of([call_list.pk])[call_list.pk]
    return {
        "id": call_list.pk,
        "name": call_list.name,
        "purpose": call_list.purpose,
        "fill_rule": call_list.fill_rule,
        "business_type": call_list.business_type_id,
        "tier": call_list.tier,
        "region": call_list.region_id,
        "sample_size": call_list.sample_size,
        "script": call_list.script,
        "survey": call_list.survey_id,
        "due_on": call_list.due_on,
        "max_attempts": call_list.max_attempts,
        "retry_hours": call_list.retry_hours,
        "team": call_list.team_id,
        "assignment": call_list.assignment,
        "state": call_list.state,
        "created_by": call_list.created_by.username,
        "created_at": call_list.created_at,
        "filled_at": call_list.filled_at,
        "closed_at": call_list.closed_at,
        "version": call_list.version,
        "counts": _counts(counts),
    }


@router.get("", response=Page[CallListOut])
def list_call_lists(
    request: HttpRequest, filters: Query[CallListFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The centre's lists, newest first, each with the counts of its calls."""
    lists = lists_visible_to(request_user(request))
    if filters.state:
        lists = lists.filter(state=filters.state)
    shown = page(lists, paging, lambda each: each)
    counts = counts_of([each.pk for each in shown["items"]])
    shown["items"] = [_shown(each, counts[each.pk]) for each in shown["items"]]
    return shown


@router.post("", response={200: CallListOut, 201: CallListOut, **errors(403, 409, 422)})
def create_call_list(request: HttpRequest, payload: CallListIn) -> Status[dict[str, Any]]:
    """A new list (MANAGE_OUTREACH). The same body again answers the same list (200);
    other terms under a name in use are refused (409)."""
    user = request_user(request)
    call_list, made = services.call_list_create(
        actor=user,
        name=payload.name,
        purpose=payload.purpose,
        fill_rule=payload.fill_rule,
        business_type_id=payload.business_type,
        tier=payload.tier or "",
        region_id=payload.region,
        sample_size=payload.sample_size,
        script=payload.script,
        survey_id=payload.survey,
        due_on=payload.due_on,
        max_attempts=payload.max_attempts,
        retry_hours=payload.retry_hours,
        team_id=payload.team,
        assignment=payload.assignment,
    )
    return Status(201 if made else 200, _shown(call_list_get_for_user(user, call_list.pk)))


@router.get("/{int:list_id}", response={200: CallListOut, **errors(404)})
def get_call_list(request: HttpRequest, list_id: Id) -> dict[str, Any]:
    return _shown(call_list_get_for_user(request_user(request), list_id))


@router.post("/{int:list_id}/fill", response={200: CallListFillOut, **errors(403, 404, 409, 422)})
def fill_call_list(request: HttpRequest, list_id: Id, payload: CallListFillIn) -> dict[str, Any]:
    """Add the customers the list's rule finds now, or those of `accounts`, who are not on
    it yet (5,000 at most a fill; `more` says to fill again). An account number that is
    not one of the centre's refuses the whole request (422, each bad row in
    `detail.rows` with its line, counted from 1). Safe to repeat: a customer is on a list
    once."""
    user = request_user(request)
    call_list_get_for_user(user, list_id)
    result = services.call_list_fill(
        actor=user,
        list_id=list_id,
        accounts="\n".join(payload.accounts) if payload.accounts is not None else None,
    )
    return {
        "written": result.written,
        "already": result.already,
        "more": result.more,
        "unassigned": result.unassigned,
        "call_list": _shown(call_list_get_for_user(user, list_id)),
    }


@router.post("/{int:list_id}/close", response={200: CallListOut, **errors(403, 404, 409)})
def close_call_list(request: HttpRequest, list_id: Id, payload: CallListCloseIn) -> dict[str, Any]:
    """Close the list; the calls not made yet are cancelled."""
    user = request_user(request)
    call_list_get_for_user(user, list_id)
    services.call_list_close(actor=user, list_id=list_id, version=payload.version)
    return _shown(call_list_get_for_user(user, list_id))
