"""Every change of a work order: one function, one transaction, one version, one event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.contacts.queries import contacts_visible_to
from kefu.contacts.services import contact_create
from kefu.core.audit_context import client_ip_var
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.core.queries import calendar_of, region_for_code, require_centre
from kefu.core.roles import ADD_TICKET, CHANGE_POLICY, EXPERT, HANDLER
from kefu.core.services import audit_record, notify, snapshot
from kefu.core.validation import check_lengths
from kefu.customers.models import Tag
from kefu.customers.queries import customers_visible_to
from kefu.tickets import sla
from kefu.tickets.lifecycle import (
    Action,
    State,
    TransitionRefused,
    allowed_actions,
    next_state,
)
from kefu.tickets.models import (
    REPLY_CHANNEL_LABELS,
    DispatchRule,
    Kind,
    Ticket,
    TicketEvent,
    TicketSequence,
    TimeLimitPolicy,
    Urgency,
)
from kefu.tickets.queries import (
    as_sla_policy,
    dispatch_rules_of,
    expert_seat_limits,
    matching_policy,
    may_act_on_ticket,
    situation_of,
    suggest_department,
    suspension_intervals,
    tickets_visible_to,
)
from kefu.tickets.stages import STAGE_LABELS, STAGE_OF_STATE, limits_for

REPLY_CHANNELS = set(REPLY_CHANNEL_LABELS)


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


def _set_clocks(ticket: Ticket, *, stage_started_at: datetime | None = None) -> None:
    """Warning and due instants of the current stage and of the whole order."""
    if stage_started_at is not None:
        ticket.stage_started_at = stage_started_at
        ticket.stage_warned = ticket.stage_overdue = False
    ticket.stage = STAGE_OF_STATE.get(ticket.state, "")
    ticket.stage_warn_at = ticket.stage_due_at = None
    if not ticket.stage:
        ticket.stage_started_at = None
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


def _event(
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


def _category(actor: User, code: str | None) -> CallReason | None:
    if not code:
        return None
    category = (
        CallReason.objects.filter(
            centre_id=actor.centre_id,
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
    ticket = Ticket(
        centre_id=centre_id,
        kind=kind,
        category=_category(actor, category),
        urgency=urgency,
        customer=customer,
        title=title.strip(),
        description=description,
        state=State.ACCEPTED,
        created_by=actor,
        created_at=now,
    )
    ticket.policy = matching_policy(ticket)
    _set_clocks(ticket, stage_started_at=now)
    created = _event(ticket, actor=actor, action="create", note=title.strip(), at=now)
    # Last before the insert: the day's counter stays locked until commit.
    ticket.number = next_number(timezone.localdate(now))
    check_lengths(ticket, created)
    ticket.save()
    created.save()
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


def _require(value: str, field: str) -> str:
    if not value.strip():
        raise Invalid(_("This field is required."), code="field_required", detail={"field": field})
    return value.strip()


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
    elif action == Action.TAKE:
        ticket.assignee = actor
    elif action == Action.RETURN:
        ticket.result = _require(fields.result, "result")
        data["result"] = ticket.result
    elif action == Action.REJECT:
        data["reason"] = _require(fields.reason, "reason")
        ticket.rework_count += 1
        if ticket.department_id:
            ticket.assignee = None
    elif action == Action.REPLY:
        channel = _require(fields.channel, "channel")
        if channel not in REPLY_CHANNELS:
            raise Invalid(
                _("Unknown channel."), code="channel_unknown", detail={"field": "channel"}
            )
        data.update(channel=channel, text=_require(fields.text, "text"))
    elif action == Action.CALLBACK:
        if fields.satisfied is None:
            raise Invalid(
                _("Say whether the customer is satisfied."),
                code="field_required",
                detail={"field": "satisfied"},
            )
        ticket.satisfied = fields.satisfied
        data["satisfied"] = fields.satisfied
        if not fields.satisfied:
            ticket.reopen_count += 1
            ticket.department, ticket.assignee = None, None
            _reopen_customer(ticket)
    elif action == Action.URGE:
        ticket.urge_count += 1
        data["urge_count"] = ticket.urge_count
    elif action == Action.ESCALATE:
        ticket.escalated = True
        data["source"] = fields.source.strip() or "centre"
    elif action == Action.SUSPEND:
        data["reason"] = _require(fields.reason, "reason")
        ticket.suspended = True
        ticket.suspensions = [*ticket.suspensions, [now.isoformat(), None]]
    elif action == Action.RESUME:
        ticket.suspended = False
        *done, (start, _end) = ticket.suspensions
        ticket.suspensions = [*done, [start, now.isoformat()]]
    elif action == Action.CANCEL:
        data["reason"] = _require(fields.reason, "reason")
    elif action == Action.MERGE:
        target = _merge_target(actor, ticket, fields.into)
        ticket.merged_into = target
        data["into"] = target.number
    return data


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
        target = next_state(act, situation_of(ticket), satisfied=fields.satisfied)
    except TransitionRefused as error:
        raise _refused(ticket) from error
    now = min(at, timezone.now()) if at is not None else timezone.now()
    data = _apply(actor, ticket, act, fields, now)
    ticket.state = target
    if target == State.CLOSED:
        ticket.closed_at = now
    stage_changes = target != from_state or act in {Action.REASSIGN, Action.REJECT}
    _set_clocks(ticket, stage_started_at=now if stage_changes else None)
    ticket.version += 1
    events = [
        _event(
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
            _event(
                ticket,
                actor=None,
                action=Action.ESCALATE,
                from_state=ticket.state,
                data={"source": "urge", "urge_count": ticket.urge_count},
                at=now,
            )
        )
    ticket.save()
    if act == Action.MERGE and ticket.merged_into is not None:
        target_ticket = ticket.merged_into
        target_ticket.version += 1
        events.append(
            _event(
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
    return ticket


# Actions after which a department has an order to take (again).
ASSIGNING = {Action.DISPATCH, Action.TRANSFER, Action.REASSIGN, Action.REJECT}
ASSIGNMENT_LABELS = {
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


POLICY_FIELDS = [
    "name",
    "kind",
    "category",
    "tier",
    "urgency",
    "calendar",
    "limits",
    "callback_required",
    "expert_seat",
    "active",
]


def _policy_check(row: TimeLimitPolicy) -> None:
    try:
        sla.validate_policy(as_sla_policy(row))
    except ValueError as error:
        raise Invalid(str(error), code="policy_invalid", detail={"field": "limits"}) from error


@transaction.atomic
def policy_save(
    *,
    actor: User,
    policy_id: int | None = None,
    name: str,
    calendar: str,
    limits: dict[str, dict[str, str]],
    kind: str = "",
    category: str | None = None,
    tier: str = "",
    urgency: str = "",
    callback_required: bool = True,
    expert_seat: bool = False,
    active: bool = True,
) -> TimeLimitPolicy:
    """Create a time-limit policy, or replace one's content (policies are small and whole)."""
    if not actor.has_perm(CHANGE_POLICY):
        raise Forbidden()
    row = (
        TimeLimitPolicy()
        if policy_id is None
        else TimeLimitPolicy.objects.select_for_update().filter(pk=policy_id).first()
    )
    if row is None:
        raise NotFound(code="policy_not_found")
    before = snapshot(row, POLICY_FIELDS) if row.pk else None
    calendar_row = WorkCalendar.objects.filter(name=calendar).first()
    if calendar_row is None:
        raise Invalid(_("Unknown calendar."), code="calendar_unknown", detail={"field": "calendar"})
    row.name, row.kind, row.tier, row.urgency = name.strip(), kind, tier, urgency
    row.calendar, row.limits = calendar_row, limits
    row.category = _category(actor, category)
    row.callback_required, row.expert_seat, row.active = callback_required, expert_seat, active
    _policy_check(row)
    check_lengths(row)
    if TimeLimitPolicy.objects.filter(name=row.name).exclude(pk=row.pk).exists():
        raise Conflict(_("Another policy has this name."), code="policy_name_taken")
    row.save()
    audit_record(
        actor=actor,
        action="policy.update" if before else "policy.create",
        obj=row,
        before=before,
        after=snapshot(row, POLICY_FIELDS),
    )
    return row


@transaction.atomic
def dispatch_rule_save(
    *,
    actor: User,
    rule_id: int | None = None,
    department: str,
    category: str | None = None,
    region: str | None = None,
    position: int = 0,
) -> DispatchRule:
    if not actor.has_perm(CHANGE_POLICY):
        raise Forbidden()
    rule = DispatchRule() if rule_id is None else DispatchRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(code="dispatch_rule_not_found")
    before = snapshot(rule, ["category", "region", "department", "position"]) if rule.pk else None
    unit = OrgUnit.objects.filter(
        code=department, kind=OrgUnit.Kind.DEPARTMENT, parent_id=actor.centre_id
    ).first()
    if unit is None:
        raise Invalid(
            _("Unknown department."), code="department_unknown", detail={"field": "department"}
        )
    rule.department, rule.position = unit, position
    rule.category = _category(actor, category)
    rule.region = region_for_code(region)
    rule.save()
    audit_record(
        actor=actor,
        action="dispatch_rule.update" if before else "dispatch_rule.create",
        obj=rule,
        before=before,
        after=snapshot(rule, ["category", "region", "department", "position"]),
    )
    return rule


@dataclass
class SweepResult:
    warnings: int = 0
    overdue: int = 0


LABELS = {"warning": _("Warning"), "overdue": _("Overdue")}


class _Recipients:
    """The people responsible for an order's current stage, plus its centre's leaders;
    remembered for the length of one sweep, which meets the same centres again and again."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], list[User]] = {}

    def _role(self, role: str, **where: Any) -> list[User]:
        key = (role, *sorted(where.items()))
        if key not in self.cache:
            self.cache[key] = list(User.objects.filter(groups__name=role, is_active=True, **where))
        return self.cache[key]

    def for_ticket(self, ticket: Ticket, *, overdue: bool) -> list[User]:
        people: list[User] = []
        if ticket.assignee_id and ticket.stage == "return":
            people.append(ticket.assignee)  # type: ignore[arg-type]
        elif ticket.stage in {"take", "return"} and ticket.department_id:
            # The department's handlers, or the expert seat's agents.
            people += self._role("handler", department_id=ticket.department_id)
            people += self._role("expert", department_id=ticket.department_id)
        else:
            people += self._role("backoffice", centre_id=ticket.centre_id)
        people += self._role("leader", centre_id=ticket.centre_id)
        if overdue:
            people += self._role("manager", centre_id=ticket.centre_id)
        return people


def _sweep_one(ticket_id: int, now: datetime, recipients: _Recipients, result: SweepResult) -> None:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("assignee")
            .filter(pk=ticket_id, suspended=False, state__in=list(STAGE_OF_STATE))
            .order_by()
            .first()
        )
        if ticket is None:  # another sweeper holds it, or it moved on meanwhile
            return
        marks = [
            ("stage_overdue", "overdue", ticket.stage_due_at, ticket.stage),
            ("stage_warned", "warning", ticket.stage_warn_at, ticket.stage),
            ("overall_overdue", "overdue", ticket.due_at, "overall"),
            ("overall_warned", "warning", ticket.warn_at, "overall"),
        ]
        changed = []
        events: list[TicketEvent] = []
        for flag, kind, point, stage in marks:
            if getattr(ticket, flag) or point is None or point > now:
                continue
            setattr(ticket, flag, True)
            changed.append(flag)
            if kind == "overdue" and flag == "stage_overdue":
                ticket.stage_warned = True  # an overdue stage needs no warning any more
                changed.append("stage_warned")
            if kind == "overdue" and flag == "overall_overdue":
                ticket.overall_warned = True
                changed.append("overall_warned")
            due = ticket.stage_due_at if stage != "overall" else ticket.due_at
            events.append(
                _event(
                    ticket,
                    actor=None,
                    action=kind,
                    from_state=ticket.state,
                    data={"stage": stage, "due_at": due.isoformat() if due else None},
                    at=now,
                )
            )
            if kind == "overdue":
                result.overdue += 1
            else:
                result.warnings += 1
            # The stage's limit and the whole order's are two events, named apart; each
            # is told once per person (the key), however often it is swept.
            which = STAGE_LABELS.get(stage, stage) if stage != "overall" else _("whole order")
            notify(
                recipients=recipients.for_ticket(ticket, overdue=kind == "overdue"),
                kind=f"ticket.{kind}",
                title=f"{ticket.number} {LABELS[kind]}（{which}）: {ticket.title}",
                link=f"/tickets/{ticket.number}/",
                sms=kind == "overdue",
                key=f"ticket.{kind}:{ticket.number}:{stage}:{due.isoformat() if due else ''}",
            )
        if changed:
            ticket.save(update_fields=[*dict.fromkeys(changed), "last_event_seq"])
            TicketEvent.objects.bulk_create(events)


def deadline_sweep(*, now: datetime | None = None) -> SweepResult:
    """Record each warning and overdue point once, and tell the people responsible.

    Safe to run on several workers at once: each order is handled under its row lock,
    and its flags say what has been recorded already.
    """
    now = now or timezone.now()
    due = (
        Ticket.objects.filter(state__in=list(STAGE_OF_STATE), suspended=False)
        .filter(
            Q(stage_warned=False, stage_warn_at__lte=now)
            | Q(stage_overdue=False, stage_due_at__lte=now)
            | Q(overall_warned=False, warn_at__lte=now)
            | Q(overall_overdue=False, due_at__lte=now)
        )
        .order_by("stage_due_at")
        .values_list("pk", flat=True)
    )
    result = SweepResult()
    recipients = _Recipients()
    for ticket_id in list(due):
        _sweep_one(ticket_id, now, recipients, result)
    return result
