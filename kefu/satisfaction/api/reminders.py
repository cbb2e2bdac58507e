"""Reminder plans over the API at /api/v1/satisfaction/ (issue 19, point 4): a centre's
reminder rules and its customers' due dates, for those who keep the plans
(MANAGE_OUTREACH). Creates answer 201 and are safe to repeat (a rule by its name, a date
by customer, kind and day)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status
from pydantic import AfterValidator, WithJsonSchema

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.satisfaction.models import CustomerDate, DateKind, ReminderChannel, ReminderEvent
from kefu.satisfaction.models import ReminderRule as Rule
from kefu.satisfaction.queries.reminders import (
    customer_dates_visible_to,
    rule_get_for_user,
    rules_visible_to,
)
from kefu.satisfaction.services import reminders as services

router = Router(tags=["satisfaction"])

CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"

#: A time of day on the centre's clock: "09:00", never with an offset.
LocalTime = Annotated[
    dt.time,
    AfterValidator(lambda value: _naive(value)),
    WithJsonSchema({"type": "string", "pattern": CLOCK, "example": "09:00"}),
]


def _naive(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("a time of day on the centre's clock, without an offset")
    return value


class ReminderRuleIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    event: ReminderEvent = Field(
        description="The customer's date it reminds of (days before), or repair_closed "
        "(days after a repair order closes)."
    )
    days: int = Field(ge=0, le=366)
    working_days: bool = Field(False, description="Count the centre's working days.")
    channel: ReminderChannel
    template: str = Field(
        min_length=1, max_length=300, description="Placeholders: {客户}, {日期}, {事项}."
    )
    send_from: LocalTime = dt.time(9, 0)
    send_until: LocalTime = dt.time(11, 0)
    active: bool = True


class ReminderRulePatch(StrictSchema):
    version: Version
    name: str | None = Field(None, min_length=1, max_length=100)
    event: ReminderEvent | None = None
    days: int | None = Field(None, ge=0, le=366)
    working_days: bool | None = None
    channel: ReminderChannel | None = None
    template: str | None = Field(None, min_length=1, max_length=300)
    send_from: LocalTime | None = None
    send_until: LocalTime | None = None
    active: bool | None = None


class ReminderRuleOut(Out):
    id: int
    name: str
    event: ReminderEvent
    days: int
    working_days: bool
    channel: ReminderChannel
    template: str
    send_from: str = Field(pattern=CLOCK, description="HH:MM on the centre's clock.")
    send_until: str = Field(pattern=CLOCK, description="HH:MM on the centre's clock.")
    active: bool
    version: int
    written: int = Field(description="Reminders this rule has written.")


class CustomerDateIn(StrictSchema):
    customer_id: Id
    kind: DateKind
    date: dt.date
    note: str = Field("", max_length=200)


class CustomerDateOut(Out):
    id: int
    customer_id: int
    customer_name: str
    kind: DateKind
    date: dt.date
    note: str


class CustomerDateFilters(StrictSchema):
    customer_id: Id | None = None
    kind: DateKind | None = None
    since: dt.date | None = None


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "event": rule.event,
        "days": rule.days,
        "working_days": rule.working_days,
        "channel": rule.channel,
        "template": rule.template,
        "send_from": rule.send_from.strftime("%H:%M"),
        "send_until": rule.send_until.strftime("%H:%M"),
        "active": rule.active,
        "version": rule.version,
        "written": getattr(rule, "written", 0),
    }


def _date(entry: CustomerDate) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "customer_id": entry.customer_id,
        "customer_name": entry.customer.name,
        "kind": entry.kind,
        "date": entry.date,
        "note": entry.note,
    }


@router.get("/reminder-rules", response=Page[ReminderRuleOut])
def list_reminder_rules(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The centre's reminder rules, by event and days."""
    return page(rules_visible_to(request_user(request)), paging, _rule)


@router.post("/reminder-rules", response={201: ReminderRuleOut, **errors(403, 409, 422)})
def create_reminder_rule(request: HttpRequest, payload: ReminderRuleIn) -> Status[dict[str, Any]]:
    """A new rule; repeating the same create returns the rule made first."""
    user = request_user(request)
    rule = services.rule_create(actor=user, **payload.model_dump())
    return Status(201, _rule(rule_get_for_user(user, rule.pk)))


@router.get("/reminder-rules/{int:rule_id}", response={200: ReminderRuleOut, **errors(403, 404)})
def get_reminder_rule(request: HttpRequest, rule_id: Id) -> dict[str, Any]:
    return _rule(rule_get_for_user(request_user(request), rule_id))


@router.patch(
    "/reminder-rules/{int:rule_id}",
    response={200: ReminderRuleOut, **errors(403, 404, 409, 422)},
)
def update_reminder_rule(
    request: HttpRequest, rule_id: Id, payload: ReminderRulePatch
) -> dict[str, Any]:
    """Change a rule (send the version read); reminders already written stay."""
    user = request_user(request)
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version")
    services.rule_update(
        actor=user,
        rule_id=rule_id,
        version=version,
        **{name: value for name, value in values.items() if value is not None},
    )
    return _rule(rule_get_for_user(user, rule_id))


@router.get("/customer-dates", response=Page[CustomerDateOut])
def list_customer_dates(
    request: HttpRequest, filters: Query[CustomerDateFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The centre's customer due dates, soonest first."""
    dates = customer_dates_visible_to(request_user(request))
    if filters.customer_id:
        dates = dates.filter(customer_id=filters.customer_id)
    if filters.kind:
        dates = dates.filter(kind=filters.kind)
    if filters.since:
        dates = dates.filter(date__gte=filters.since)
    return page(dates.order_by("date", "id"), paging, _date)


@router.post("/customer-dates", response={201: CustomerDateOut, **errors(403, 422)})
def create_customer_date(request: HttpRequest, payload: CustomerDateIn) -> Status[dict[str, Any]]:
    """Record a date a customer is due something; the same date again returns the first."""
    entry = services.customer_date_record(actor=request_user(request), **payload.model_dump())
    return Status(201, _date(entry))
