"""Callback tasks and the dissatisfied-customer list over the API at /api/v1/satisfaction/
(issue 19 points 1 and 3). Every read goes through the access-checked getters the pages
use; creates answer 201 and so honour `Idempotency-Key` (kefu.core.idempotency)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden
from kefu.core.forms import start_of
from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.roles import VIEW_SATISFACTION
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.customers.queries import customer_get_for_user
from kefu.satisfaction.models import (
    Assignment,
    CallbackKind,
    CallbackOutcomeChoice,
    CallbackState,
    CallbackTask,
    DissatisfiedCause,
    DissatisfiedEntry,
    EntryState,
)
from kefu.satisfaction.queries.callbacks import (
    attempts_of,
    callback_results,
    callback_task_get_for_user,
    rules_of_centre,
    tasks_visible_to,
)
from kefu.satisfaction.queries.dissatisfied import (
    dissatisfied_get_for_user,
    dissatisfied_indicators,
    dissatisfied_list,
)
from kefu.satisfaction.services import callbacks as callback_services
from kefu.satisfaction.services import dissatisfied as services
from kefu.satisfaction.views.dissatisfied import month_periods

router = Router(tags=["satisfaction: callbacks and dissatisfied customers"])

# kefu.contacts.models.Channel's values (its name is taken by the outbox's Channel).
ContactChannel = Literal["hotline", "web", "app", "wechat", "sms", "email", "counter", "outbound"]
Grouping = Literal["touchpoint", "team", "agent", "kind", "list"]
ListState = Literal["open", "checking", "repaired", "not_repaired", "all"]
SCRIPT_MAX = 4000


class CallbackPersonOut(Out):
    username: str
    name: str


class CallbackAttemptOut(Out):
    number: int
    at: dt.datetime
    by: CallbackPersonOut
    outcome: CallbackOutcomeChoice
    note: str


class CallbackTaskOut(Out):
    id: int
    kind: CallbackKind
    state: CallbackState
    outcome: CallbackOutcomeChoice | None
    customer: int
    customer_name: str
    contact: int | None
    ticket: str | None
    entry: int | None
    call_list: int | None
    agent: CallbackPersonOut | None
    team: str | None
    touchpoint: str
    assignee: CallbackPersonOut | None
    script: str
    attempts: int
    max_attempts: int
    next_try_at: dt.datetime
    due_at: dt.datetime
    created_at: dt.datetime
    closed_at: dt.datetime | None
    version: int
    attempt_log: list[CallbackAttemptOut] | None = None


class CallbackFilters(StrictSchema):
    state: CallbackState | None = None
    mine: bool = False


class CallbackAttemptIn(StrictSchema):
    outcome: CallbackOutcomeChoice
    note: str = Field("", max_length=1000)
    version: Version


class CallbackReassignIn(StrictSchema):
    assignee: str = Field(min_length=1, max_length=150, description="The user name.")
    version: Version


class CallbackRuleIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["sample", "after_repair", "after_complaint"]
    channel: ContactChannel | None = None
    business_type: Id | None = None
    rate: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    delay_days: int = Field(0, ge=0, le=365)
    due_days: int = Field(2, ge=0, le=365)
    max_attempts: int = Field(3, ge=1, le=20)
    retry_hours: int = Field(4, ge=0, le=720)
    script: str = Field("", max_length=SCRIPT_MAX)
    assignment: Assignment = Assignment.ROUND_ROBIN
    active: bool = True


class CallbackRuleOut(Out):
    id: int
    name: str
    kind: CallbackKind
    channel: str
    business_type: int | None
    rate: Decimal
    delay_days: int
    due_days: int
    max_attempts: int
    retry_hours: int
    script: str
    assignment: Assignment
    active: bool


class CallbackResultsIn(StrictSchema):
    since: dt.date
    until: dt.date
    by: Grouping = "touchpoint"


class CallbackResultOut(Out):
    group: str
    closed: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    unreachable: int
    satisfaction: Decimal | None = Field(
        description="(satisfied + fairly satisfied) / reached, per cent; null: none reached."
    )
    reach_rate: Decimal | None = Field(description="reached / closed, per cent.")


class DissatisfiedReasonOut(Out):
    cause: DissatisfiedCause
    at: dt.datetime
    ticket: str | None
    source: str
    note: str
    entered_by: CallbackPersonOut | None


class RepairStepOut(Out):
    id: int
    position: int
    text: str
    due_on: dt.date | None
    done_at: dt.datetime | None


class RepairContactOut(Out):
    at: dt.datetime
    by: CallbackPersonOut
    channel: str
    note: str


class DissatisfiedOut(Out):
    id: int
    customer: int
    customer_name: str
    cause: DissatisfiedCause
    state: EntryState
    entered_at: dt.datetime
    owner: CallbackPersonOut | None
    deadline: dt.date | None
    goal: str
    exited_at: dt.datetime | None
    outcome_note: str
    verified_by: str
    version: int
    reasons: list[DissatisfiedReasonOut] | None = None
    steps: list[RepairStepOut] | None = None
    contacts: list[RepairContactOut] | None = None


class DissatisfiedFilters(StrictSchema):
    state: ListState = "open"
    q: str = Field("", max_length=100)


class DissatisfiedIn(StrictSchema):
    customer: Id
    note: str = Field(min_length=1, max_length=1000)


class RepairStepIn(StrictSchema):
    text: str = Field(min_length=1, max_length=300)
    due_on: dt.date | None = None


class RepairPlanIn(StrictSchema):
    owner: str = Field(min_length=1, max_length=150, description="The owner's user name.")
    deadline: dt.date | None = None
    goal: str = Field("", max_length=500)
    steps: list[RepairStepIn] = Field(default_factory=list, max_length=50)
    version: Version


class RepairContactIn(StrictSchema):
    channel: ContactChannel
    note: str = Field(min_length=1, max_length=1000)


class DissatisfiedCloseIn(StrictSchema):
    repaired: bool
    note: str = Field(min_length=1, max_length=1000)
    version: Version | None = None


class VersionIn(StrictSchema):
    version: Version | None = None


class DissatisfiedIndicatorsIn(StrictSchema):
    months: int = Field(6, ge=1, le=24)


class DissatisfiedFiguresOut(Out):
    month: dt.date
    size: int = Field(description="Customers on the list at the month's end.")
    entries: int
    exits: int
    repaired: int
    repair_rate: Decimal | None = Field(description="repaired / exits, per cent.")


def _person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "name": str(user)}


def _task(task: CallbackTask, *, with_attempts: bool = False) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": task.pk,
        "kind": task.kind,
        "state": task.state,
        "outcome": task.outcome or None,
        "customer": task.customer_id,
        "customer_name": task.customer.name,
        "contact": task.contact_id,
        "ticket": task.ticket.number if task.ticket else None,
        "entry": task.entry_id,
        "call_list": task.call_list_id,
        "agent": _person(task.agent),
        "team": task.team.name if task.team else None,
        "touchpoint": task.touchpoint,
        "assignee": _person(task.assignee),
        "script": task.script,
        "attempts": task.attempts,
        "max_attempts": task.max_attempts,
        "next_try_at": task.next_try_at,
        "due_at": task.due_at,
        "created_at": task.created_at,
        "closed_at": task.closed_at,
        "version": task.version,
    }
    if with_attempts:
        shown["attempt_log"] = [
            {
                "number": attempt.number,
                "at": attempt.at,
                "by": _person(attempt.by),
                "outcome": attempt.outcome,
                "note": attempt.note,
            }
            for attempt in attempts_of(task)
        ]
    return shown


@router.get("/callbacks", response=Page[CallbackTaskOut])
def list_callbacks(
    request: HttpRequest, filters: Query[CallbackFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The callback tasks the user may see (their centre's with VIEW_SATISFACTION, else
    their own), soonest due first; `mine` keeps the ones assigned to the user."""
    user = request_user(request)
    tasks = tasks_visible_to(user)
    if filters.state:
        tasks = tasks.filter(state=filters.state)
    if filters.mine:
        tasks = tasks.filter(assignee=user)
    return page(tasks.order_by("due_at", "pk"), paging, _task)


@router.get("/callbacks/results", response=list[CallbackResultOut])
def get_callback_results(
    request: HttpRequest, filters: Query[CallbackResultsIn]
) -> list[dict[str, Any]]:
    """The outcomes of the callbacks closed from `since` to `until` (inclusive dates)."""
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION):
        raise Forbidden()
    rows = callback_results(
        user,
        since=start_of(filters.since),
        until=start_of(filters.until + dt.timedelta(days=1)),
        by=filters.by,
    )
    return [
        {
            "group": row.group,
            "closed": row.tally.closed,
            "satisfied": row.tally.satisfied,
            "fairly_satisfied": row.tally.fairly_satisfied,
            "dissatisfied": row.tally.dissatisfied,
            "unreachable": row.tally.unreachable,
            "satisfaction": row.tally.satisfaction,
            "reach_rate": row.tally.reach_rate,
        }
        for row in rows
    ]


@router.get("/callbacks/{int:task_id}", response={200: CallbackTaskOut, **errors(404)})
def get_callback(request: HttpRequest, task_id: Id) -> dict[str, Any]:
    task = callback_task_get_for_user(request_user(request), task_id)
    return _task(task, with_attempts=True)


@router.post(
    "/callbacks/{int:task_id}/attempts",
    response={201: CallbackTaskOut, **errors(403, 404, 409, 422)},
)
def record_attempt(
    request: HttpRequest, task_id: Id, payload: CallbackAttemptIn
) -> Status[dict[str, Any]]:
    """Record one call: reached closes the task; 联系不上 is tried again later up to the
    rule's limit of attempts. `version` is the task's; a stale one is refused (409)."""
    user = request_user(request)
    callback_task_get_for_user(user, task_id)
    callback_services.callback_attempt_record(
        actor=user,
        task_id=task_id,
        outcome=payload.outcome,
        note=payload.note,
        version=payload.version,
    )
    return Status(201, _task(callback_task_get_for_user(user, task_id), with_attempts=True))


@router.post(
    "/callbacks/{int:task_id}/reassign",
    response={200: CallbackTaskOut, **errors(403, 404, 409, 422)},
)
def reassign_callback(
    request: HttpRequest, task_id: Id, payload: CallbackReassignIn
) -> dict[str, Any]:
    """Give an open task to another of the centre's staff (its assignee is away)."""
    user = request_user(request)
    callback_task_get_for_user(user, task_id)
    callback_services.callback_reassign(
        actor=user, task_id=task_id, username=payload.assignee, version=payload.version
    )
    return _task(callback_task_get_for_user(user, task_id), with_attempts=True)


def _rule(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "kind": rule.kind,
        "channel": rule.channel,
        "business_type": rule.business_type_id,
        "rate": rule.rate,
        "delay_days": rule.delay_days,
        "due_days": rule.due_days,
        "max_attempts": rule.max_attempts,
        "retry_hours": rule.retry_hours,
        "script": rule.script,
        "assignment": rule.assignment,
        "active": rule.active,
    }


@router.get("/callback-rules", response=list[CallbackRuleOut])
def list_callback_rules(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule(rule) for rule in rules_of_centre(request_user(request))]


@router.put("/callback-rules", response={200: CallbackRuleOut, **errors(403, 422)})
def put_callback_rule(request: HttpRequest, payload: CallbackRuleIn) -> dict[str, Any]:
    """Write the rule with this name (safe to repeat: the same body leaves the same rule)."""
    user = request_user(request)
    rule = callback_services.callback_rule_set(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        channel=payload.channel or "",
        business_type_id=payload.business_type,
        rate=payload.rate,
        delay_days=payload.delay_days,
        due_days=payload.due_days,
        max_attempts=payload.max_attempts,
        retry_hours=payload.retry_hours,
        script=payload.script,
        assignment=payload.assignment,
        active=payload.active,
    )
    return _rule(rule)


def _entry(entry: DissatisfiedEntry, *, whole: bool = False) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": entry.pk,
        "customer": entry.customer_id,
        "customer_name": entry.customer.name,
        "cause": entry.cause,
        "state": entry.state,
        "entered_at": entry.entered_at,
        "owner": _person(entry.owner),
        "deadline": entry.deadline,
        "goal": entry.goal,
        "exited_at": entry.exited_at,
        "outcome_note": entry.outcome_note,
        "verified_by": entry.verified_by,
        "version": entry.version,
    }
    if whole:
        shown["reasons"] = [
            {
                "cause": reason.cause,
                "at": reason.at,
                "ticket": reason.ticket.number if reason.ticket else None,
                "source": reason.source,
                "note": reason.note,
                "entered_by": _person(reason.entered_by),
            }
            for reason in entry.reasons.all()
        ]
        shown["steps"] = [
            {
                "id": step.pk,
                "position": step.position,
                "text": step.text,
                "due_on": step.due_on,
                "done_at": step.done_at,
            }
            for step in entry.steps.all()
        ]
        shown["contacts"] = [
            {
                "at": contact.at,
                "by": _person(contact.by),
                "channel": contact.channel,
                "note": contact.note,
            }
            for contact in entry.contacts.all()
        ]
    return shown


@router.get("/dissatisfied", response=Page[DissatisfiedOut])
def list_dissatisfied(
    request: HttpRequest, filters: Query[DissatisfiedFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The list: customers on it (being repaired or checked) by default, newest first."""
    entries = dissatisfied_list(request_user(request), state=filters.state, q=filters.q)
    return page(entries, paging, _entry)


@router.get("/dissatisfied/indicators", response=list[DissatisfiedFiguresOut])
def get_dissatisfied_indicators(
    request: HttpRequest, filters: Query[DissatisfiedIndicatorsIn]
) -> list[dict[str, Any]]:
    """The list's size, entries, exits and repair rate in each of the last `months`."""
    periods = month_periods(timezone.localdate(), filters.months)
    return [
        {
            "month": timezone.localtime(figure.start).date(),
            "size": figure.size,
            "entries": figure.entries,
            "exits": figure.exits,
            "repaired": figure.repaired,
            "repair_rate": figure.repair_rate,
        }
        for figure in dissatisfied_indicators(request_user(request), periods)
    ]


@router.post("/dissatisfied", response={201: DissatisfiedOut, **errors(403, 404, 422)})
def add_dissatisfied(request: HttpRequest, payload: DissatisfiedIn) -> Status[dict[str, Any]]:
    """Put a customer on the list by hand, with why (a customer already on it gains the
    reason)."""
    user = request_user(request)
    customer_get_for_user(user, payload.customer)
    entry = services.dissatisfied_add(actor=user, customer_id=payload.customer, note=payload.note)
    return Status(201, _entry(dissatisfied_get_for_user(user, entry.pk), whole=True))


@router.get("/dissatisfied/{int:entry_id}", response={200: DissatisfiedOut, **errors(404)})
def get_dissatisfied(request: HttpRequest, entry_id: Id) -> dict[str, Any]:
    return _entry(dissatisfied_get_for_user(request_user(request), entry_id), whole=True)


@router.put(
    "/dissatisfied/{int:entry_id}/plan",
    response={200: DissatisfiedOut, **errors(403, 404, 409, 422)},
)
def put_plan(request: HttpRequest, entry_id: Id, payload: RepairPlanIn) -> dict[str, Any]:
    """Set the plan's owner, deadline and goal; `steps` are added after the ones there."""
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    services.repair_plan_set(
        actor=user,
        entry_id=entry_id,
        owner_username=payload.owner,
        deadline=payload.deadline,
        goal=payload.goal,
        steps=[(step.text, step.due_on) for step in payload.steps],
        version=payload.version,
    )
    return _entry(dissatisfied_get_for_user(user, entry_id), whole=True)


@router.post(
    "/dissatisfied/{int:entry_id}/steps/{int:step_id}/done",
    response={200: DissatisfiedOut, **errors(403, 404, 409)},
)
def step_done(request: HttpRequest, entry_id: Id, step_id: Id) -> dict[str, Any]:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    services.repair_step_done(actor=user, entry_id=entry_id, step_id=step_id)
    return _entry(dissatisfied_get_for_user(user, entry_id), whole=True)


@router.post(
    "/dissatisfied/{int:entry_id}/contacts",
    response={201: DissatisfiedOut, **errors(403, 404, 409, 422)},
)
def add_contact(
    request: HttpRequest, entry_id: Id, payload: RepairContactIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    services.repair_contact_record(
        actor=user, entry_id=entry_id, channel=payload.channel, note=payload.note
    )
    return Status(201, _entry(dissatisfied_get_for_user(user, entry_id), whole=True))


@router.post(
    "/dissatisfied/{int:entry_id}/check",
    response={200: DissatisfiedOut, **errors(403, 404, 409)},
)
def request_check(request: HttpRequest, entry_id: Id, payload: VersionIn) -> dict[str, Any]:
    """The plan is carried out: a callback will check whether the repair worked."""
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    services.repair_check_request(actor=user, entry_id=entry_id, version=payload.version)
    return _entry(dissatisfied_get_for_user(user, entry_id), whole=True)


@router.post(
    "/dissatisfied/{int:entry_id}/close",
    response={200: DissatisfiedOut, **errors(403, 404, 409, 422)},
)
def close_entry(request: HttpRequest, entry_id: Id, payload: DissatisfiedCloseIn) -> dict[str, Any]:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    services.dissatisfied_close(
        actor=user,
        entry_id=entry_id,
        repaired=payload.repaired,
        note=payload.note,
        version=payload.version,
    )
    return _entry(dissatisfied_get_for_user(user, entry_id), whole=True)
