"""An order's number, clocks and events: what every change of an order records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.core.audit_context import client_ip_var
from kefu.core.errors import Invalid
from kefu.core.models import User
from kefu.core.queries import calendar_of
from kefu.core.workcal import add_duration
from kefu.tickets import sla
from kefu.tickets.lifecycle import State
from kefu.tickets.models import (
    Ticket,
    TicketEvent,
    TicketSequence,
)
from kefu.tickets.queries import (
    as_sla_policy,
    expert_seat_limits,
    matching_policy,
    suspension_intervals,
)
from kefu.tickets.stages import STAGE_OF_STATE, limits_for


def next_number(day: Any) -> str:
    """GD + date + a six-digit sequence that never repeats, also under concurrent creates."""
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        # One statement both creates the day's counter and takes the next value, so two
        # transactions can never read the same one (the row stays locked until commit).
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608  (our table name)
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (value,) = cursor.fetchone()
    return f"GD{day:%Y%m%d}{value:06d}"


def set_clocks(ticket: Ticket, *, stage_started_at: datetime | None = None) -> None:
    """Warning and due instants of the current stage and of the whole order."""
    if stage_started_at is not None:
        ticket.stage_started_at = stage_started_at
        ticket.stage_warned = ticket.stage_overdue = False
        ticket.extension_minutes = 0  # an extension is the stage's, and ends with it
    ticket.stage = STAGE_OF_STATE.get(ticket.state, "")
    ticket.stage_warn_at = ticket.stage_due_at = None
    if not ticket.stage:
        ticket.stage_started_at = None
    ticket.answer_warn_at = ticket.answer_due_at = None
    policy = ticket.policy
    if policy is None:
        ticket.warn_at = ticket.due_at = None
        return
    calendar = calendar_of(policy.calendar)
    rules = as_sla_policy(policy)
    suspensions = suspension_intervals(ticket, timezone.now())
    overall = sla.stage_clock(calendar, "overall", ticket.created_at, rules, suspensions)
    ticket.warn_at = overall.warn_at if overall else None
    ticket.due_at = overall.due_at if overall else None
    if ticket.stage and ticket.answer_started_at is not None and ticket.answered_at is None:
        answer = sla.stage_clock(calendar, "answer", ticket.answer_started_at, rules, suspensions)
        if answer:
            ticket.answer_warn_at, ticket.answer_due_at = answer.warn_at, answer.due_at
    if ticket.stage and ticket.stage_started_at is not None:
        department = ticket.department
        holder = department.code if department is not None else None
        expert_seat = (
            expert_seat_limits(ticket, frozenset({department.code}))
            if department is not None and department.expert_seat
            else None
        )
        counted_on, stage_rules = limits_for(ticket.stage, holder, calendar, rules, expert_seat)
        clock = stage_rules and sla.stage_clock(
            counted_on, ticket.stage, ticket.stage_started_at, stage_rules, suspensions
        )
        if clock:
            ticket.stage_warn_at, ticket.stage_due_at = clock.warn_at, clock.due_at
            if ticket.extension_minutes:
                # 延期: the time granted moves both points, counted on the stage's calendar.
                more = f"PT{ticket.extension_minutes}M"
                ticket.stage_warn_at = add_duration(counted_on, clock.warn_at, more)
                ticket.stage_due_at = add_duration(counted_on, clock.due_at, more)


def answer_owed(ticket: Ticket, now: datetime) -> None:
    """The customer is owed an answer from `now` (a new order, or one reopened)."""
    ticket.answer_started_at, ticket.answered_at = now, None
    ticket.answer_warned = ticket.answer_overdue = False


def answer_given(ticket: Ticket, now: datetime) -> None:
    """The customer has the answer: the promise is kept or broken, and its clock stops."""
    if ticket.answered_at is None:
        ticket.answered_at = now


def order_accepted(actor: User, at: datetime, **fields: Any) -> tuple[Ticket, TicketEvent]:
    """A new order as 受理 leaves it, with its time-limit policy, the answer it owes its
    customer from `at`, and its create event; neither saved, nor numbered yet."""
    ticket = Ticket(state=State.ACCEPTED, created_by=actor, created_at=at, **fields)
    ticket.policy = matching_policy(ticket)
    answer_owed(ticket, at)
    created = new_event(ticket, actor=actor, action="create", note=ticket.title, at=at)
    return ticket, created


def new_event(
    ticket: Ticket,
    *,
    actor: User | None,
    action: str,
    from_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    """The order's next event, numbered but not yet saved: the caller saves it with the
    order, in the same transaction."""
    ticket.last_event_seq += 1
    return TicketEvent(
        ticket=ticket,
        seq=ticket.last_event_seq,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        data=data or {},
        ip=client_ip_var.get(),
    )


def category_of(
    actor: User | None, code: str | None, *, centre_id: int | None = None
) -> CallReason | None:
    """The active business type or service content `code` of `centre_id` (the actor's
    centre when not given)."""
    if not code:
        return None
    if centre_id is None and actor is not None:
        centre_id = actor.centre_id
    category = (
        CallReason.objects.filter(
            centre_id=centre_id,
            code=code,
            active=True,
            dimension__in=[
                CallReason.Dimension.BUSINESS_TYPE,
                CallReason.Dimension.SERVICE_CONTENT,
            ],
        )
        .select_related("parent")
        .first()
    )
    if category is None:
        raise Invalid(_("Unknown category."), code="category_unknown", detail={"field": "category"})
    return category
