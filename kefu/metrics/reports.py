"""The daily, weekly and monthly reports (日报/周报/月报), assembled from `queries`.

One `Report` feeds the page, the .xlsx file and the e-mail, so the three always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.core.models import OrgUnit
from kefu.metrics import formatting, queries, standards
from kefu.metrics.indicators import Totals, compute
from kefu.metrics.queries import Period

KINDS = ("daily", "weekly", "monthly")
SCOPES = ("centre", "queue", "team", "agent")
# The figures shown for each queue, team and agent row.
QUEUE_COLUMNS = (
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "avg_talk_seconds",
    "transfer_rate",
)
AGENT_COLUMNS = (
    "answered",
    "avg_talk_seconds_agent",
    "aht_seconds",
    "acw_seconds",
    "calls_per_agent_hour",
    "occupancy",
    "login_hours",
)
TOP_REASONS = 10
# The four call-reason dimensions, as the page and the workbook head them.
REASON_TITLES = {
    "customer_attribute": gettext_noop("Customer attribute"),
    "region": gettext_noop("Region"),
    "business_type": gettext_noop("Business type"),
    "service_content": gettext_noop("Service content"),
}


def period_of(kind: str, day: dt.date) -> Period:
    """The day itself, its Monday-to-Sunday week, or its calendar month."""
    if kind == "daily":
        return Period.days(day, day)
    if kind == "weekly":
        monday = day - dt.timedelta(days=day.weekday())
        return Period.days(monday, monday + dt.timedelta(days=6))
    if kind == "monthly":
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return Period.days(first, following - dt.timedelta(days=1))
    raise ValueError(f"unknown report kind {kind!r}; one of {', '.join(KINDS)}")


@dataclass
class Line:
    code: str
    name: str
    unit: str
    value: float | None
    previous: float | None
    status: str
    target: str
    actions: list[str]


@dataclass
class Report:
    kind: str
    centre: OrgUnit
    scope: str
    scope_label: str
    period: Period
    lines: list[Line]
    queues: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    agents: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first_day(self) -> dt.date:
        days = self.period.whole_days()
        return days[0] if days else self.period.start.date()

    @property
    def last_day(self) -> dt.date:
        days = self.period.whole_days()
        return days[1] if days else self.period.end.date()

    def off(self) -> list[Line]:
        return [line for line in self.lines if line.status == standards.Status.OFF]


def _agent_figures(counts: dict[str, int], values: dict[str, float | None]) -> dict[str, Any]:
    completed = counts.get("completed", 0)
    return {
        "answered": counts.get("answered", 0),
        "avg_talk_seconds_agent": counts.get("talk_sum", 0) / completed if completed else None,
        "aht_seconds": values["aht_seconds"],
        "acw_seconds": values["acw_seconds"],
        "calls_per_agent_hour": values["calls_per_agent_hour"],
        "occupancy": values["occupancy"],
        "login_hours": counts.get("login_sum", 0) / 3600,
    }


def build(
    centre: OrgUnit,
    kind: str,
    day: dt.date,
    *,
    scope: str = "centre",
    name: str | None = None,
    period: Period | None = None,
    brief: bool = False,
    service: bool = True,
) -> Report:
    """The report of `kind` for the period holding `day`, for the centre or one queue, team
    or agent (`name` is the queue's or agent's platform name, or the team's code).

    A `brief` report holds only the period's indicators, judged: no previous period, no
    breakdowns, trend or call reasons. The dashboard shows it on every load. Without
    `service`, only the telephone figures are computed (the wallboard, every few seconds):
    the indicators that need contacts and work orders are not available."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; one of {', '.join(SCOPES)}")
    if scope != "centre" and not name:
        raise ValueError(f"a {scope} report needs the {scope}'s name")
    period = period or period_of(kind, day)
    rules = queries.rules_of(centre)
    team = queries.team_by_code(centre, name) if scope == "team" and name else None
    selection: dict[str, Any] = {
        "queue": name if scope == "queue" else None,
        "agent": name if scope == "agent" else None,
        "team": team,
    }
    current = compute(
        queries.totals_for(centre, period, rules=rules, service=service, **selection), rules
    )
    earlier: dict[str, float | None] = {}
    if not brief:
        earlier = compute(
            queries.totals_for(centre, period.previous(), rules=rules, **selection), rules
        )
    targets = queries.targets_of(centre)
    lines = []
    for code, value in current.items():
        standard = standards.BY_CODE.get(code)
        if standard is None:
            continue
        target = targets.get(code)
        status = standards.status(value, target)
        lines.append(
            Line(
                code=code,
                name=str(standard.name),
                unit=standard.unit.value,
                value=value,
                previous=earlier.get(code),
                status=status.value,
                target=formatting.target_text(target, standard.unit),
                actions=[str(action) for action in standard.actions]
                if status == standards.Status.OFF
                else [],
            )
        )
    label = {"centre": centre.name, "team": team.name if team else ""}.get(scope, name or "")
    report = Report(
        kind=kind, centre=centre, scope=scope, scope_label=label, period=period, lines=lines
    )
    if brief:
        return report
    if scope == "centre":
        report.queues = [
            {"name": labels["queue__title"] or labels["queue__name"], **_pick(counts, rules)}
            for labels, counts in queries.breakdown(centre, period, "queue")
        ]
    if scope in ("centre", "team"):
        for labels, counts in queries.breakdown(centre, period, "agent"):
            if team is not None and labels["agent__team__name"] != team.name:
                continue
            values = compute(Totals(agent=counts), rules)
            report.agents.append(
                {
                    "name": labels["agent__user__full_name"] or labels["agent__name"],
                    "team": labels["agent__team__name"] or "",
                    **_agent_figures(counts, values),
                }
            )
    if scope == "centre":
        for labels, counts in queries.breakdown(centre, period, "team"):
            values = compute(Totals(agent=counts), rules)
            report.teams.append(
                {
                    "name": labels["agent__team__name"] or _("No team"),
                    **_agent_figures(counts, values),
                }
            )
    if scope in ("centre", "queue"):
        by = "interval" if kind == "daily" else "day"
        for moment, counts in queries.trend(centre, period, queue=selection["queue"], by=by):
            values = compute(Totals(queue=counts), rules)
            report.trend.append(
                {
                    "at": timezone.localtime(moment) if by == "interval" else moment,
                    "offered": counts["offered"],
                    "answered": counts["answered"],
                    "abandoned": counts["abandoned"],
                    "service_level": values["service_level"],
                    "asa_seconds": values["asa_seconds"],
                }
            )
    if scope == "centre":
        report.reasons = queries.call_reasons(centre, period, limit=TOP_REASONS)
        report.stages = queries.stage_on_time(centre, period)
    return report


def _pick(counts: dict[str, int], rules: Any) -> dict[str, Any]:
    values = compute(Totals(queue=counts), rules)
    return {code: values[code] for code in QUEUE_COLUMNS}


def as_json(report: Report) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "scope": report.scope,
        "name": report.scope_label,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "indicators": {
            line.code: {"value": line.value, "previous": line.previous, "status": line.status}
            for line in report.lines
        },
        "queues": report.queues,
        "teams": report.teams,
        "agents": report.agents,
        "trend": report.trend,
        "reasons": report.reasons,
        "stages": report.stages,
    }
