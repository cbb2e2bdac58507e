"""Reads of work orders, always through what the user may see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.pagination import Listing
from kefu.core.queries import calendar_of
from kefu.core.roles import HANDLER, VIEW_POLICY, VIEW_TICKET
from kefu.core.workcal import WorkingCalendar
from kefu.tickets import search, sla
from kefu.tickets.lifecycle import (
    UNIT_ROLES,
    Action,
    Situation,
    State,
    allowed_actions,
    may_act_on,
)
from kefu.tickets.models import (
    EXTERNAL_ESCALATION_SOURCES,
    OPEN,
    DispatchRule,
    EscalationSource,
    StandardPhrase,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TimeLimitPolicy,
)
from kefu.tickets.sla import status_at
from kefu.tickets.stages import ExpertSeatLimits, StageSpan, Step, answer_span, stage_spans


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


# Soonest due first; orders whose stage has no limit come last.
SOONEST_DUE = (F("stage_due_at").asc(nulls_last=True), "id")
# The back office's four queues: the state an order waits in for each.
BACKOFFICE_QUEUES = {
    "review": Q(state=State.ACCEPTED),
    "verify": Q(state=State.RETURNED),
    "reply": Q(state=State.VERIFIED),
    "callback": Q(state=State.REPLIED),
    # 延期申请 waiting for an answer, whatever stage the order is in.
    "extension": Q(extension_pending__isnull=False),
}


def backoffice_queue(user: User, queue: str, limit: int = 100) -> list[Ticket]:
    """One back-office queue, soonest due first, with what its rows and suggestions show."""
    tickets = tickets_visible_to(user).filter(BACKOFFICE_QUEUES[queue])
    return list(
        with_list_relations(tickets)
        .select_related("category__parent")
        .order_by(*SOONEST_DUE)[:limit]
    )


def backoffice_queue_sizes(user: User) -> dict[str, int]:
    return tickets_visible_to(user).aggregate(
        **{name: Count("pk", filter=where) for name, where in BACKOFFICE_QUEUES.items()}
    )


def department_inbox(user: User, limit: int = 200) -> list[Ticket]:
    """The orders waiting for a department or in its hands, the most pressing first; a
    handler's or an expert's are their own unit's alone."""
    tickets = tickets_visible_to(user).filter(state__in=[State.DISPATCHED, State.HANDLING])
    if user.role in UNIT_ROLES:
        if user.department_id is None:
            return []
        tickets = tickets.filter(department_id=user.department_id)
    return list(with_list_relations(tickets).order_by(*SOONEST_DUE)[:limit])


def overdue_at(now: datetime) -> Q:
    """Open, running, and past the current stage's limit, the whole order's, or the promised
    answer's."""
    return (
        OPEN
        & Q(suspended=False)
        & (Q(stage_due_at__lte=now) | Q(due_at__lte=now) | Q(answer_due_at__lte=now))
    )


def in_warning_at(now: datetime) -> Q:
    """Open, running, past a warning point but not yet past the limit it warns of."""
    return (
        OPEN
        & Q(suspended=False)
        & (
            Q(stage_warn_at__lte=now, stage_due_at__gt=now)
            | Q(warn_at__lte=now, due_at__gt=now)
            | Q(answer_warn_at__lte=now, answer_due_at__gt=now)
        )
    )


def open_by_department(user: User, now: datetime) -> list[dict[str, Any]]:
    """Per department: open orders, how many in warning, how many overdue; most overdue
    first. Grouped on the department's id alone, then named, which spares the database a
    join for every open order."""
    rows = list(
        tickets_visible_to(user)
        .filter(OPEN)
        .values("department_id")
        .annotate(
            open=Count("pk"),
            warning=Count("pk", filter=in_warning_at(now)),
            overdue=Count("pk", filter=overdue_at(now)),
        )
        .order_by()
    )
    held_by = [row["department_id"] for row in rows if row["department_id"]]
    units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=held_by)}
    for row in rows:
        unit = units.get(row["department_id"])
        row["department__code"] = unit.code if unit else None
        row["department__name"] = unit.name if unit else None
    return sorted(
        rows, key=lambda row: (-row["overdue"], -row["warning"], row["department__code"] or "")
    )


def ticket_list(
    user: User,
    *,
    state: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    department: str | None = None,
    customer_id: int | None = None,
    assignee: str | None = None,
    created_since: datetime | None = None,
    created_until: datetime | None = None,
    warning: bool | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    sort: str | None = None,
    escalation: str | None = None,
) -> Listing:
    """The orders the user may see, filtered; newest first, or soonest due with `sort="due"`.
    A text search (`q`) counts up to a bound (kefu/core/pagination.py); other lists
    count exactly."""
    tickets = tickets_visible_to(user)
    # Where the user looks, which the search index also knows (search.scope_terms).
    centre_id = None if user.is_superuser else user.centre_id
    department_id = user.department_id if user.role == HANDLER else None
    if (centre_id is None and not user.is_superuser) or (
        user.role == HANDLER and department_id is None
    ):
        return Listing(tickets.none())
    if state == "open":
        tickets = tickets.filter(OPEN)
    elif state:
        tickets = tickets.filter(state=state)
    if kind:
        tickets = tickets.filter(kind=kind)
    if category:
        tickets = tickets.filter(Q(category__code=category) | Q(category__parent__code=category))
    if department:
        # By id, not by a join on the code: the planner then sees which department it is
        # and walks that department's open orders in its own index.
        asked = (
            OrgUnit.objects.filter(code=department, kind=OrgUnit.Kind.DEPARTMENT)
            .values_list("pk", flat=True)
            .first()
        )
        if asked is None or department_id not in (None, asked):
            return Listing(tickets.none())
        tickets = tickets.filter(department_id=asked)
        department_id = asked
    if customer_id is not None:
        tickets = tickets.filter(customer_id=customer_id)
    if assignee:
        tickets = tickets.filter(assignee__username=assignee)
    if created_since is not None:
        tickets = tickets.filter(created_at__gte=created_since)
    if created_until is not None:
        tickets = tickets.filter(created_at__lt=created_until)
    now = timezone.now()
    if overdue is not None:
        late = overdue_at(now)
        tickets = tickets.filter(late) if overdue else tickets.exclude(late)
    if warning is not None:
        warned = in_warning_at(now)
        tickets = tickets.filter(warned) if warning else tickets.exclude(warned)
    if escalation:
        tickets = tickets.filter(escalated_by(escalation))
    order = SOONEST_DUE if sort == "due" else ("-created_at", "-id")
    if not (q and q.strip()):
        return Listing(tickets.order_by(*order))
    # Other filters than where the user looks: only the orders can tell which match them.
    others = (state, kind, category, customer_id, assignee, created_since, created_until)
    narrowed = any(value not in (None, "") for value in (*others, warning, overdue, escalation))
    found = search.matching(
        tickets, q, centre_id=centre_id, department_id=department_id, narrowed=narrowed
    )
    return Listing(found.tickets.order_by(*order), found.count_upto)


# Escalations counted apart (issue 15, 4): the customer took the order above the centre
# (升级投诉), the centre raised it itself, or the third urge did.
ESCALATION_KINDS = {
    "external": sorted(EXTERNAL_ESCALATION_SOURCES),
    "internal": [EscalationSource.INTERNAL.value],
    "urge": [EscalationSource.URGE.value],
}


def escalated_by(kind: str) -> Exists:
    """Orders with an escalation of one kind (`ESCALATION_KINDS`)."""
    return Exists(
        TicketEvent.objects.filter(
            ticket_id=OuterRef("pk"), action="escalate", data__source__in=ESCALATION_KINDS[kind]
        )
    )


# What a list row shows of each related row: the order's own columns and these, joined
# in one query. The related rows' other columns (a customer's encrypted ID number and
# notes, the merged-into order's fifty columns) stay unread: building and converting them
# cost most of a page of twenty orders. Anything else read from them loads on access.
LIST_RELATIONS = {
    "customer": ("name", "tier", "region"),
    "category": ("code", "name", "parent"),
    "department": ("code", "name", "kind", "parent", "expert_seat"),
    "assignee": ("username", "full_name", "department"),
    "policy": ("name", "callback_required", "expert_seat"),
    "merged_into": ("number",),
}
_LIST_COLUMNS = [
    *(field.name for field in Ticket._meta.concrete_fields),
    *(f"{relation}__{name}" for relation, names in LIST_RELATIONS.items() for name in names),
]


def with_list_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a list row shows besides the order itself (LIST_RELATIONS)."""
    return tickets.select_related(*LIST_RELATIONS).only(*_LIST_COLUMNS)


def policies_visible_to(user: User) -> QuerySet[TimeLimitPolicy]:
    if not user.has_perm(VIEW_POLICY):
        raise Forbidden()
    return TimeLimitPolicy.objects.select_related("calendar", "category").order_by("name")


def dispatch_rules_visible_to(user: User) -> QuerySet[DispatchRule]:
    if not user.has_perm(VIEW_POLICY):
        raise Forbidden()
    rules = DispatchRule.objects.select_related("department", "category", "region")
    if not user.is_superuser:
        rules = rules.filter(
            Q(department__parent_id=user.centre_id)
            | Q(category__centre_id=user.centre_id, to_leaders=True)
        )
    return rules.order_by("position", "id")


def as_sla_policy(row: TimeLimitPolicy) -> sla.Policy:
    return sla.Policy(
        key=str(row.pk),
        kind=row.kind or None,
        category=row.category.code if row.category else None,
        tier=row.tier or None,
        urgency=row.urgency or None,
        calendar=row.calendar.name,
        limits={
            stage: sla.StageLimit(limit=value["limit"], warning=value["warning"])
            for stage, value in row.limits.items()
        },
        callback_required=row.callback_required,
        expert_seat=row.expert_seat,
    )


def matching_policy(ticket: Ticket, *, expert_seat: bool = False) -> TimeLimitPolicy | None:
    """The most specific active policy for the order: its own, or with `expert_seat` the
    one for the stages an expert seat owns."""
    rows = {
        str(row.pk): row
        for row in TimeLimitPolicy.objects.filter(
            active=True, expert_seat=expert_seat
        ).select_related("category", "calendar")
    }
    path: list[str] = []
    node = ticket.category
    while node is not None:
        path.append(node.code)
        node = node.parent
    chosen = sla.select_policy(
        [as_sla_policy(row) for row in rows.values()],
        kind=ticket.kind,
        category_path=tuple(path),
        tier=ticket.customer.tier,
        urgency=ticket.urgency,
        expert_seat=expert_seat,
    )
    return rows[chosen.key] if chosen else None


def expert_seats_among(departments: Iterable[str]) -> frozenset[str]:
    """Which of these department codes are expert seats."""
    return frozenset(
        OrgUnit.objects.filter(code__in=list(departments), expert_seat=True).values_list(
            "code", flat=True
        )
    )


def expert_seat_limits(ticket: Ticket, seats: frozenset[str]) -> ExpertSeatLimits | None:
    """The limits for the stages the expert seats `seats` (codes) own, if there are any and
    a policy for expert seats matches the order."""
    row = matching_policy(ticket, expert_seat=True) if seats else None
    if row is None:
        return None
    return ExpertSeatLimits(
        departments=seats, calendar=calendar_of(row.calendar), policy=as_sla_policy(row)
    )


def ticket_stage_spans(ticket: Ticket, events: list[TicketEvent]) -> list[StageSpan]:
    """How long the order spent in each stage, in working time, against its limits."""
    policy = ticket.policy
    if policy is not None:
        calendar = calendar_of(policy.calendar)
    else:
        calendar = WorkingCalendar.always(tz=ZoneInfo(settings.TIME_ZONE))
    now = timezone.now()
    steps = [
        Step(e.at, e.action, e.from_state, e.to_state, e.data.get("department")) for e in events
    ]
    rules = as_sla_policy(policy) if policy else None
    suspensions = suspension_intervals(ticket, now)
    spans = stage_spans(
        steps,
        calendar=calendar,
        policy=rules,
        suspensions=suspensions,
        now=now,
        expert_seat=expert_seat_limits(
            ticket, expert_seats_among({s.department for s in steps if s.department})
        ),
    )
    promise = answer_span(
        started_at=ticket.answer_started_at,
        ended_at=ticket.answered_at,
        calendar=calendar,
        policy=rules,
        suspensions=suspensions,
        now=now,
    )
    return [*spans, promise] if promise else spans


def suspension_intervals(ticket: Ticket, now: datetime) -> list[tuple[datetime, datetime]]:
    """The order's suspensions as intervals; one still running ends `now` for the clocks."""
    return [
        (datetime.fromisoformat(start), datetime.fromisoformat(end) if end else now)
        for start, end in ticket.suspensions
    ]


def ticket_status(ticket: Ticket, now: datetime) -> str:
    """ok, warning or overdue: the worse of the current stage's clock and the order's."""
    if ticket.suspended or not ticket.stage:
        return "ok"
    statuses = {
        status_at(now, warn, due)
        for warn, due in (
            (ticket.stage_warn_at, ticket.stage_due_at),
            (ticket.warn_at, ticket.due_at),
            (ticket.answer_warn_at, ticket.answer_due_at),
        )
        if warn is not None and due is not None
    }
    return next((worst for worst in ("overdue", "warning") if worst in statuses), "ok")


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


def dispatch_rules_of(centre_id: int) -> list[DispatchRule]:
    """The centre's dispatch rules, read once for any number of orders."""
    return list(
        DispatchRule.objects.filter(
            Q(department__parent_id=centre_id) | Q(category__centre_id=centre_id, to_leaders=True)
        ).select_related("department")
    )


def suggest_department(rules: list[DispatchRule], ticket: Ticket) -> OrgUnit | None:
    """The dispatch rule's department for the order's category and region, most specific
    first: the nearer the rule's category to the order's, then a rule for the customer's
    region before one for any region, then the rule's position."""
    categories: list[int | None] = []
    node = ticket.category
    while node is not None:
        categories.append(node.pk)
        node = node.parent
    region_id = ticket.customer.region_id
    best: tuple[int, int, DispatchRule] | None = None
    for rule in rules:
        if rule.to_leaders:  # not a department: see refers_to_leaders
            continue
        if rule.category_id is not None and rule.category_id not in categories:
            continue
        if rule.region_id is not None and rule.region_id != region_id:
            continue
        depth = categories.index(rule.category_id) if rule.category_id else len(categories) + 1
        score = (depth * 2 + (0 if rule.region_id else 1), rule.position)
        if best is None or score < best[:2]:
            best = (*score, rule)
    return best[2].department if best else None


def refers_to_leaders(rules: list[DispatchRule], ticket: Ticket) -> bool:
    """Whether the order is a complaint of a category the centre's rules send to its team
    leaders and supervisors (a staff member's attitude: 002 第17篇 18-19, "提交组长或主管
    处理"), its own category or one above it."""
    if ticket.kind != "complaint":
        return False
    categories: set[int] = set()
    node = ticket.category
    while node is not None:
        categories.add(node.pk)
        node = node.parent
    region_id = ticket.customer.region_id
    return any(
        rule.to_leaders and rule.category_id in categories and rule.region_id in {None, region_id}
        for rule in rules
    )


def leaders_inbox(user: User, limit: int = 200) -> list[Ticket]:
    """The complaints with the centre's team leaders and supervisors, most pressing first."""
    tickets = tickets_visible_to(user).filter(
        with_leaders=True, state__in=[State.DISPATCHED, State.HANDLING]
    )
    return list(with_list_relations(tickets).order_by(*SOONEST_DUE)[:limit])


def phrases_for(ticket: Ticket) -> dict[str, list[str]]:
    """The standard phrases for replying to and calling back on this kind of order, with
    `{result}` standing for the result the department returned."""
    phrases: dict[str, list[str]] = {use: [] for use in StandardPhrase.Use.values}
    rows = StandardPhrase.objects.filter(active=True).filter(Q(kind="") | Q(kind=ticket.kind))
    result = ticket.result.strip().rstrip("。.") or "……"
    for use, text in rows.values_list("use", "text"):
        phrases[use].append(text.replace("{result}", result))
    return phrases


@dataclass(frozen=True)
class SentBack:
    """How often a unit's work came back: orders a department sent back (退单) against
    the orders dispatched to it, or acceptances the back office returned to an agent
    against the orders the agent opened."""

    name: str
    sent_back: int
    out_of: int

    @property
    def rate(self) -> float | None:
        return self.sent_back / self.out_of if self.out_of else None


def send_backs(user: User, *, since: datetime) -> list[SentBack]:
    """退单 per department since `since`: each counted against the dispatches to it (a
    figure for the dispatch rules that sent them there)."""
    steps = TicketEvent.objects.filter(
        ticket__in=tickets_visible_to(user).order_by().values("pk"),
        at__gte=since,
        action__in=[Action.DECLINE, Action.DISPATCH, Action.REASSIGN],
    )
    grouped = (
        steps.values_list("action", "data__from_department", "data__department")
        .annotate(n=Count("pk"))
        .order_by()
    )
    back: Counter[str] = Counter()
    dispatched: Counter[str] = Counter()
    for action, came_from, went_to, count in grouped:
        if action == Action.DECLINE:
            back[came_from] += count
        else:
            dispatched[went_to] += count
    if not back:
        return []
    names = dict(
        OrgUnit.objects.filter(code__in=[code for code in back if code]).values_list("code", "name")
    )
    return sorted(
        (
            SentBack(names.get(code, code), count, dispatched.get(code, 0))
            for code, count in back.items()
            if code
        ),
        key=lambda row: -row.sent_back,
    )


def sent_to_agents(user: User, *, since: datetime) -> list[SentBack]:
    """Acceptances sent back to the agent who took them, per agent, since `since`."""
    tickets = tickets_visible_to(user).filter(created_at__gte=since).order_by()
    rows = (
        tickets.values("created_by__full_name", "created_by__username")
        .annotate(opened=Count("pk"), back=Sum("incomplete_count"))
        .filter(back__gt=0)
        .order_by("-back")
    )
    return [
        SentBack(
            row["created_by__full_name"] or row["created_by__username"], row["back"], row["opened"]
        )
        for row in rows
    ]


def _unit_people(department_id: int | None, but: User) -> list[User]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(
            department_id=department_id, is_active=True, groups__name__in=UNIT_ROLES
        )
        .exclude(pk=but.pk)
        .order_by("full_name", "username")
    )


def colleagues_of(user: User, ticket: Ticket) -> list[User]:
    """Who in the order's department the user may pass it to."""
    return _unit_people(ticket.department_id, user)


def colleagues_in(user: User) -> list[User]:
    """Who in the user's own department may stand in for them (AB岗)."""
    return _unit_people(user.department_id, user)


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


def phrases_for_calls() -> list[StandardPhrase]:
    """What an agent says in each situation of a call (002 第13篇), in the centre's order;
    a phrase for one kind of order comes with that kind."""
    return list(
        StandardPhrase.objects.filter(active=True, use=StandardPhrase.Use.CALL).order_by(
            "position", "id"
        )
    )
