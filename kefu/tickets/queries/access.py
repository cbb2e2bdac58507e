"""One order, always through what the user may see, and what the user may do to it now."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import HANDLER, VIEW_TICKET
from kefu.tickets.lifecycle import (
    Action,
    Situation,
    State,
    allowed_actions,
    may_act_on,
)
from kefu.tickets.models import (
    Ticket,
    TicketAttachment,
    TicketEvent,
)


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """The centre's orders; a department handler sees only their department's."""
    if not user.has_perm(VIEW_TICKET):
        raise Forbidden()
    tickets = Ticket.objects.all()
    if not user.is_superuser:
        tickets = tickets.filter(centre_id=user.centre_id)
    if user.role == HANDLER:
        # A handler of no department has no orders (not the centre's own, which no
        # department holds).
        if user.department_id is None:
            return tickets.none()
        tickets = tickets.filter(department_id=user.department_id)
    return tickets


def situation_of(ticket: Ticket) -> Situation:
    return Situation(
        state=State(ticket.state),
        suspended=ticket.suspended,
        has_department=ticket.department_id is not None,
        callback_required=ticket.policy.callback_required if ticket.policy else True,
        extension_pending=ticket.extension_pending is not None,
        incomplete=ticket.incomplete,
        callback_attempts=ticket.callback_attempts,
        expert_seat=ticket.department is not None and ticket.department.expert_seat,
        complaint=ticket.kind == "complaint",
    )


def ticket_get_for_user(user: User, number: str) -> Ticket:
    ticket = (
        tickets_visible_to(user)
        .select_related(
            "customer",
            "category",
            "department",
            "assignee",
            "policy__calendar",
            "policy__category",
            "created_by",
            "merged_into",
        )
        .filter(number=number)
        # No ORDER BY: with the list's default ordering and LIMIT 1, PostgreSQL walks the
        # date index instead of the unique number.
        .order_by()
        .first()
    )
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    return ticket


def ticket_events(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("seq")


def may_act_on_ticket(user: User, ticket: Ticket, action: Action) -> bool:
    """Whether the user's role does `action`, and on this order: a department's or an
    expert seat's people only on what their own unit holds while it is with them; an
    agent completes only an acceptance of their own."""
    if action == Action.SUPPLEMENT and user.role == "agent" and ticket.created_by_id != user.pk:
        return False
    return may_act_on(
        user.role,
        action,
        own_unit=user.department_id,
        held_by=ticket.department_id,
        state=ticket.state,
        # The leaders hold it while it waits for them or is in their hands, not once
        # their result is back with the back office.
        with_leaders=ticket.with_leaders and ticket.state in {State.DISPATCHED, State.HANDLING},
    )


def actions_for(user: User, ticket: Ticket) -> list[str]:
    """What this user may do to the order now: the table's answer within the user's role."""
    return [
        str(action)
        for action in allowed_actions(situation_of(ticket))
        if may_act_on_ticket(user, ticket, action)
    ]


def ticket_attachment_get_for_user(user: User, attachment_id: int) -> TicketAttachment:
    """An order's attachment, for whoever may see the order."""
    attachment = (
        TicketAttachment.objects.filter(
            pk=attachment_id, ticket__in=tickets_visible_to(user).order_by().values("pk")
        )
        .select_related("ticket")
        .first()
    )
    if attachment is None:
        raise NotFound(code="attachment_not_found")
    return attachment
