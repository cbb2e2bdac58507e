"""The daily, weekly and monthly reports (日报/周报/月报), assembled from `queries`.

One `Report` feeds the page, the .xlsx file and the e-mail, so the three always agree; every
figure in it, whatever the scope and in every breakdown row, is `indicators.compute` over
`queries.totals_for` of that scope, so the same agent's figure is the same in the centre's
report and in the agent's own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kefu.core.models import OrgUnit
from kefu.metrics import formatting, queries, standards
from kefu.metrics.indicators import Rules, Totals, compute
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
    "avg_talk_seconds",
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
    note: str = ""  # the counting rule the figure depends on, shown beside it


@dataclass(frozen=True)
class Figure:
    """One figure of a section another app adds to the centre's report."""

    label: str
    value: float | None
    unit: str  # a standards.Unit
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A block of the centre's report that an app above metrics computes (supervision's
    rounds, exams, complaint judging and honours): added by `add_section`, so the metrics
    app reads no app above it."""

    key: str
    title: str
    figures: list[Figure]


#: Called with the centre and the period of every full centre report, in the order added;
#: a source with nothing to say for the period returns None.
SectionSource = Callable[[OrgUnit, Period], "Section | None"]
_SECTIONS: list[SectionSource] = []


def add_section(source: SectionSource) -> None:
    """Add a section to every full centre report (called from an app's `ready`)."""
    if source not in _SECTIONS:
        _SECTIONS.append(source)


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
    sections: list[Section] = field(default_factory=list)
    rules: Rules = field(default_factory=Rules)
    built_at: dt.datetime = field(default_factory=timezone.now)

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


def rule_note(code: str, rules: Rules) -> str:
    """The counting rule a figure depends on, said beside it wherever it is shown: the
    service level's threshold, the short abandons left out (002 第7篇), the repeat window."""
    short = _("short abandons of %(seconds)s s or less left out") % {
        "seconds": rules.short_abandon_seconds
    }
    within = _("answered within %(seconds)s s") % {"seconds": rules.service_level_seconds}
    window = _("repeat window %(days)s days") % {"days": rules.fcr_window_days}
    both = _("answered within %(within)s s; short abandons of %(short)s s or less left out")
    notes = {
        "service_level": both
        % {"within": rules.service_level_seconds, "short": rules.short_abandon_seconds},
        "service_level_answered": within,
        "abandon_rate": short,
        "short_abandoned": _("waited %(seconds)s s or less")
        % {"seconds": rules.short_abandon_seconds},
        "fcr": window,
        "repeat_contact_rate": window,
    }
    return notes.get(code, "")


def missing_note(code: str, value: float | None, scope: str) -> str:
    """Why a figure from the rota is not available: no published rota for the period, or
    no staff members to count turnover from."""
    if value is not None:
        return ""
    if code in ("adherence", "attendance"):
        return _("No published rota has shifts in this period")
    if code == "turnover" and scope != "agent":
        return _("No staff members are recorded in the rota")
    return ""


def _agent_figures(counts: dict[str, int], rules: Rules) -> dict[str, Any]:
    """A team's or agent's row: the same computation as that team's or agent's report."""
    values = compute(Totals(agent=counts), rules)
    figures: dict[str, Any] = {code: values[code] for code in AGENT_COLUMNS if code in values}
    figures["login_hours"] = counts.get("login_sum", 0) / 3600
    return figures


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
                note=rule_note(code, rules) or missing_note(code, value, scope),
            )
        )
    label = {"centre": centre.name, "team": team.name if team else ""}.get(scope, name or "")
    report = Report(
        kind=kind,
        centre=centre,
        scope=scope,
        scope_label=label,
        period=period,
        lines=lines,
        rules=rules,
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
            report.agents.append(
                {
                    "name": labels["agent__user__full_name"] or labels["agent__name"],
                    "team": labels["agent__team__name"] or "",
                    **_agent_figures(counts, rules),
                }
            )
    if scope == "centre":
        for labels, counts in queries.breakdown(centre, period, "team"):
            report.teams.append(
                {
                    "name": labels["agent__team__name"] or _("No team"),
                    **_agent_figures(counts, rules),
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
        report.sections = [
            section for source in _SECTIONS if (section := source(centre, period)) is not None
        ]
    return report


def _pick(counts: dict[str, int], rules: Any) -> dict[str, Any]:
    values = compute(Totals(queue=counts), rules)
    return {code: values[code] for code in QUEUE_COLUMNS}


def summary_json(centre: OrgUnit, period: Period, *, queue: str | None = None) -> dict[str, Any]:
    """Every indicator for a period as the API and the command print it: `from` and `to` are
    the window actually counted (widened to whole 15-minute intervals, `Period.on_grid`),
    `requested` the window asked for."""
    counted = period.on_grid()
    return {
        "from": counted.start.isoformat(),
        "to": counted.end.isoformat(),
        "requested": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "rules": rules_json(queries.rules_of(centre)),
        "indicators": queries.summary(centre, period, queue=queue),
    }


def rules_json(rules: Rules) -> dict[str, Any]:
    """The counting rules the figures were computed with, for JSON readers."""
    return {
        "service_level_seconds": rules.service_level_seconds,
        "short_abandon_seconds": rules.short_abandon_seconds,
        "fcr_window_days": rules.fcr_window_days,
    }


def as_json(report: Report) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "scope": report.scope,
        "name": report.scope_label,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "built_at": report.built_at.isoformat(),
        "rules": rules_json(report.rules),
        "indicators": {
            line.code: {
                "value": line.value,
                "previous": line.previous,
                "status": line.status,
                **({"note": line.note} if line.note else {}),
            }
            for line in report.lines
        },
        "queues": report.queues,
        "teams": report.teams,
        "agents": report.agents,
        "trend": report.trend,
        "reasons": report.reasons,
        "stages": report.stages,
    }


#: How long the report pages keep a built report: a period that is over changes only by
#: a late import or a late classification; one that is running, with every call. A month
#: of a 500-agent centre is a million contacts: grouped once, not on every view.
KEPT_PAST_SECONDS = 12 * 3600
KEPT_RUNNING_SECONDS = 10 * 60
#: The reports kept warm by the worker (`metrics.tasks.warm_reports`): the centre's own, of
#: the day, week and month running, which its managers open all day.
WARMED_KINDS = ("daily", "weekly", "monthly")


def kept(
    centre: OrgUnit,
    kind: str,
    day: dt.date,
    *,
    scope: str = "centre",
    name: str | None = None,
    refresh: bool = False,
) -> Report:
    """`build`'s report as the pages and the export read it: built once and kept
    (KEPT_RUNNING_SECONDS while its period runs, KEPT_PAST_SECONDS after), in the reader's
    language; `built_at` says when, and the page shows it. `refresh` builds it anew."""
    period = period_of(kind, day)
    # The centre's counting rules and targets are part of the key: a changed threshold or
    # target shows at once (the figures themselves may be KEPT_RUNNING_SECONDS old).
    judged_by = repr((queries.rules_of(centre), sorted(queries.targets_of(centre).items())))
    key = (
        f"metrics:report:{get_language()}:{centre.pk}:{kind}:{period.start.isoformat()}:"
        f"{scope}:{name or ''}:{hashlib.sha256(judged_by.encode()).hexdigest()[:16]}"
    )
    found = None if refresh else cache.get(key)
    if isinstance(found, Report):
        return found
    report = build(centre, kind, day, scope=scope, name=name, period=period)
    running = period.end > timezone.now()
    cache.set(key, report, KEPT_RUNNING_SECONDS if running else KEPT_PAST_SECONDS)
    return report
