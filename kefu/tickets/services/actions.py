"""Opening an order and every action of the loop: one function, one transaction, one version, one
event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.queries import contacts_visible_to
from kefu.contacts.services import contact_create
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import require_centre
from kefu.core.roles import ADD_TICKET, EXPERT, HANDLER, LEADER, MANAGER
from kefu.core.services import notify
from kefu.core.validation import check_lengths
from kefu.customers.models import Tag
from kefu.customers.queries import customers_visible_to
from kefu.tickets.lifecycle import (
    EXPERT_ACTIONS,
    SATISFIED_OUTCOMES,
    Action,
    CallbackOutcome,
    State,
    TransitionRefused,
    allowed_actions,
    next_state,
)
from kefu.tickets.models import (
    REPLY_CHANNEL_LABELS,
    EscalationSource,
    Kind,
    Ticket,
    TicketEvent,
    Urgency,
)
from kefu.tickets.queries import (
    dispatch_rules_of,
    may_act_on_ticket,
    refers_to_leaders,
    situation_of,
    suggest_department,
    tickets_visible_to,
)
from kefu.tickets.services.expert import expert_step, tell_expert_step
from kefu.tickets.services.recording import (
    answer_given,
    answer_owed,
    category_of,
    new_event,
    next_number,
    order_accepted,
    set_clocks,
)
from kefu.tickets.services.steps import department_step, required, tell
from kefu.tickets.stages import STAGE_OF_STATE

REPLY_CHANNELS = set(REPLY_CHANNEL_LABELS)


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    customer_id: int,
    kind: str,
    title: str,
    description: str = "",
    category: str | None = None,
    urgency: str = Urgency.NORMAL,
    contact_id: int | None = None,
    created_at: datetime | None = None,
) -> Ticket:
    """受理: record a request that needs more than the contact."""
    if not actor.has_perm(ADD_TICKET):
        raise Forbidden()
    centre_id = require_centre(actor)
    if kind not in Kind.values:
        raise Invalid(_("Unknown kind."), code="kind_unknown", detail={"field": "kind"})
    if urgency not in Urgency.values:
        raise Invalid(_("Unknown urgency."), code="urgency_unknown", detail={"field": "urgency"})
    if not title.strip():
        raise Invalid(_("The title is required."), code="title_required", detail={"field": "title"})
    customer = customers_visible_to(actor).filter(pk=customer_id).first()
    if customer is None:
        raise Invalid(
            _("Unknown customer."), code="customer_unknown", detail={"field": "customer_id"}
        )
    contact = None
    if contact_id is not None:
        contact = contacts_visible_to(actor).filter(pk=contact_id, centre_id=centre_id).first()
        if contact is None:
            raise Invalid(
                _("Unknown contact."), code="contact_unknown", detail={"field": "contact_id"}
            )
    now = created_at or timezone.now()
    ticket, created = order_accepted(
        actor,
        now,
        centre_id=centre_id,
        kind=kind,
        category=category_of(actor, category),
        urgency=urgency,
        customer=customer,
        title=title.strip(),
        description=description,
    )
    set_clocks(ticket, stage_started_at=now)
    referred = _refer_on_creation(actor, ticket, now)
    # Last before the insert: the day's counter stays locked until commit.
    ticket.number = next_number(timezone.localdate(now))
    check_lengths(ticket, created)
    ticket.save()
    created.save()
    if referred is not None:
        referred.save()
        _notify_leaders(ticket)
    if contact is not None:
        ticket.contacts.add(contact)
    return ticket


@transaction.atomic
def ticket_create_on_contact(
    *,
    actor: User,
    contact: dict[str, Any],
    kind: str,
    title: str,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    to_expert_seat: bool = False,
) -> Ticket:
    """The agent's one form: the contact recorded, the work order opened on it, and, for
    the two-layer model, passed straight to the expert seat; all or nothing."""
    recorded = contact_create(actor=actor, settled=False, **contact)
    if recorded.customer_id is None:
        raise Invalid(
            _("A work order needs the customer."),
            code="customer_required",
            detail={"field": "customer_id"},
        )
    ticket = ticket_create(
        actor=actor,
        customer_id=recorded.customer_id,
        kind=kind,
        title=title,
        description=description,
        category=recorded.service_content.code if recorded.service_content else None,
        urgency=urgency,
        contact_id=recorded.pk,
    )
    if to_expert_seat:
        ticket = ticket_act(
            actor=actor, number=ticket.number, action=Action.TRANSFER, version=ticket.version
        )
    return ticket


@dataclass(frozen=True)
class ActionInput:
    """The fields an action may carry; each action checks the ones it needs."""

    department: str | None = None
    result: str = ""
    reason: str = ""
    channel: str = ""
    text: str = ""
    satisfied: bool | None = None
    note: str = ""
    source: str = ""
    into: str | None = None
    assignee: str | None = None  # pass_on: the colleague's user name
    minutes: int | None = None  # request_extension: working minutes asked for
    outcome: str = ""  # callback: a CallbackOutcome


def _refused(ticket: Ticket, message: Any = None, code: str = "transition_refused") -> Conflict:
    return Conflict(
        message or _("This action is not possible in the work order's current state."),
        code=code,
        detail={
            "state": ticket.state,
            "version": ticket.version,
            "allowed_actions": [str(action) for action in allowed_actions(situation_of(ticket))],
        },
    )


def _department(actor: User, ticket: Ticket, code: str | None) -> OrgUnit:
    if code:
        department = OrgUnit.objects.filter(
            code=code, kind=OrgUnit.Kind.DEPARTMENT, parent_id=ticket.centre_id, active=True
        ).first()
        if department is None:
            raise Invalid(
                _("Unknown department."),
                code="department_unknown",
                detail={"field": "department"},
            )
        return department
    suggested = suggest_department(dispatch_rules_of(ticket.centre_id), ticket)
    if suggested is None:
        raise Invalid(
            _("No dispatch rule fits; choose the department."),
            code="department_required",
            detail={"field": "department"},
        )
    return suggested


def _expert_seat(ticket: Ticket, code: str | None) -> OrgUnit:
    """The expert seat named, or the centre's first when none is."""
    seats = OrgUnit.objects.filter(
        kind=OrgUnit.Kind.DEPARTMENT, parent_id=ticket.centre_id, active=True, expert_seat=True
    ).order_by("code")
    seat = (seats.filter(code=code) if code else seats).first()
    if seat is None:
        raise Invalid(
            _("Not an expert seat of this centre.")
            if code
            else _("The centre has no expert seat."),
            code="expert_seat_unknown",
            detail={"field": "department"},
        )
    return seat


def _reopen_customer(ticket: Ticket) -> None:
    tag, _created = Tag.objects.get_or_create(
        code=Tag.DISSATISFIED, defaults={"name": "不满意客户"}
    )
    ticket.customer.tags.add(tag)


def _apply(
    actor: User, ticket: Ticket, action: Action, fields: ActionInput, now: datetime
) -> dict[str, Any]:
    """Change the order for `action`; returns what the event should record."""
    data: dict[str, Any] = {}
    if action in {Action.DISPATCH, Action.REASSIGN}:
        department = _department(actor, ticket, fields.department)
        if action == Action.REASSIGN and department.pk == ticket.department_id:
            raise Invalid(
                _("The order is already with this department."),
                code="same_department",
                detail={"field": "department"},
            )
        data["department"] = department.code
        data["from_department"] = ticket.department.code if ticket.department else None
        ticket.department, ticket.assignee = department, None
    elif action == Action.TRANSFER:
        seat = _expert_seat(ticket, fields.department)
        data["department"] = seat.code
        ticket.department, ticket.assignee = seat, None
    elif action == Action.HANDLE_IN_CENTRE:
        ticket.department, ticket.assignee = None, actor
    elif action == Action.REFER:
        _refer(ticket)
    elif action == Action.TAKE:
        ticket.assignee = actor
    elif action == Action.RETURN:
        ticket.result = required(fields.result, "result")
        data["result"] = ticket.result
    elif action == Action.REJECT:
        data["reason"] = required(fields.reason, "reason")
        ticket.rework_count += 1
        if ticket.department_id:
            ticket.assignee = None
    elif action == Action.REPLY:
        channel = required(fields.channel, "channel")
        if channel not in REPLY_CHANNELS:
            raise Invalid(
                _("Unknown channel."), code="channel_unknown", detail={"field": "channel"}
            )
        data.update(channel=channel, text=required(fields.text, "text"))
    elif action == Action.CALLBACK:
        outcome = _outcome(fields)
        data["outcome"] = ticket.callback_outcome = outcome
        ticket.callback_attempts += 1
        if outcome == CallbackOutcome.UNREACHABLE:
            data["attempt"] = ticket.callback_attempts
            return data
        ticket.satisfied = outcome in SATISFIED_OUTCOMES
        data["satisfied"] = ticket.satisfied
        if not ticket.satisfied:
            ticket.reopen_count += 1
            ticket.department, ticket.assignee = None, None
            _reopen_customer(ticket)
    elif action == Action.URGE:
        ticket.urge_count += 1
        data["urge_count"] = ticket.urge_count
    elif action == Action.ESCALATE:
        ticket.escalated = True
        data["source"] = _escalation_source(fields.source)
    elif action == Action.SUSPEND:
        data["reason"] = required(fields.reason, "reason")
        ticket.suspended = True
        ticket.suspensions = [*ticket.suspensions, [now.isoformat(), None]]
    elif action == Action.RESUME:
        ticket.suspended = False
        *done, (start, _end) = ticket.suspensions
        ticket.suspensions = [*done, [start, now.isoformat()]]
    elif action == Action.CANCEL:
        data["reason"] = required(fields.reason, "reason")
    elif action == Action.MERGE:
        target = _merge_target(actor, ticket, fields.into)
        ticket.merged_into = target
        data["into"] = target.number
    elif action in EXPERT_ACTIONS:
        data = expert_step(actor, ticket, action, fields)
    return data


def _outcome(fields: ActionInput) -> CallbackOutcome:
    """The callback's outcome: given, or read from the older yes/no `satisfied`."""
    if fields.outcome:
        try:
            return CallbackOutcome(fields.outcome)
        except ValueError:
            raise Invalid(
                _("Unknown callback outcome."), code="outcome_unknown", detail={"field": "outcome"}
            ) from None
    if fields.satisfied is None:
        raise Invalid(
            _("Say what the callback found."), code="field_required", detail={"field": "outcome"}
        )
    return CallbackOutcome.SATISFIED if fields.satisfied else CallbackOutcome.DISSATISFIED


def _answer_promise(ticket: Ticket, act: Action, data: dict[str, Any], now: datetime) -> None:
    """The promise of an answer (002 第17篇): kept by the reply to the customer or the expert
    seat's answer, owed again when the callback finds the customer unsatisfied (`data`: what
    the action's event records)."""
    if act in {Action.REPLY, Action.ANSWER_CLOSE}:
        answer_given(ticket, now)
    elif act == Action.CALLBACK and data.get("satisfied") is False:
        answer_owed(ticket, now)


# ------------------------------------------------- complaints about a staff member's attitude
# 002 第17篇 18-19: "提交组长或主管处理": the centre's team leaders and supervisors take them,
# not a department; the back office verifies and replies as for any order.

# Actions after which someone other than the team leaders holds the order.
LEAVING_THE_LEADERS = {
    Action.DISPATCH,
    Action.TRANSFER,
    Action.HANDLE_IN_CENTRE,
    Action.REASSIGN,
}


def _refer(ticket: Ticket) -> None:
    ticket.department, ticket.assignee, ticket.with_leaders = None, None, True


def _refer_on_creation(actor: User, ticket: Ticket, now: datetime) -> TicketEvent | None:
    """A complaint of a category the centre sends to its team leaders goes to them as it is
    recorded, as the agent would submit it (the seed's 提交组长或主管处理)."""
    if not refers_to_leaders(dispatch_rules_of(ticket.centre_id), ticket):
        return None
    from_state = ticket.state
    _refer(ticket)
    ticket.state = State.DISPATCHED
    set_clocks(ticket, stage_started_at=now)
    return new_event(
        ticket, actor=actor, action=Action.REFER, from_state=from_state, data={}, at=now
    )


def _notify_leaders(ticket: Ticket) -> None:
    people = User.objects.filter(
        centre_id=ticket.centre_id, groups__name__in=[LEADER, MANAGER], is_active=True
    )
    notify(
        recipients=list(people),
        kind="ticket.referred",
        title=f"{ticket.number} {_('Complaint for the team leaders')}: {ticket.title}",
        link=f"/tickets/{ticket.number}/",
        sms=True,
    )


def _escalation_source(source: str) -> str:
    """Where a recorded escalation came from: one of the sources a person may name (the
    third urge escalates by itself, never by hand)."""
    source = required(source, "source")
    if source not in EscalationSource.values or source == EscalationSource.URGE:
        raise Invalid(
            _("Unknown escalation source."),
            code="escalation_source_unknown",
            detail={"field": "source"},
        )
    return source


def _merge_target(actor: User, ticket: Ticket, number: str | None) -> Ticket:
    if not number or number == ticket.number:
        raise Invalid(
            _("Name another open work order to merge into."),
            code="merge_target_required",
            detail={"field": "into"},
        )
    target = tickets_visible_to(actor).select_for_update().filter(number=number).order_by().first()
    if target is None:
        raise Invalid(_("Unknown work order."), code="ticket_unknown", detail={"field": "into"})
    if target.customer_id != ticket.customer_id or target.state not in STAGE_OF_STATE:
        raise Invalid(
            _("Only an open work order of the same customer can take this one."),
            code="merge_target_invalid",
            detail={"field": "into"},
        )
    return target


@transaction.atomic
def ticket_act(
    *,
    actor: User,
    number: str,
    action: str,
    version: int,
    fields: ActionInput | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Apply one action of the loop to an order, or refuse it and change nothing.

    `at` backdates the action, for importing an order's history; it is never in the future.
    """
    fields = fields or ActionInput()
    try:
        act = Action(action)
    except ValueError as error:
        raise NotFound(code="action_unknown", detail={"action": action}) from error
    ticket = (
        tickets_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related(
            "customer", "category__parent", "department", "assignee", "policy__calendar"
        )
        .filter(number=number)
        .order_by()
        .first()
    )
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    if not may_act_on_ticket(actor, ticket, act):
        raise Forbidden()
    if version != ticket.version:
        raise _refused(
            ticket, _("Someone else changed this work order in the meantime."), "version_conflict"
        )
    from_state = ticket.state
    try:
        target = next_state(
            act, situation_of(ticket), satisfied=fields.satisfied, outcome=fields.outcome or None
        )
    except TransitionRefused as error:
        raise _refused(ticket) from error
    now = min(at, timezone.now()) if at is not None else timezone.now()
    if act in LEAVING_THE_LEADERS:
        ticket.with_leaders = False
    step = department_step(actor, ticket, act, fields)
    told: list[User] = []
    if step is not None:
        data, told = step
    else:
        data = _apply(actor, ticket, act, fields, now)
    if act == Action.CALLBACK and data.get("satisfied") is False:
        ticket.with_leaders = False  # reopened: the centre reviews it again
    _answer_promise(ticket, act, data, now)
    ticket.state = target
    if target == State.CLOSED:
        ticket.closed_at = now
    stage_changes = target != from_state or act in {Action.REASSIGN, Action.REJECT}
    set_clocks(ticket, stage_started_at=now if stage_changes else None)
    ticket.version += 1
    events = [
        new_event(
            ticket,
            actor=actor,
            action=act,
            from_state=from_state,
            note=fields.note or fields.reason or fields.text or fields.result,
            data=data,
            at=now,
        )
    ]
    if act == Action.URGE and ticket.urge_count >= 3 and not ticket.escalated:
        # The third urge takes the order above routine handling by itself.
        ticket.escalated = True
        events.append(
            new_event(
                ticket,
                actor=None,
                action=Action.ESCALATE,
                from_state=ticket.state,
                data={"source": EscalationSource.URGE.value, "urge_count": ticket.urge_count},
                at=now,
            )
        )
    ticket.save()
    if act == Action.MERGE and ticket.merged_into is not None:
        target_ticket = ticket.merged_into
        target_ticket.version += 1
        events.append(
            new_event(
                target_ticket,
                actor=actor,
                action=Action.MERGE,
                from_state=target_ticket.state,
                data={"merged_from": ticket.number},
                at=now,
            )
        )
        target_ticket.save(update_fields=["version", "last_event_seq", "updated_at"])
    TicketEvent.objects.bulk_create(events)
    if act in ASSIGNING and ticket.department is not None:
        _notify_assigned(ticket, act)
    tell(ticket, act, told)
    if act in EXPERT_ACTIONS:
        tell_expert_step(ticket, act, data)
    if act == Action.REFER:
        _notify_leaders(ticket)
    return ticket


# Actions after which a department has an order to take (again).
ASSIGNING = {
    Action.DISPATCH,
    Action.TRANSFER,
    Action.REASSIGN,
    Action.REJECT,
    Action.FIELD_DISPATCH,
}
ASSIGNMENT_LABELS = {
    Action.FIELD_DISPATCH: _("Dispatched by the expert seat"),
    Action.DISPATCH: _("New work order"),
    Action.TRANSFER: _("Transferred to the expert seat"),
    Action.REASSIGN: _("Reassigned to your department"),
    Action.REJECT: _("Sent back for rework"),
}


def _notify_assigned(ticket: Ticket, act: Action) -> None:
    """Tell the department's people (handlers, or the expert seat's agents) at once."""
    people = User.objects.filter(
        department_id=ticket.department_id, groups__name__in=[HANDLER, EXPERT], is_active=True
    )
    notify(
        recipients=list(people),
        kind="ticket.assigned",
        title=f"{ticket.number} {ASSIGNMENT_LABELS[act]}: {ticket.title}",
        link=f"/tickets/{ticket.number}/",
        key=f"ticket.assigned:{ticket.number}:{ticket.last_event_seq}",
    )
