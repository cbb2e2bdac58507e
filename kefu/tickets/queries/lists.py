"""Lists of orders: the filtered list and its search, the back office's queues, the
department's and the leaders' inboxes, what came back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.pagination import Listing
from kefu.core.roles import HANDLER
from kefu.tickets import search
from kefu.tickets.lifecycle import (
    UNIT_ROLES,
    Action,
    State,
)
from kefu.tickets.models import (
    EXTERNAL_ESCALATION_SOURCES,
    OPEN,
    RISK_RAISED,
    EscalationSource,
    Ticket,
    TicketEvent,
)
from kefu.tickets.queries.access import tickets_visible_to
from kefu.tickets.queries.rules import in_warning_at, overdue_at

# Soonest due first; orders whose stage has no limit come last.
SOONEST_DUE = (F("stage_due_at").asc(nulls_last=True), "id")
# The queues: orders at risk of escalation (升级风险, `Ticket.escalation_risk` from
# RISK_RAISED on) first, soonest due first among them; then the rest, soonest due first.
QUEUE_ORDER = (
    Case(When(escalation_risk__gte=RISK_RAISED, then=Value(0)), default=Value(1)),
    *SOONEST_DUE,
)


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
        .order_by(*QUEUE_ORDER)[:limit]
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
    return list(with_list_relations(tickets).order_by(*QUEUE_ORDER)[:limit])


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


def leaders_inbox(user: User, limit: int = 200) -> list[Ticket]:
    """The complaints with the centre's team leaders and supervisors, most pressing first."""
    tickets = tickets_visible_to(user).filter(
        with_leaders=True, state__in=[State.DISPATCHED, State.HANDLING]
    )
    return list(with_list_relations(tickets).order_by(*QUEUE_ORDER)[:limit])


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
