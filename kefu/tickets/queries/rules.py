"""The rules an order runs by: its time-limit policy, its stages' clock and status, the
dispatch rules that suggest its department."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.errors import Forbidden
from kefu.core.models import OrgUnit, User
from kefu.core.queries import calendar_of
from kefu.core.roles import VIEW_POLICY
from kefu.core.workcal import WorkingCalendar
from kefu.tickets import sla
from kefu.tickets.models import (
    OPEN,
    DispatchRule,
    Ticket,
    TicketEvent,
    TimeLimitPolicy,
)
from kefu.tickets.sla import status_at
from kefu.tickets.stages import ExpertSeatLimits, StageSpan, Step, answer_span, stage_spans


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
