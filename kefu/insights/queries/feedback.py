"""The feedback report to a department (信息反馈, issue 21 point 3; seed 000 第8篇 2.3: 后台设
立专人负责来电原因的汇总、分析 … 与市公司各部门建立了以一对多的信息反馈通道 … 以日报、周报、
月报 … 等多种方式传递信息; 针对客户咨询的热点、投诉的焦点采用日报的形式一天一报).

For a day, an ISO week (Monday to Sunday) or a calendar month, up to now while it runs:

- what its customers called about: the call reasons (service content, under its business
  type) of the contacts of the period attached to the department's orders (the orders
  whose department it is), the top ones with their count in the period before, and the
  rising and new ones by the hot-topics rule (`kefu.insights.topics`), with a few example
  summaries. The period before has the same length and hours: yesterday up to the same
  time, last week up to the same weekday and time, last month up to the same day and time
  (a whole month against the whole month before);
- its orders: received (dispatched, transferred or reassigned to it in the period),
  of them the complaints and the top categories; closed in the period; open now and
  overdue now (tickets' `overdue_at`); urges, returns refused at verification and orders
  reopened after its return (rework), counted by `tickets.queries.departments`;
- its timeliness: the share of its returns on time against the orders' stage limits (the
  sweep's overdue marks, as metrics' `stage_on_time` counts) and the mean time from getting
  an order to returning it;
- the major incidents it handled: given to it, open at some time in the period.

Who reads it: the back office, team leaders and managers any department of their centre,
a department's handlers their own department only; `feedback_get_for_user` is the one
access-checked getter the API, the page and nothing else use (the scheduled mail builds
the subscribed department's report with `feedback_report`, no user in between).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.labels import path_label
from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Invalid, NotFound
from kefu.core.forms import start_of
from kefu.core.masking import mask_text
from kefu.core.models import OrgUnit, User
from kefu.core.queries import departments_of_centre
from kefu.core.roles import HANDLER, MANAGE_FEEDBACK, VIEW_FEEDBACK
from kefu.insights import topics
from kefu.insights.models import FeedbackPeriod, FeedbackSubscription, Incident, IncidentState
from kefu.tickets.models import OPEN, Ticket, TicketEvent, TicketKind
from kefu.tickets.queries.departments import department_holds
from kefu.tickets.queries.rules import overdue_at
from kefu.tickets.stages import HOLDER_ACTIONS

#: How many call reasons and order categories the report lists.
TOP_REASONS = 10
TOP_CATEGORIES = 5
#: How many rising or new topics, and how many example summaries.
TOP_TOPICS = 5
EXAMPLES = 5


# ---------------------------------------------------------------------------- who may


def may_view(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_FEEDBACK)


def may_manage(user: User) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_FEEDBACK)


def departments_for(user: User) -> QuerySet[OrgUnit]:
    """The departments whose report the user may read: every active department of the
    centre, or a handler's own department."""
    departments = departments_of_centre(user.centre_id).order_by("name", "code")
    if not may_view(user) or user.centre_id is None:
        return departments.none()
    if user.role == HANDLER:
        return departments.filter(pk=user.department_id or 0)
    return departments


def busiest(departments: list[OrgUnit]) -> int:
    """The department with the most open orders (the first by name when none has any):
    the one a leader's page opens on."""
    counts = dict(
        Ticket.objects.filter(OPEN, department__in=departments)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return max(departments, key=lambda unit: counts.get(unit.pk, 0)).pk


def department_get_for_user(user: User, department_id: int) -> OrgUnit:
    found = departments_for(user).filter(pk=department_id).first()
    if found is None:
        raise NotFound()
    return found


def feedback_get_for_user(
    user: User,
    department_id: int,
    period: str,
    day: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
) -> FeedbackReport:
    """The one access-checked getter of a department's report: a department the user may
    not read is not found."""
    return feedback_report(department_get_for_user(user, department_id), period, day, now=now)


def subscriptions_of(
    user: User, department_id: int | None = None
) -> QuerySet[FeedbackSubscription]:
    """The subscriptions of the departments the user may read, by department and period."""
    found = FeedbackSubscription.objects.filter(
        centre_id=user.centre_id, department__in=departments_for(user)
    ).select_related("department")
    if department_id is not None:
        found = found.filter(department_id=department_id)
    return found.order_by("department__name", "department_id", "period", "pk")


def subscription_get_for_user(user: User, subscription_id: int) -> FeedbackSubscription:
    found = subscriptions_of(user).filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(code="subscription_not_found")
    return found


def handler_emails(department: OrgUnit) -> list[str]:
    """The e-mail addresses of the department's active handlers: whom a subscription writes
    to when no recipient is given."""
    return sorted(
        {
            email.strip()
            for email in User.objects.filter(
                department=department, groups__name=HANDLER, is_active=True
            ).values_list("email", flat=True)
            if email and email.strip()
        }
    )


# ------------------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Span:
    """A report's period: its days, and [start, end) of what is counted (end is now while
    the period runs); `before_*` the period before of the same length and hours."""

    period: str
    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime
    running: bool
    before_first: dt.date
    before_start: dt.datetime
    before_end: dt.datetime


def days_of(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the day, ISO week (Monday to Sunday) or calendar month
    holding `day`."""
    if period == FeedbackPeriod.DAILY:
        return day, day
    if period == FeedbackPeriod.WEEKLY:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if period == FeedbackPeriod.MONTHLY:
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    raise Invalid(_("Unknown report period."), code="period_unknown", detail={"field": "period"})


def span_of(period: str, day: dt.date, now: dt.datetime) -> Span:
    first, last = days_of(period, day)
    start, full_end = start_of(first), start_of(last + dt.timedelta(days=1))
    if start > now:
        raise Invalid(
            _("This period has not begun yet."), code="period_future", detail={"field": "day"}
        )
    end = min(full_end, now)
    if period == FeedbackPeriod.MONTHLY:
        before_first = (first - dt.timedelta(days=1)).replace(day=1)
    else:
        before_first = first - (last - first + dt.timedelta(days=1))
    before_start = start_of(before_first)
    return Span(
        period=period,
        first=first,
        last=last,
        start=start,
        end=end,
        running=end < full_end,
        before_first=before_first,
        before_start=before_start,
        before_end=min(before_start + (end - start), start),
    )


# ------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class ReasonRow:
    reason_id: int | None
    label: str
    count: int
    before: int

    @property
    def change(self) -> int:
        return self.count - self.before


@dataclass(frozen=True)
class TopicRow:
    reason_id: int
    label: str
    count: int
    before: int
    new: bool
    ratio: float | None  # the rise as a share of before; None for a new topic


@dataclass(frozen=True)
class Example:
    reason_id: int | None
    label: str
    started_at: dt.datetime
    summary: str


@dataclass(frozen=True)
class CategoryRow:
    category_id: int | None
    label: str
    count: int


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    contacts: int


@dataclass
class FeedbackReport:
    department: OrgUnit
    span: Span
    built_at: dt.datetime
    # What its customers called about.
    contacts: int = 0
    contacts_before: int = 0
    reasons: list[ReasonRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    # Its orders.
    received: int = 0
    complaints: int = 0
    categories: list[CategoryRow] = field(default_factory=list)
    closed: int = 0
    open_now: int = 0
    overdue_now: int = 0
    urges: int = 0
    refused: int = 0
    reopened: int = 0
    # Its timeliness.
    returned: int = 0
    returned_on_time: int = 0
    held_seconds: int = 0
    incidents: list[IncidentRow] = field(default_factory=list)

    @property
    def rework(self) -> int:
        """返工: its returns refused at verification and its orders reopened after it."""
        return self.refused + self.reopened

    @property
    def on_time_rate(self) -> float | None:
        return self.returned_on_time / self.returned if self.returned else None

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return None if rate is None else rate * 100

    @property
    def mean_handling_hours(self) -> float | None:
        return self.held_seconds / self.returned / 3600 if self.returned else None


def _reason_labels(ids: set[int]) -> dict[int, str]:
    return {
        reason.pk: path_label((reason.parent.name if reason.parent else "", reason.name))
        for reason in CallReason.objects.filter(pk__in=ids).select_related("parent")
    }


def _contacts(department: OrgUnit, start: dt.datetime, end: dt.datetime) -> QuerySet[Contact]:
    """The contacts of [start, end) attached to the department's orders."""
    return Contact.objects.filter(
        centre_id=department.parent_id,
        started_at__gte=start,
        started_at__lt=end,
        pk__in=Ticket.contacts.through.objects.filter(ticket__department=department).values(
            "contact_id"
        ),
    )


def _reason_counts(contacts: QuerySet[Contact]) -> dict[int | None, int]:
    return {
        reason: n
        for reason, n in contacts.values_list("service_content_id")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _called_about(report: FeedbackReport) -> None:
    span, department = report.span, report.department
    contacts = _contacts(department, span.start, span.end)
    now = _reason_counts(contacts)
    before = _reason_counts(_contacts(department, span.before_start, span.before_end))
    report.contacts, report.contacts_before = sum(now.values()), sum(before.values())
    found = topics.hot_topics(
        {key: n for key, n in now.items() if key is not None},
        {key: n for key, n in before.items() if key is not None},
        limit=TOP_TOPICS,
    )
    labels = _reason_labels({key for key in now if key is not None})
    unclassified = _("Not classified")
    rows = [
        ReasonRow(
            key, labels.get(key, unclassified) if key else unclassified, n, before.get(key, 0)
        )
        for key, n in now.items()
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    report.reasons = rows[:TOP_REASONS]
    report.topics = [
        TopicRow(
            topic.key, labels.get(topic.key, ""), topic.count, topic.before, topic.new, topic.ratio
        )
        for topic in found
    ]
    # Example summaries: the latest of each rising topic, then of each top reason.
    wanted: list[int | None] = []
    for key in [topic.key for topic in found] + [row.reason_id for row in report.reasons]:
        if key is not None and key not in wanted:
            wanted.append(key)
    wanted = wanted[:EXAMPLES]
    latest: dict[int, tuple[dt.datetime, str]] = {}
    for key, started_at, summary in (
        contacts.filter(service_content_id__in=wanted)
        .exclude(summary="")
        .order_by("-started_at", "-pk")
        .values_list("service_content_id", "started_at", "summary")[:500]
    ):
        latest.setdefault(key, (started_at, summary))
    report.examples = [
        Example(key, labels.get(key, ""), latest[key][0], mask_text(latest[key][1])[:200])
        for key in wanted
        if key is not None and key in latest
    ]


def _orders(report: FeedbackReport, now: dt.datetime) -> None:
    span, department = report.span, report.department
    received = Ticket.objects.filter(
        pk__in=TicketEvent.objects.filter(
            ticket__centre_id=department.parent_id,
            action__in=sorted(HOLDER_ACTIONS),
            data__department=department.code,
            at__gte=span.start,
            at__lt=span.end,
        ).values("ticket_id")
    )
    counted = received.aggregate(
        received=Count("pk"), complaints=Count("pk", filter=Q(kind=TicketKind.COMPLAINT))
    )
    report.received, report.complaints = counted["received"], counted["complaints"]
    categories = list(
        received.values_list("category_id").annotate(n=Count("pk")).order_by("-n", "category_id")
    )
    labels = _reason_labels({key for key, _n in categories if key is not None})
    rows = [
        CategoryRow(key, labels.get(key, "") if key else _("No category"), n)
        for key, n in categories
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    report.categories = rows[:TOP_CATEGORIES]
    mine = Ticket.objects.filter(department=department)
    report.closed = mine.filter(closed_at__gte=span.start, closed_at__lt=span.end).count()
    report.open_now = mine.filter(OPEN).count()
    report.overdue_now = mine.filter(overdue_at(now)).count()
    holds = department_holds(
        department.parent_id or 0, span.start, span.end, department=department.code
    ).get(department.code, Counter())
    report.urges = holds["urges"]
    report.refused = holds["refused"]
    report.reopened = holds["reopened"]
    report.returned = holds["returned"]
    report.returned_on_time = holds["returned_on_time"]
    report.held_seconds = holds["held_seconds"]


def _incidents(report: FeedbackReport) -> None:
    span = report.span
    incidents = (
        Incident.objects.filter(department=report.department, opened_at__lt=span.end)
        .exclude(state=IncidentState.DISMISSED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=span.start))
        .select_related("region")
        .annotate(contact_count=Count("contacts"))
        .order_by("-opened_at", "-pk")
    )
    report.incidents = [IncidentRow(row, row.contact_count) for row in incidents]


def feedback_report(
    department: OrgUnit, period: str, day: dt.date | None = None, *, now: dt.datetime | None = None
) -> FeedbackReport:
    """The department's report for the day, week or month holding `day` (today when left
    out), up to `now` while it runs."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    report = FeedbackReport(department=department, span=span_of(period, day, now), built_at=now)
    _called_about(report)
    _orders(report, now)
    _incidents(report)
    return report
