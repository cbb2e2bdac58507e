"""Improvement projects' arithmetic (issue 20 point 5; seed 004 专题分析时间计划): the year
in six two-month periods, and how far a project has moved its indicator from the baseline
towards the target. Pure: no database.

004 plans its themed improvement by two-month period ("1-2月,整体满意度提升 3-4月,网络满意度
专项提升 … 11月-12月,热线满意度专项提升"): a project belongs to one period, its baseline is
read over the period before, and its progress over its own period so far.

Progress is the share of the way from baseline to target, in the direction the indicator
is better: 0.5 is half-way, above 1 is past the target (overshoot), below 0 is worse than
the baseline (regression). A missing figure (no baseline, no data yet) is "no figure",
never 0: a project that has not been measured has not failed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

PERIODS_PER_YEAR = 6  # 004: 1-2月, 3-4月, 5-6月, 7-8月, 9-10月, 11-12月


@dataclass(frozen=True, order=True)
class TwoMonths:
    """One of the year's six two-month periods: `index` 1 is January–February, 6 is
    November–December (004 专题分析时间计划)."""

    year: int
    index: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= PERIODS_PER_YEAR:
            raise ValueError("A two-month period is numbered 1 to 6.")
        if not dt.MINYEAR < self.year < dt.MAXYEAR:
            raise ValueError("The year is out of range.")

    @classmethod
    def of(cls, day: dt.date) -> TwoMonths:
        return cls(day.year, (day.month - 1) // 2 + 1)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.index * 2 - 1, 1)

    @property
    def last(self) -> dt.date:
        return self.next().first - dt.timedelta(days=1)

    @property
    def months(self) -> tuple[int, int]:
        return self.index * 2 - 1, self.index * 2

    def previous(self) -> TwoMonths:
        if self.index == 1:
            return TwoMonths(self.year - 1, PERIODS_PER_YEAR)
        return TwoMonths(self.year, self.index - 1)

    def next(self) -> TwoMonths:
        if self.index == PERIODS_PER_YEAR:
            return TwoMonths(self.year + 1, 1)
        return TwoMonths(self.year, self.index + 1)

    def so_far(self, today: dt.date) -> tuple[dt.date, dt.date] | None:
        """The days of the period up to today (both included), None before it starts."""
        if today < self.first:
            return None
        return self.first, min(today, self.last)


def weeks(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar weeks (Monday to Sunday) that `first`–`last` touches, each clipped to
    it, oldest first."""
    spans = []
    start = first
    while start <= last:
        end = min(start + dt.timedelta(days=6 - start.weekday()), last)
        spans.append((start, end))
        start = end + dt.timedelta(days=1)
    return spans


class Better(StrEnum):
    """Which way the project wants its indicator to move."""

    HIGHER = "higher"
    LOWER = "lower"


class State(StrEnum):
    NO_FIGURE = "no_figure"  # no baseline or no figure yet: not measured, not 0
    REGRESSED = "regressed"  # worse than the baseline
    NO_CHANGE = "no_change"  # exactly at the baseline
    ON_THE_WAY = "on_the_way"  # between baseline and target
    REACHED = "reached"  # at the target
    OVERSHOT = "overshot"  # past the target


@dataclass(frozen=True)
class Progress:
    state: State
    # The share of the way from baseline to target (below 0 regression, above 1
    # overshoot); None without a figure, or when baseline and target are the same value
    # (no way to go, so no share of it).
    share: float | None
    # How full the progress bar is drawn, 0–1.
    bar: float


def project_better(indicator_better: str | None, baseline: float | None, target: float) -> Better:
    """The indicator's own direction where it has one; for a range or an indicator without
    a direction, the way from the baseline to the target (higher when they are equal or the
    baseline is unknown)."""
    if indicator_better in (Better.HIGHER, Better.LOWER):
        return Better(indicator_better)
    if baseline is not None and target < baseline:
        return Better.LOWER
    return Better.HIGHER


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def progress(
    *, baseline: float | None, target: float, current: float | None, better: Better
) -> Progress:
    """How far `current` has come from `baseline` towards `target`, `better` saying which
    way is an improvement. A target on the wrong side of the baseline (already met when
    the project started) has no way to go: the figure is then judged against the baseline
    (regressed or not) and the target (reached or past it), with no share."""
    if baseline is None or current is None:
        return Progress(State.NO_FIGURE, None, 0.0)
    for value in (baseline, target, current):
        if not math.isfinite(value):
            return Progress(State.NO_FIGURE, None, 0.0)
    sign = 1.0 if better is Better.HIGHER else -1.0
    gain = (current - baseline) * sign
    needed = (target - baseline) * sign
    if _same(gain, 0.0):
        gain = 0.0
    if needed <= 0.0 or _same(needed, 0.0):
        if gain < 0:
            return Progress(State.REGRESSED, None, 0.0)
        beyond = (current - target) * sign
        if _same(current, target) or beyond <= 0:
            return Progress(State.REACHED, None, 1.0)
        return Progress(State.OVERSHOT, None, 1.0)
    share = gain / needed
    if gain < 0:
        state = State.REGRESSED
    elif gain == 0.0:
        state = State.NO_CHANGE
    elif _same(current, target) or share == 1.0:
        state, share = State.REACHED, 1.0
    elif share > 1:
        state = State.OVERSHOT
    else:
        state = State.ON_THE_WAY
    return Progress(state, share, min(1.0, max(0.0, share)))
