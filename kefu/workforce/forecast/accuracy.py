"""How far a forecast was from what happened: WAPE per day, per interval, week by week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from kefu.workforce.forecast.model import ForecastError

# -- the error of a forecast against what happened ------------------------------------------


def wape(actual: Iterable[float], forecast: Iterable[float]) -> float | None:
    """Weighted absolute percentage error: Σ|actual − forecast| ÷ Σ actual; None when
    nothing happened (no calls to weigh the error by)."""
    error = total = 0.0
    for a, f in zip(actual, forecast, strict=True):
        error += abs(a - f)
        total += a
    return error / total if total > 0 else None


@dataclass(frozen=True)
class DayError:
    day: date
    actual: float
    forecast: float
    #: WAPE of the day's intervals.
    interval_wape: float | None


@dataclass(frozen=True)
class WeekError:
    #: The Monday of the week.
    week: date
    days: int
    actual: float
    forecast: float
    #: WAPE of the week's daily totals.
    day_wape: float | None
    #: WAPE of the week's intervals.
    interval_wape: float | None


@dataclass(frozen=True)
class SlotError:
    #: The interval's index in the day (0 = 00:00).
    slot: int
    actual: float
    forecast: float
    wape: float | None


Days = Mapping[date, Sequence[float]]


def _pairs(actual: Days, forecast: Days) -> list[tuple[date, Sequence[float], Sequence[float]]]:
    """The days both sides have (a forecast day not yet happened is not scored)."""
    pairs = []
    for day in sorted(set(actual) & set(forecast)):
        a, f = actual[day], forecast[day]
        if len(a) != len(f):
            raise ForecastError(
                _("%(day)s has %(count)s intervals; a day of this plan has %(slots)s.")
                % {"day": day.isoformat(), "count": len(a), "slots": len(f)}
            )
        pairs.append((day, a, f))
    return pairs


def daily_errors(actual: Days, forecast: Days) -> list[DayError]:
    """Each day's totals and the WAPE of its intervals."""
    return [
        DayError(day, float(sum(a)), float(sum(f)), wape(a, f))
        for day, a, f in _pairs(actual, forecast)
    ]


def weekly_errors(actual: Days, forecast: Days) -> list[WeekError]:
    """Week by week (Monday first): WAPE of the daily totals and of the intervals."""
    weeks: dict[date, list[tuple[Sequence[float], Sequence[float]]]] = defaultdict(list)
    for day, a, f in _pairs(actual, forecast):
        weeks[day - timedelta(days=day.weekday())].append((a, f))
    result = []
    for monday, pairs in sorted(weeks.items()):
        day_actual = [float(sum(a)) for a, _f in pairs]
        day_forecast = [float(sum(f)) for _a, f in pairs]
        result.append(
            WeekError(
                week=monday,
                days=len(pairs),
                actual=sum(day_actual),
                forecast=sum(day_forecast),
                day_wape=wape(day_actual, day_forecast),
                interval_wape=wape(
                    [value for a, _f in pairs for value in a],
                    [value for _a, f in pairs for value in f],
                ),
            )
        )
    return result


def slot_errors(actual: Days, forecast: Days) -> list[SlotError]:
    """Each interval of the day over the days both sides have: where in the day the
    forecast misses."""
    pairs = _pairs(actual, forecast)
    if not pairs:
        return []
    slots = len(pairs[0][1])
    result = []
    for slot in range(slots):
        a = [values[slot] for _d, values, _f in pairs if len(values) == slots]
        f = [values[slot] for _d, _a, values in pairs if len(values) == slots]
        result.append(SlotError(slot, float(sum(a)), float(sum(f)), wape(a, f)))
    return result
