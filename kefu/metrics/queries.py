"""Reads for indicators and reports: roll-up sums and service figures for a period.

Queue and agent figures come only from the roll-ups (whole local days from the day tables,
anything finer from the 15-minute ones); raw calls are never scanned for a report. So a
period that does not fall on the 15-minute grid is widened to the whole intervals it
touches (`Period.on_grid`), and everything in the report, contacts and orders included,
counts that window; callers print it as the window counted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.errors import NotFound
from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.metrics import standards
from kefu.metrics.indicators import Rules, Totals, compute, repeat_counts
from kefu.metrics.models import CentreRules, IndicatorTarget, ReportSubscription
from kefu.quality.queries.results import monitoring_totals
from kefu.telephony.calls import AGENT_COUNTERS, QUEUE_COUNTERS
from kefu.telephony.intervals import INTERVAL_SECONDS
from kefu.telephony.models import (
    Activity,
    Agent,
    AgentDay,
    AgentInterval,
    Queue,
    QueueDay,
    QueueInterval,
)
from kefu.telephony.presence import Kind
from kefu.telephony.queries import LIVE_LOGIN_HORIZON
from kefu.tickets.models import EXTERNAL_ESCALATION_SOURCES, Ticket, TicketEvent
from kefu.tickets.models import Kind as TicketKind
from kefu.tickets.stages import STAGE_OF_STATE
from kefu.workforce.queries.attendance import workforce_totals


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """[start, end) in aware datetimes."""

    start: dt.datetime
    end: dt.datetime

    @classmethod
    def days(cls, first: dt.date, last: dt.date) -> Period:
        """Whole local days from `first` to `last`, both included."""
        tz = zone()
        return cls(
            dt.datetime.combine(first, dt.time(), tz),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz),
        )

    def on_grid(self) -> Period:
        """The period widened to the whole 15-minute intervals it touches, the finest grid
        the roll-ups hold: 10:18:30–11:56:18 counts 10:15–12:00. Every zone kefu serves is a
        whole number of quarter hours from UTC, so the grid is the same in local time."""
        start, end = self.start.timestamp(), self.end.timestamp()
        first = math.floor(start / INTERVAL_SECONDS) * INTERVAL_SECONDS
        last = math.ceil(end / INTERVAL_SECONDS) * INTERVAL_SECONDS
        if (first, last) == (start, end):
            return self
        return Period(
            dt.datetime.fromtimestamp(first, self.start.tzinfo),
            dt.datetime.fromtimestamp(last, self.end.tzinfo),
        )

    def whole_days(self) -> tuple[dt.date, dt.date] | None:
        """(first, last) local day when the period is made of whole days."""
        tz = zone()
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        if start.time() == dt.time() and end.time() == dt.time():
            return start.date(), end.date() - dt.timedelta(days=1)
        return None

    def previous(self) -> Period:
        """The period of the same length just before, for risers and trends."""
        days = self.whole_days()
        if days is not None:
            first, last = days
            if first.day == 1 and (last + dt.timedelta(days=1)).day == 1:  # a calendar month
                before = first - dt.timedelta(days=1)
                return Period.days(before.replace(day=1), before)
        length = self.end - self.start
        return Period(self.start - length, self.start)


def _sums(rows: QuerySet[Any], counters: Iterable[str]) -> dict[str, int]:
    totals = rows.aggregate(**{name: Sum(name) for name in counters})
    if all(value is None for value in totals.values()):
        return {}
    return {name: int(value or 0) for name, value in totals.items()}


def _queue_rows(centre: OrgUnit, period: Period) -> QuerySet[Any]:
    days = period.whole_days()
    if days is not None:
        return QueueDay.objects.filter(queue__centre=centre, day__range=days)
    return QueueInterval.objects.filter(
        queue__centre=centre, start__gte=period.start, start__lt=period.end
    )


def _agent_rows(centre: OrgUnit, period: Period) -> QuerySet[Any]:
    days = period.whole_days()
    if days is not None:
        return AgentDay.objects.filter(agent__centre=centre, day__range=days)
    return AgentInterval.objects.filter(
        agent__centre=centre, start__gte=period.start, start__lt=period.end
    )


def queue_totals(centre: OrgUnit, period: Period, *, queue: str | None = None) -> dict[str, int]:
    rows = _queue_rows(centre, period)
    if queue is not None:
        rows = rows.filter(queue__name=queue)
    return _sums(rows, QUEUE_COUNTERS)


#: The stretches a period counts while they are still open, up to now: logged in and
#: paused. An open after-call-work stretch is left out: its count comes with its end (a mean
#: of seconds without their count would be off), and it lasts a minute or two.
OPEN_COUNTERS = {Kind.LOGIN.value: "login_sum", Kind.PAUSE.value: "pause_sum"}


def _open_stretches(centre: OrgUnit, period: Period, now: dt.datetime) -> QuerySet[Activity]:
    """The agents' stretches still open (logged in now, paused now) that reach into the
    period. The platform writes a stretch's end only when it comes, so without them a day
    in progress had no logged-in time, and 占线率 and 每小时呼叫次数 read 不可用 until the
    shifts ended. Counted up to now, as the monitor and the intraday page do; one started
    longer ago than a shift lasts (`LIVE_LOGIN_HORIZON`) is a logoff never logged."""
    return Activity.objects.filter(
        agent__centre=centre,
        ended_at__isnull=True,
        kind__in=list(OPEN_COUNTERS),
        started_at__gte=now - LIVE_LOGIN_HORIZON,
        started_at__lt=min(period.end, now),
    ).order_by()


def _open_seconds(period: Period, started: dt.datetime, now: dt.datetime) -> int:
    """An open stretch's seconds within the period, up to now."""
    stop = min(period.end, now)
    return max(0, int((stop - max(period.start, started)).total_seconds()))


def agent_totals(
    centre: OrgUnit,
    period: Period,
    *,
    agent: str | None = None,
    team: OrgUnit | None = None,
) -> dict[str, int]:
    """The agents' counters over the period, with the time of the stretches still open."""
    now = timezone.now()
    rows, stretches = _agent_rows(centre, period), _open_stretches(centre, period, now)
    if agent is not None:
        rows, stretches = rows.filter(agent__name=agent), stretches.filter(agent__name=agent)
    if team is not None:
        rows, stretches = rows.filter(agent__team=team), stretches.filter(agent__team=team)
    totals = _sums(rows, AGENT_COUNTERS)
    for kind, started in stretches.values_list("kind", "started_at"):
        seconds = _open_seconds(period, started, now)
        if seconds:
            totals = totals or dict.fromkeys(AGENT_COUNTERS, 0)
            totals[OPEN_COUNTERS[kind]] += seconds
    return totals


def breakdown(
    centre: OrgUnit, period: Period, by: str
) -> list[tuple[dict[str, Any], dict[str, int]]]:
    """Summed counters per queue, agent, team, day or interval: (labels, counters) rows."""
    if by in ("queue", "day_queue"):
        rows = _queue_rows(centre, period)
        counters = QUEUE_COUNTERS
    else:
        rows = _agent_rows(centre, period)
        counters = AGENT_COUNTERS
    group = {
        "queue": ["queue__name", "queue__title"],
        "agent": ["agent__name", "agent__user__full_name", "agent__team__name"],
        "team": ["agent__team__name"],
    }.get(by)
    if group is None:
        raise ValueError(f"unknown breakdown {by!r}")
    found: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in (
        rows.values(*group).annotate(**{name: Sum(name) for name in counters}).order_by(*group)
    ):
        labels = tuple(row.pop(key) for key in group)
        found[labels] = {name: int(value or 0) for name, value in row.items()}
    read = len(found)
    if counters is AGENT_COUNTERS:
        now = timezone.now()
        for *labels, kind, started in _open_stretches(centre, period, now).values_list(
            *group, "kind", "started_at"
        ):
            seconds = _open_seconds(period, started, now)
            if seconds:
                counts = found.setdefault(tuple(labels), dict.fromkeys(counters, 0))
                counts[OPEN_COUNTERS[kind]] += seconds
    rows_out = list(found.items())
    if len(found) > read:  # someone only logged in so far: placed in order, None last
        rows_out.sort(key=lambda item: [(label is None, label or "") for label in item[0]])
    return [(dict(zip(group, labels, strict=True)), counts) for labels, counts in rows_out]


def trend(
    centre: OrgUnit, period: Period, *, queue: str | None = None, by: str = "day"
) -> list[tuple[Any, dict[str, int]]]:
    """Queue counters per local day or per 15-minute interval, oldest first."""
    days = period.whole_days()
    if by == "day" and days is not None:
        rows: QuerySet[Any] = QueueDay.objects.filter(queue__centre=centre, day__range=days)
        moment = "day"
    else:
        rows = QueueInterval.objects.filter(
            queue__centre=centre, start__gte=period.start, start__lt=period.end
        )
        moment = "start"
    if queue is not None:
        rows = rows.filter(queue__name=queue)
    return [
        (row.pop(moment), {name: int(value or 0) for name, value in row.items()})
        for row in rows.values(moment)
        .annotate(**{name: Sum(name) for name in QUEUE_COUNTERS})
        .order_by(moment)
    ]


def rules_of(centre: OrgUnit) -> Rules:
    row = CentreRules.objects.filter(centre=centre).first()
    if row is None:
        return Rules()
    return Rules(
        service_level_seconds=row.service_level_seconds,
        short_abandon_seconds=row.short_abandon_seconds,
        ring_cycle_seconds=row.ring_cycle_seconds,
        fcr_window_days=row.fcr_window_days,
    )


def _cost(centre: OrgUnit, period: Period) -> float | None:
    monthly: Decimal | None = (
        CentreRules.objects.filter(centre=centre).values_list("monthly_cost", flat=True).first()
    )
    if monthly is None:
        return None
    days = (period.end - period.start).total_seconds() / 86400
    return float(monthly) * 12 / 365 * days


def service_figures(centre: OrgUnit, period: Period, rules: Rules) -> dict[str, Any]:
    """Contacts and work orders in the period, as `Totals` fields."""
    window = (period.start, period.end)
    contacts = Contact.objects.filter(
        centre=centre, started_at__gte=window[0], started_at__lt=window[1]
    )
    counted = contacts.aggregate(
        n_all=Count("id"),
        n_settled=Count("id", filter=Q(settled=True)),
        n_with_reason=Count("id", filter=Q(service_content__isnull=False)),
    )
    # Repeats (重复来电) are searched in one pass over the period's contacts with a call
    # reason and those of the window after it, not by a subquery per contact.
    window_after = dt.timedelta(days=rules.fcr_window_days)
    rows = (
        Contact.objects.filter(
            centre=centre,
            service_content__isnull=False,
            started_at__gte=window[0],
            started_at__lte=window[1] + window_after,
        )
        .values_list("customer_id", "caller_number", "service_content_id", "started_at", "settled")
        .order_by()
    )
    repeated, settled_repeated = repeat_counts(
        rows.iterator(chunk_size=5000), window[0], window[1], window_after
    )
    # Resolved (002 第7篇 一次性解决问题的呼叫率): settled on the contact, so nobody calls
    # back, and not followed by a repeat; a contact with no call reason cannot be seen to
    # repeat.
    counted["n_repeated"] = repeated
    counted["n_resolved"] = counted["n_settled"] - settled_repeated
    return {
        "contacts": counted["n_all"],
        "contacts_settled": counted["n_settled"],
        "contacts_with_reason": counted["n_with_reason"],
        "contacts_repeated": counted["n_repeated"],
        "contacts_resolved": counted["n_resolved"],
        **_order_figures(centre, window),
    }


def _order_figures(centre: OrgUnit, window: tuple[dt.datetime, dt.datetime]) -> dict[str, Any]:
    """The work-order part of `service_figures`."""
    events = TicketEvent.objects.filter(ticket__centre=centre, at__gte=window[0], at__lt=window[1])
    actions = dict(events.values_list("action").annotate(n=Count("id")).order_by())
    # Callbacks that reached the customer: one not reached (联系不上) says nothing of
    # satisfaction and is called again.
    callbacks = events.filter(action="callback", data__has_key="satisfied")
    return {
        "complaints": Ticket.objects.filter(
            centre=centre,
            kind=TicketKind.COMPLAINT,
            created_at__gte=window[0],
            created_at__lt=window[1],
        ).count(),
        "customers": Customer.objects.filter(centre=centre).count(),
        "escalated_complaints": escalated_complaints(events),
        "stage_completions": _stage_ends(events).count(),
        "stage_overdue": _stages_overdue(events).count(),
        "returns": actions.get("return", 0),
        "rejects": actions.get("reject", 0),
        # Every order that reached 办结, however: the back office's close, a satisfied
        # callback, the expert's answer on the spot, the last unreachable attempt.
        "closed": events.filter(to_state="closed").count(),
        "reopened": callbacks.filter(data__satisfied=False).count(),
        "callbacks": callbacks.count(),
        "callbacks_satisfied": callbacks.filter(data__satisfied=True).count(),
    }


def escalated_complaints(events: QuerySet[TicketEvent]) -> int:
    """升级投诉 (GLOSSARY.md; 003's indicator): the work orders whose customer took them
    above the centre (a regulator such as 12398, the 12345 hotline, consumer association,
    management, the media) in the period, each counted once whatever its kind: such an
    escalation is a complaint. The third urge and a raise inside the centre are
    escalations of another kind and are not counted."""
    return (
        events.filter(action="escalate", data__source__in=sorted(EXTERNAL_ESCALATION_SOURCES))
        .values("ticket_id")
        .distinct()
        .count()
    )


def _stage_ends(events: QuerySet[TicketEvent]) -> QuerySet[TicketEvent]:
    """A stage ends when its order leaves the state the stage times."""
    return (
        events.filter(from_state__in=list(STAGE_OF_STATE))
        .exclude(to_state="")
        .exclude(to_state=F("from_state"))
        .exclude(action__in=["warning", "overdue", "urge", "escalate"])
    )


def _stages_overdue(events: QuerySet[TicketEvent]) -> QuerySet[TicketEvent]:
    """The sweep's marks of a stage past its limit (not of the whole order's, nor of the
    promised answer's, which spans stages)."""
    return events.filter(action="overdue").exclude(data__stage__in=["overall", "answer"])


def stage_on_time(centre: OrgUnit, period: Period) -> list[dict[str, Any]]:
    """时限内完成率 per work-order stage: stages ended in the period, and of those the
    ones that went past their limit, with the on-time share."""
    events = TicketEvent.objects.filter(
        ticket__centre=centre, at__gte=period.start, at__lt=period.end
    )
    ended: dict[str, int] = defaultdict(int)
    for state, n in (
        _stage_ends(events).values_list("from_state").annotate(n=Count("id")).order_by()
    ):
        ended[STAGE_OF_STATE[state]] += n
    late = dict(
        _stages_overdue(events).values_list("data__stage").annotate(n=Count("id")).order_by()
    )
    return [
        {
            "stage": stage,
            "ended": ended[stage],
            "overdue": late.get(stage, 0),
            "on_time_rate": (ended[stage] - late.get(stage, 0)) / ended[stage]
            if ended[stage]
            else None,
        }
        for stage in STAGE_OF_STATE.values()
        if ended[stage] or late.get(stage)
    ]


def totals_for(
    centre: OrgUnit,
    period: Period,
    *,
    queue: str | None = None,
    agent: str | None = None,
    team: OrgUnit | None = None,
    rules: Rules | None = None,
    service: bool = True,
) -> Totals:
    rules = rules or rules_of(centre)
    period = period.on_grid()
    if agent is not None or team is not None:
        queue_part: dict[str, int] = {}
    else:
        queue_part = queue_totals(centre, period, queue=queue)
    extra: dict[str, Any] = {}
    if service and queue is None and agent is None and team is None:
        extra = service_figures(centre, period, rules)
        extra["cost"] = _cost(centre, period)
    if service and queue is None:
        # Adherence, attendance and turnover against the rota (agent time is not split by
        # queue, so a queue's report has none; the wallboard, without `service`, neither).
        extra.update(workforce_totals(centre, period.start, period.end, agent=agent, team=team))
    if service and queue is None:
        # 监听分值 (002 第7篇): the quality scores of the contacts in the period.
        extra.update(monitoring_totals(centre, period.start, period.end, agent=agent, team=team))
    return Totals(
        queue=queue_part,
        # Agent time is not split by queue: one queue's report has no agent figures.
        agent={} if queue is not None else agent_totals(centre, period, agent=agent, team=team),
        **extra,
    )


def targets_of(centre: OrgUnit) -> dict[str, standards.Target | None]:
    targets = {code: standard.default_target for code, standard in standards.BY_CODE.items()}
    for code, low, high in IndicatorTarget.objects.filter(centre=centre).values_list(
        "code", "low", "high"
    ):
        if low is None and high is None:  # the centre chose not to judge it
            targets[code] = None
            continue
        default = targets.get(code)
        margin = default.watch_margin if default else 0.1
        targets[code] = standards.Target(low=low, high=high, watch_margin=margin)
    return targets


def centre_targets(centre: OrgUnit) -> dict[str, tuple[float | None, float | None]]:
    """The centre's own (low, high) per indicator it has set, defaults left out."""
    return {
        code: (low, high)
        for code, low, high in IndicatorTarget.objects.filter(centre=centre).values_list(
            "code", "low", "high"
        )
    }


def rules_row(centre: OrgUnit) -> CentreRules | None:
    """The centre's counting rules as stored, monthly cost included; None: the defaults."""
    return CentreRules.objects.filter(centre=centre).first()


def subscriptions_of(centre: OrgUnit) -> list[ReportSubscription]:
    return list(ReportSubscription.objects.filter(centre=centre).order_by("period", "pk"))


@dataclass(frozen=True)
class Scopes:
    """What a report can be narrowed to, as (name the report takes, label people read)."""

    queues: list[tuple[str, str]]
    teams: list[tuple[str, str]]
    agents: list[tuple[str, str]]


def report_scopes(centre: OrgUnit) -> Scopes:
    agents = Agent.objects.filter(centre=centre).order_by("name")
    return Scopes(
        queues=[
            (name, title or name)
            for name, title in Queue.objects.filter(centre=centre)
            .order_by("name")
            .values_list("name", "title")
        ],
        teams=list(
            OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM, parent=centre)
            .order_by("code")
            .values_list("code", "name")
        ),
        agents=_agent_labels(list(agents.values_list("name", "user__full_name"))),
    )


def _agent_labels(rows: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """Agents by the name people know them by; the platform's name (Agent/1001) only where
    it is all there is, or to tell two agents of the same name apart."""
    names = [full_name or name for name, full_name in rows]
    return [
        (name, f"{label} ({name})" if names.count(label) > 1 else label)
        for (name, _full_name), label in zip(rows, names, strict=True)
    ]


def summary(
    centre: OrgUnit, period: Period, *, queue: str | None = None
) -> dict[str, float | None]:
    """Every indicator for the period (as widened by `Period.on_grid`, the window callers
    print as counted), None where not available."""
    rules = rules_of(centre)
    return compute(totals_for(centre, period, queue=queue, rules=rules), rules)


def judged(
    values: Mapping[str, float | None], targets: Mapping[str, standards.Target | None]
) -> dict[str, standards.Status]:
    return {code: standards.status(value, targets.get(code)) for code, value in values.items()}


def team_by_code(centre: OrgUnit, code: str) -> OrgUnit:
    team = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM, code=code, parent=centre).first()
    if team is None:
        raise NotFound(f"no team with code {code!r}")
    return team


REASON_DIMENSIONS = ("customer_attribute", "region", "business_type", "service_content")


def call_reasons(centre: OrgUnit, period: Period, *, limit: int) -> list[dict[str, Any]]:
    """来电原因 on each of the four dimensions: the top reasons of the period and the biggest
    risers against the period before (hot topics). One grouped read of each period's
    contacts serves the four dimensions."""
    before = period.previous()
    names = [f"{dimension}__name" for dimension in REASON_DIMENSIONS]
    counts: list[dict[str, list[int]]] = [{} for _dimension in REASON_DIMENSIONS]
    for index, span in enumerate((period, before)):
        rows = (
            Contact.objects.filter(
                centre=centre, started_at__gte=span.start, started_at__lt=span.end
            )
            .values_list(*names)
            .annotate(n=Count("id"))
            .order_by()
        )
        for *reasons, n in rows:
            for found, reason in zip(counts, reasons, strict=True):
                if reason is not None:
                    found.setdefault(reason, [0, 0])[index] += n
    result = []
    for dimension, found in zip(REASON_DIMENSIONS, counts, strict=True):
        rows_out: list[dict[str, Any]] = [
            {"reason": reason, "count": now, "previous": then, "change": now - then}
            for reason, (now, then) in found.items()
        ]
        top = sorted(rows_out, key=lambda row: (-row["count"], row["reason"]))[:limit]
        risers = sorted(
            (row for row in rows_out if row["change"] > 0),
            key=lambda row: (-row["change"], row["reason"]),
        )[:limit]
        result.append({"dimension": dimension, "top": top, "risers": risers})
    return result
