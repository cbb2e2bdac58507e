"""What a standard is: its unit, group and target, and how a figure is judged against the
target. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise

# The seed sections standards cite, with their titles, as the definitions page names them.
SEED_SECTIONS = {
    "002 第7篇": "客户服务中心标准",
    "002 第15篇": "客户服务中心值班制度",
    "003": "客服年度工作计划",
}


class Unit(StrEnum):
    RATE = "rate"  # a fraction 0–1, shown as a percentage
    SECONDS = "seconds"
    COUNT = "count"
    PER_HOUR = "per_hour"
    SCORE = "score"  # 0–100
    MONEY = "money"  # yuan
    RINGS = "rings"
    PER_10K = "per_10k"


class Group(StrEnum):
    """Where the figure comes from, which is also who can act on it."""

    QUEUE = "queue"  # the ACD: Asterisk's queue_log
    AGENT = "agent"  # agent states and call handling
    WORKFORCE = "workforce"  # schedules, attendance, headcount
    QUALITY = "quality"  # monitoring and agents' call coding
    COST = "cost"  # the finance department's figures
    SERVICE = "service"  # contacts and work orders


class Direction(StrEnum):
    """Which way a figure is better: a floor, a ceiling, or a range to stay inside."""

    HIGHER = "higher"  # higher is better: judged against its lowest good value
    LOWER = "lower"  # lower is better: judged against its highest good value
    RANGE = "range"  # both too little and too much are faults


class Status(StrEnum):
    GOOD = "good"
    WATCH = "watch"
    OFF = "off"
    NOT_AVAILABLE = "not_available"  # no value: no data for the period
    UNJUDGED = "unjudged"  # a value, but no target to judge it by


@dataclass(frozen=True)
class Target:
    """The range an indicator should stay in. A bound of None means the indicator is only
    judged on the other side: lower-is-better indicators have only `high`, higher-is-better
    ones only `low`.

    `watch_margin` is how far past a bound, as a fraction of that bound, a value is still
    WATCH rather than OFF: with high=20 and margin 0.1, 21 is WATCH and 23 is OFF.
    """

    low: float | None
    high: float | None
    watch_margin: float = 0.1

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ValueError("A target needs at least one bound.")
        for bound in (self.low, self.high, self.watch_margin):
            if bound is not None and not math.isfinite(bound):
                raise ValueError("Target bounds and margin must be finite numbers.")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("A target's low bound must not exceed its high bound.")
        if self.watch_margin < 0:
            raise ValueError("A target's watch margin must not be negative.")

    @property
    def direction(self) -> Direction:
        """A floor alone: higher is better; a ceiling alone: lower is better; both: a range.
        The bounds say it, so a target can never be judged one way and labelled another."""
        if self.high is None:
            return Direction.HIGHER
        if self.low is None:
            return Direction.LOWER
        return Direction.RANGE


@dataclass(frozen=True)
class Standard:
    code: str
    name: Promise
    definition: Promise
    unit: Unit
    group: Group
    industry_average: str  # as the seed states it; "" where it gives none
    default_target: Target | None  # None: the seed gives no universal target
    actions: tuple[Promise, ...] = ()
    seed: str = ""  # the seed section the definition follows ("002 第7篇"); "" for kefu's own
    seed_term: str = ""  # the seed's own name for the figure, quoted on the definitions page
    target_basis: str = ""  # the seed's words the default target follows, quoted
    target_seed: str = ""  # the section those words are from, where not `seed`
    target_note: Promise | None = None  # why the default differs from the seed's words, or is ours
    formula: Promise | None = None  # how kefu computes it, and what its data can and cannot see


def status(value: float | None, target: Target | None) -> Status:
    """GOOD inside the target's range (bounds included), WATCH within the margin past a
    bound, OFF beyond it."""
    if value is None or math.isnan(value):
        return Status.NOT_AVAILABLE
    if target is None:
        return Status.UNJUDGED
    if target.low is not None and value < target.low:
        floor = target.low - abs(target.low) * target.watch_margin
        return Status.WATCH if value >= floor else Status.OFF
    if target.high is not None and value > target.high:
        ceiling = target.high + abs(target.high) * target.watch_margin
        return Status.WATCH if value <= ceiling else Status.OFF
    return Status.GOOD
