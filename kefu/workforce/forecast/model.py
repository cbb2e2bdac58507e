"""The forecast itself (the method is described in the package's docstring), and the
seasonal-naive forecast it is measured against."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import add

from django.utils.translation import gettext as _

from kefu.workforce.forecast.calendar import ORDINARY, ChinaCalendar, DayType, _DayTyper

#: The interval lengths a centre may plan on, in minutes.
INTERVAL_CHOICES = (15, 30)


#: The least a week's ordinary days must weigh (in average days) to give it a level.
MIN_WEEK_WEIGHT = 0.5


class ForecastError(ValueError):
    """Input the forecast cannot work from; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class DayHistory:
    """One past day of one queue, per interval of the day (96 of 15 minutes, or 48 of 30):
    the calls offered, the calls handled and their handle seconds (talk + hold + after-call
    work)."""

    day: date
    offered: Sequence[float]
    handled: Sequence[float] = ()
    handle_seconds: Sequence[float] = ()


@dataclass(frozen=True)
class DayForecast:
    day: date
    day_type: DayType
    calls: tuple[float, ...]
    aht_seconds: tuple[float | None, ...]
    #: The kind of history days the day's volume came from; a different type from
    #: `day_type` means none of its own type was in the history. None: copied from a week
    #: before (seasonal naive).
    basis: DayType | None

    @property
    def total(self) -> float:
        return sum(self.calls)


@dataclass(frozen=True)
class Settings:
    #: Weeks of ordinary days the weekday factors, shapes and handle times come from.
    profile_weeks: int = 8
    #: Weekly levels the trend is fitted on (at least 3 are needed for a trend).
    trend_weeks: int = 12
    #: How much of the trend each further week keeps (1 = undamped).
    damping: float = 0.85
    #: Handled calls with the weight of the day's average in an interval's handle time.
    aht_prior_calls: float = 20.0
    #: Days' worth of its group's shape (the working days', or the weekend's) a weekday's
    #: intraday shape is pulled towards, so a weekday seen a few times is not its noise.
    shape_prior_days: float = 2.0


def slots_per_day(interval_minutes: int) -> int:
    """Intervals in a day of the centre's plan; ForecastError for a length not offered."""
    if interval_minutes not in INTERVAL_CHOICES:
        raise ForecastError(_("The interval must be 15 or 30 minutes."))
    return 24 * 60 // interval_minutes


def _check_history(history: Sequence[DayHistory], slots: int) -> list[DayHistory]:
    seen: set[date] = set()
    for item in history:
        if item.day in seen:
            raise ForecastError(
                _("The history gives %(day)s twice.") % {"day": item.day.isoformat()}
            )
        seen.add(item.day)
        for values in (item.offered, item.handled, item.handle_seconds):
            if values and len(values) != slots:
                raise ForecastError(
                    _("%(day)s has %(count)s intervals; a day of this plan has %(slots)s.")
                    % {"day": item.day.isoformat(), "count": len(values), "slots": slots}
                )
            # A sum is finite only when every figure is (NaN and infinity propagate).
            if values and (not math.isfinite(sum(values)) or min(values) < 0):
                raise ForecastError(
                    _("%(day)s has a negative or missing figure.") % {"day": item.day.isoformat()}
                )
    return sorted(history, key=lambda item: item.day)


def _week(day: date) -> int:
    """Weeks since the Monday of 0001-01-01's week: consecutive weeks differ by one."""
    return (day.toordinal() - 1) // 7


def _fill(levels: dict[int, float], weeks: Iterable[int]) -> dict[int, float]:
    """Levels for weeks without ordinary days (a whole week of Spring Festival), taken
    between the nearest weeks that have one."""
    known = sorted(levels)
    filled = dict(levels)
    for week in weeks:
        if week in filled or not known:
            continue
        before = [w for w in known if w < week]
        after = [w for w in known if w > week]
        if before and after:
            a, b = before[-1], after[0]
            share = (week - a) / (b - a)
            filled[week] = levels[a] * (1 - share) + levels[b] * share
        else:
            filled[week] = levels[(before or after)[-1 if before else 0]]
    return filled


class _Model:
    """What the history teaches about one queue, ready to forecast any day."""

    def __init__(
        self,
        history: list[DayHistory],
        typer: _DayTyper,
        slots: int,
        settings: Settings,
    ) -> None:
        self.slots = slots
        self.settings = settings
        self.typer = typer
        keys = {item.day: typer.key(item.day) for item in history}
        totals = {item.day: float(sum(item.offered)) for item in history}
        last_week = _week(history[-1].day)
        recent = [
            item
            for item in history
            if keys[item.day][0] in ORDINARY
            and last_week - _week(item.day) < settings.profile_weeks
        ]
        ordinary = [item for item in history if keys[item.day][0] in ORDINARY]
        if not ordinary:
            # Only special days (a history that is one Spring Festival): taken as they are.
            ordinary = recent = list(history)
        recent_days = {item.day for item in recent}

        # Weekday factors and weekly levels, each from the other, a few rounds.
        factor = dict.fromkeys(range(7), 1.0)
        levels: dict[int, float] = {}
        for _round in range(4):
            by_week: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
            for item in ordinary:
                cell = by_week[_week(item.day)]
                cell[0] += totals[item.day]
                cell[1] += factor[item.day.weekday()]
            # A week whose only ordinary days are quiet ones (the Sunday of a line closed at
            # weekends after a holiday) says too little about its level: it is filled in.
            levels = {
                week: volume / weight
                for week, (volume, weight) in by_week.items()
                if weight >= MIN_WEEK_WEIGHT
            }
            sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
            for item in recent:
                level = levels.get(_week(item.day))
                if level is not None:
                    cell = sums[item.day.weekday()]
                    cell[0] += totals[item.day]
                    cell[1] += level
            raw = {wd: v / w for wd, (v, w) in sums.items() if w > 0}
            if not raw:
                break
            mean = sum(raw.values()) / len(raw)
            factor = {wd: raw.get(wd, mean) / mean if mean > 0 else 1.0 for wd in range(7)}
        self.weekday_factor = factor
        weeks = range(_week(history[0].day), last_week + 1)
        self.levels = _fill(levels, weeks) if levels else {}

        # The level at the last week and the trend, fitted on log levels of whole weeks.
        fitted = [
            (week, self.levels[week])
            for week in weeks
            if week in levels and levels[week] > 0 and last_week - week < settings.trend_weeks
        ]
        self.slope = 0.0
        # Without a recent week of ordinary days, the level last known, carried forward.
        self.base = self.levels.get(last_week, 0.0)
        if len(fitted) >= 3:
            xs = [week - last_week for week, _level in fitted]
            ys = [math.log(level) for _week_, level in fitted]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            sxx = sum((x - mx) ** 2 for x in xs)
            self.slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
            self.base = math.exp(my - self.slope * mx)
        elif fitted:
            self.base = sum(level for _w, level in fitted) / len(fitted)
        self.last_week = last_week

        # Day-type factors: each special day against its own week's level.
        ratios: dict[tuple[DayType, int], list[float]] = defaultdict(list)
        for item in history:
            key = keys[item.day]
            level = self.levels.get(_week(item.day), 0.0)
            if key[0] not in ORDINARY and level > 0:
                ratios[key].append(totals[item.day] / level)
        self.special = {key: sum(values) / len(values) for key, values in ratios.items()}
        by_type: dict[DayType, list[float]] = defaultdict(list)
        for key, values in ratios.items():
            by_type[key[0]] += values
        self.special_type = {kind: sum(v) / len(v) for kind, v in by_type.items()}

        # Intraday shapes and handle times: ordinary days by weekday (recent weeks),
        # special days by type (all the history has).
        self.shape_sums: dict[object, list[float]] = {}
        self.shape_days: dict[object, int] = defaultdict(int)
        self.aht_sums: dict[object, tuple[list[float], list[float]]] = {}
        for item in history:
            kind, sub = keys[item.day]
            if kind in ORDINARY:
                if item.day not in recent_days:
                    continue
                groups: tuple[object, ...] = (("weekday", sub), kind)
            else:
                groups = (kind,)
            for group in groups:
                self._add(group, item)

    def _add(self, group: object, item: DayHistory) -> None:
        shape = self.shape_sums.get(group)
        self.shape_sums[group] = (
            list(map(add, shape, item.offered))
            if shape
            else [float(value) for value in item.offered]
        )
        self.shape_days[group] += 1
        if item.handled and item.handle_seconds:
            found = self.aht_sums.get(group)
            if found is None:
                self.aht_sums[group] = (
                    [float(value) for value in item.handle_seconds],
                    [float(value) for value in item.handled],
                )
            else:
                self.aht_sums[group] = (
                    list(map(add, found[0], item.handle_seconds)),
                    list(map(add, found[1], item.handled)),
                )

    def _shape(self, groups: Sequence[object]) -> tuple[list[float], object]:
        """The first group with days; a weekday's pulled towards its group's."""
        present = [g for g in groups if sum(self.shape_sums.get(g, ())) > 0]
        if not present:
            return [1 / self.slots] * self.slots, None
        first = present[0]
        sums = self.shape_sums[first]
        total = sum(sums)
        shape = [value / total for value in sums]
        if len(present) > 1 and isinstance(first, tuple):
            days, prior = self.shape_days[first], self.settings.shape_prior_days
            other = self.shape_sums[present[1]]
            other_total = sum(other)
            shape = [
                (days * own + prior * value / other_total) / (days + prior)
                for own, value in zip(shape, other, strict=True)
            ]
        return shape, first

    def _aht(self, groups: Sequence[object]) -> list[float | None]:
        for group in groups:
            found = self.aht_sums.get(group)
            if found is None or sum(found[1]) <= 0:
                continue
            seconds, calls = found
            day_aht = sum(seconds) / sum(calls)
            prior = self.settings.aht_prior_calls
            return [
                (s + prior * day_aht) / (c + prior) if c + prior > 0 else day_aht
                for s, c in zip(seconds, calls, strict=True)
            ]
        return [None] * self.slots

    def level(self, day: date) -> float:
        """The projected level (an average day) of the day's week, trend damped."""
        ahead = _week(day) - self.last_week
        if ahead <= 0:
            return self.levels.get(_week(day), self.base)
        phi = self.settings.damping
        steps = ahead if phi == 1 else phi * (1 - phi**ahead) / (1 - phi)
        return self.base * math.exp(self.slope * steps)

    def forecast(self, day: date) -> DayForecast:
        kind, sub = self.typer.key(day)
        weekday = day.weekday()
        ordinary_group = DayType.WEEKEND if weekday >= 5 else DayType.WEEKDAY
        if kind in ORDINARY:
            factor, basis = self.weekday_factor[weekday], kind
            groups: list[object] = [("weekday", weekday), kind]
        else:
            found = self.special.get((kind, sub))
            if found is None:
                found = self.special_type.get(kind)
            if found is not None:
                factor, basis = found, kind
            else:
                # No such day in the history: the nearest kind of ordinary day, said so.
                borrowed = 6 if kind is DayType.HOLIDAY else weekday
                if kind is DayType.MAKEUP:
                    borrowed = 0  # a make-up day starts a working week after a holiday
                factor = self.weekday_factor[borrowed]
                basis = DayType.WEEKEND if borrowed >= 5 else DayType.WEEKDAY
            groups = [kind, ("weekday", weekday), ordinary_group]
            if kind is DayType.HOLIDAY:
                groups = [kind, ("weekday", 6), DayType.WEEKEND]
        total = max(0.0, self.level(day) * factor)
        shape, _group = self._shape(groups)
        return DayForecast(
            day=day,
            day_type=kind,
            calls=tuple(total * share for share in shape),
            aht_seconds=tuple(self._aht(groups)),
            basis=basis,
        )


def forecast_queue(
    history: Sequence[DayHistory],
    *,
    days: Sequence[date],
    calendar: ChinaCalendar,
    interval_minutes: int = 15,
    settings: Settings | None = None,
) -> list[DayForecast]:
    """The forecast of each of `days` for one queue, from its history (the days before;
    a day missing from the history is unknown, not zero). One week of history gives
    weekday shapes without a trend; none raises ForecastError with a message for the user.
    """
    slots = slots_per_day(interval_minutes)
    ordered = _check_history(history, slots)
    if not days:
        return []
    if not ordered or not any(sum(item.offered) > 0 for item in ordered):
        raise ForecastError(_("There is no call history to forecast from."))
    model = _Model(ordered, _DayTyper(calendar), slots, settings or Settings())
    return [model.forecast(day) for day in days]


def seasonal_naive(
    history: Sequence[DayHistory], *, days: Sequence[date], interval_minutes: int = 15
) -> list[DayForecast]:
    """The yardstick: each interval as it was on the same weekday a week before (or the
    latest such week the history has), handle time likewise."""
    slots = slots_per_day(interval_minutes)
    by_day = {item.day: item for item in _check_history(history, slots)}
    if not by_day:
        raise ForecastError(_("There is no call history to forecast from."))
    result = []
    for day in days:
        back = day - timedelta(days=7)
        while back not in by_day and back >= min(by_day):
            back -= timedelta(days=7)
        item = by_day.get(back)
        if item is None:
            calls = (0.0,) * slots
            aht: tuple[float | None, ...] = (None,) * slots
        else:
            calls = tuple(float(value) for value in item.offered)
            aht = tuple(
                s / c if c > 0 else None
                for s, c in zip(
                    item.handle_seconds or [0.0] * slots, item.handled or [0.0] * slots, strict=True
                )
            )
        kind = DayType.WEEKEND if day.weekday() >= 5 else DayType.WEEKDAY
        result.append(DayForecast(day, kind, calls, aht, None))
    return result
