"""Reads the dashboard and the wallboard share, so both show the same figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kefu.core.models import OrgUnit
from kefu.metrics import queries as metrics
from kefu.metrics import reports
from kefu.metrics.indicators import Totals, compute
from kefu.telephony.intervals import INTERVAL_SECONDS, interval_of
from kefu.telephony.queries import AGENT_STATE_LABELS, LiveState, live_state
from kefu.web.models import Measure, WallboardBreach, WallboardThresholds

# The wallboard's figures of the day so far, in the order they are read.
WALLBOARD_TODAY = ("service_level", "offered", "answered", "abandoned", "asa_seconds")
# "The last 30 minutes" of the service-level threshold: the current quarter hour and the
# one before it, the roll-ups' own grid (so 15 to 30 minutes of calls).
RECENT_INTERVALS = 2


def today_lines(
    centre: OrgUnit, today: dt.date, *, service: bool = True
) -> dict[str, reports.Line]:
    """Today's indicators so far, judged against the centre's targets: the one computation
    (`metrics.reports.build`) the dashboard and the wallboard both show. Without `service`,
    the telephone figures only."""
    report = reports.build(centre, "daily", today, brief=True, service=service)
    return {line.code: line for line in report.lines}


def recent_period(now: dt.datetime) -> metrics.Period:
    start = interval_of(now.timestamp()) - (RECENT_INTERVALS - 1) * INTERVAL_SECONDS
    return metrics.Period(dt.datetime.fromtimestamp(start, tz=dt.UTC), now)


def recent_service_level(centre: OrgUnit, now: dt.datetime) -> float | None:
    """Service level over the last 30 minutes, computed as every report computes it."""
    rules = metrics.rules_of(centre)
    totals = Totals(queue=metrics.queue_totals(centre, recent_period(now)))
    return compute(totals, rules)["service_level"]


@dataclass(frozen=True)
class Breach:
    measure: Measure
    scope: str  # a queue's platform name, "" for the whole centre
    label: str  # the queue's title, or the centre's name
    value: float
    limit: float


@dataclass
class Board:
    """What the wallboard shows at one moment."""

    live: LiveState
    today: list[reports.Line]
    recent_service_level: float | None
    thresholds: WallboardThresholds | None
    breaches: list[Breach] = field(default_factory=list)

    def _red(self, measure: Measure) -> set[str]:
        return {breach.scope for breach in self.breaches if breach.measure == measure}

    @property
    def red_waiting(self) -> set[str]:
        """The queues with more callers waiting than the threshold."""
        return self._red(Measure.WAITING)

    @property
    def red_longest(self) -> set[str]:
        return self._red(Measure.LONGEST_WAIT)

    @property
    def red_service_level(self) -> bool:
        return bool(self._red(Measure.SERVICE_LEVEL))

    @property
    def states(self) -> list[dict[str, object]]:
        """Agents by state, in the order the wall shows them, with their labels."""
        return [
            {"code": state.value, "label": AGENT_STATE_LABELS[state], "count": count}
            for state, count in self.live.by_state.items()
        ]


def thresholds_of(centre: OrgUnit) -> WallboardThresholds | None:
    return WallboardThresholds.objects.filter(centre=centre).first()


def breaches_of(
    centre: OrgUnit,
    live: LiveState,
    recent: float | None,
    thresholds: WallboardThresholds | None,
) -> list[Breach]:
    """The measures past their thresholds now: callers waiting and the longest wait per
    queue (above the limit), the centre's service level of the last 30 minutes (below)."""
    if thresholds is None:
        return []
    found = []
    for queue in live.queues:
        if thresholds.waiting is not None and queue.waiting > thresholds.waiting:
            found.append(
                Breach(Measure.WAITING, queue.name, queue.title, queue.waiting, thresholds.waiting)
            )
        limit = thresholds.longest_wait_seconds
        if limit is not None and queue.longest_wait is not None and queue.longest_wait > limit:
            found.append(
                Breach(Measure.LONGEST_WAIT, queue.name, queue.title, queue.longest_wait, limit)
            )
    floor = thresholds.service_level
    if floor is not None and recent is not None and recent < floor:
        found.append(Breach(Measure.SERVICE_LEVEL, "", centre.name, recent, floor))
    return found


def board_of(centre: OrgUnit, now: dt.datetime, today: dt.date) -> Board:
    live = live_state(centre, now)
    lines = today_lines(centre, today, service=False)
    recent = recent_service_level(centre, now)
    thresholds = thresholds_of(centre)
    return Board(
        live=live,
        today=[lines[code] for code in WALLBOARD_TODAY if code in lines],
        recent_service_level=recent,
        thresholds=thresholds,
        breaches=breaches_of(centre, live, recent, thresholds),
    )


def recent_breaches(centre: OrgUnit, limit: int = 20) -> list[WallboardBreach]:
    """The centre's latest breaches, open ones included, for the thresholds page."""
    return list(WallboardBreach.objects.filter(centre=centre)[:limit])
