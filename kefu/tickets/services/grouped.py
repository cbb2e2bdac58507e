"""Orders handled as a group (a major incident, issue 21 point 1): the one order a
department handles for every caller of a mass fault, opened and dispatched in one step,
and the callers' own orders closed with the one reply they were all sent.

Whoever handles major incidents (a team leader, the back office, a manager) does both;
the role table of the loop is not asked, since neither step is one of its actions by one
person on one order: the grouping service checked the incident and its actor."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import MANAGE_INCIDENTS
from kefu.core.validation import check_lengths
from kefu.customers.models import Customer
from kefu.tickets.lifecycle import OPEN_STATES, Action, State
from kefu.tickets.models import Kind, Ticket, TicketEvent, Urgency
from kefu.tickets.services.actions import ASSIGNING, _notify_assigned
from kefu.tickets.services.recording import (
    answer_given,
    new_event,
    next_number,
    order_accepted,
    set_clocks,
)


def _require(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(MANAGE_INCIDENTS)):
        raise Forbidden()


@transaction.atomic
def ticket_open_grouped(
    *,
    actor: User,
    customer: Customer,
    department: OrgUnit,
    title: str,
    description: str = "",
    category_id: int | None = None,
    at: datetime | None = None,
) -> Ticket:
    """受理 and 派单 at once: a fault order for `department`, urgent, on the customer
    the first caller was; the department's people are told at once."""
    _require(actor)
    if department.kind != OrgUnit.Kind.DEPARTMENT or department.parent_id != customer.centre_id:
        raise Invalid(
            _("Unknown department."), code="department_unknown", detail={"field": "department"}
        )
    now = at or timezone.now()
    ticket, created = order_accepted(
        actor,
        now,
        centre_id=customer.centre_id,
        kind=Kind.FAULT,
        category_id=category_id,
        urgency=Urgency.URGENT,
        customer=customer,
        title=title.strip(),
        description=description,
    )
    ticket.state, ticket.department = State.DISPATCHED, department
    set_clocks(ticket, stage_started_at=now)
    dispatched = new_event(
        ticket,
        actor=actor,
        action=Action.DISPATCH,
        from_state=State.ACCEPTED,
        data={"department": department.code, "from_department": None},
        at=now,
    )
    ticket.number = next_number(timezone.localdate(now))
    check_lengths(ticket, created)
    ticket.save()
    TicketEvent.objects.bulk_create([created, dispatched])
    if Action.DISPATCH in ASSIGNING:
        _notify_assigned(ticket, Action.DISPATCH)
    return ticket


@transaction.atomic
def ticket_close_grouped(
    *, actor: User, ticket_id: int, text: str, note: str = "", at: datetime | None = None
) -> Ticket:
    """Close an open order with the reply its customer was sent by text message (回复 and
    办结 at once); an order closed, cancelled or merged already is left as it is, so a
    close cut short is finished by running it again."""
    _require(actor)
    if not text.strip():
        raise Invalid(_("The reply is required."), code="reply_required", detail={"field": "reply"})
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("department", "policy__calendar")
        .filter(pk=ticket_id, centre_id=actor.centre_id)
        .first()
    )
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    if ticket.state not in OPEN_STATES:
        return ticket
    now = at or timezone.now()
    from_state = ticket.state
    if ticket.suspended:
        ticket.suspended = False
        *done, (start, _end) = ticket.suspensions
        ticket.suspensions = [*done, [start, now.isoformat()]]
    answer_given(ticket, now)
    ticket.state, ticket.closed_at = State.CLOSED, now
    set_clocks(ticket, stage_started_at=now)
    ticket.version += 1
    event = new_event(
        ticket,
        actor=actor,
        action=Action.CLOSE,
        from_state=from_state,
        note=note or text,
        data={"channel": "sms", "text": text, "grouped": True},
        at=now,
    )
    ticket.save()
    event.save()
    return ticket


def ticket_open_check(ticket: Ticket) -> None:
    """Refuse an order that is no longer open (to be grouped, it must be)."""
    if ticket.state not in OPEN_STATES:
        raise Conflict(_("This work order is no longer open."), code="ticket_not_open")
