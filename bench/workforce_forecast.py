"""Forecast benchmark: the workforce forecast's error against a seasonal-naive forecast,
and its speed.

A believable hotline history is generated, deterministically (a fixed seed): six queues
from 60 to 12,000 calls a day over 29 weeks (2025-08-25 to 2026-03-15), so National Day
2025, New Year's Day and the Spring Festival 2026 with their make-up working days are in
it, with each queue's weekly and intraday shape, its trend, the days before and after the
festivals, a few unforeseeable busy days (a storm on the fault line), Poisson noise per
interval and day-to-day noise; handle times per interval likewise.

The last six weeks (2026-02-02 to 2026-03-15, the Spring Festival among them) are held
out. Each is forecast a week ahead from the weeks before it, as a planner would, by
`kefu.workforce.forecast` and by the seasonal-naive forecast (each interval as it was a
week before); both are scored by WAPE per interval and per day, week by week. The
forecast must beat seasonal-naive. Then the time to forecast 50 queues × 96 intervals ×
7 days from 16 weeks of history. Prints one JSON report.

    python bench/workforce_forecast.py
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The forecast is pure: no Django settings or database are needed to run it.
from harness import cpu_probe_ms

from kefu.workforce.forecast import (
    ChinaCalendar,
    DayForecast,
    DayHistory,
    daily_errors,
    forecast_queue,
    official_calendar,
    seasonal_naive,
    wape,
    weekly_errors,
)

SEED = 20260206
FIRST = dt.date(2025, 8, 25)
LAST = dt.date(2026, 3, 15)
HELD_OUT_WEEKS = 6
SLOTS = 96


@dataclass(frozen=True)
class QueueSpec:
    name: str
    calls_per_day: float
    # Monday … Sunday, relative to the week's average day.
    week_shape: tuple[float, ...]
    growth_per_week: float
    aht_seconds: float
    # The queue's own response to holidays (a business line goes quiet).
    holiday_factor: float
    storms: bool = False


QUEUES = (
    QueueSpec("95598-居民", 12000, (1.16, 1.06, 1.02, 1.0, 1.02, 0.9, 0.84), 0.004, 260, 0.5),
    QueueSpec("故障报修", 6000, (1.08, 1.02, 1.0, 1.0, 1.02, 0.96, 0.92), 0.0, 210, 0.7, True),
    QueueSpec("电费查询", 3000, (1.2, 1.1, 1.05, 1.02, 1.0, 0.85, 0.78), -0.004, 190, 0.45),
    QueueSpec("投诉专席", 800, (1.15, 1.1, 1.05, 1.0, 1.0, 0.88, 0.82), 0.008, 420, 0.55),
    QueueSpec("企业客户", 400, (1.3, 1.25, 1.2, 1.2, 1.15, 0.5, 0.4), 0.002, 330, 0.25),
    QueueSpec("英文服务", 60, (1.05, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95), 0.0, 300, 0.8),
)

# Hour → relative calls, interpolated to 15 minutes: the morning and afternoon peaks of a
# weekday, a later and flatter weekend, a flatter and later holiday still.
WEEKDAY_HOURS = (
    0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.4, 0.95, 1.35, 1.4, 1.2,
    0.8, 0.95, 1.25, 1.3, 1.15, 0.95, 0.75, 0.7, 0.6, 0.45, 0.3, 0.2,
)  # fmt: skip
WEEKEND_HOURS = (
    0.2, 0.1, 0.06, 0.05, 0.05, 0.06, 0.12, 0.3, 0.6, 0.95, 1.15, 1.1,
    0.9, 0.95, 1.05, 1.1, 1.0, 0.9, 0.8, 0.75, 0.65, 0.5, 0.35, 0.25,
)  # fmt: skip
HOLIDAY_HOURS = (
    0.3, 0.15, 0.08, 0.06, 0.06, 0.06, 0.1, 0.2, 0.45, 0.75, 0.95, 1.0,
    0.9, 0.9, 1.0, 1.0, 0.95, 0.9, 0.85, 0.85, 0.8, 0.7, 0.5, 0.35,
)  # fmt: skip
# Handle time through the day: longer at night, when the calls are the hard ones.
AHT_HOURS = (
    1.15, 1.2, 1.2, 1.2, 1.15, 1.1, 1.05, 1.0, 0.97, 0.95, 0.95, 0.97,
    1.0, 1.0, 0.96, 0.95, 0.96, 0.98, 1.0, 1.02, 1.04, 1.06, 1.1, 1.12,
)  # fmt: skip

# The true effect of each kind of special day, relative to the week's average day.
FESTIVAL_HOLIDAY = {"Spring Festival": 0.42, "National Day": 0.55}
SHORT_HOLIDAY = 0.65
BEFORE = {1: 1.22, 2: 1.14, 3: 1.07}
AFTER = {1: 1.5, 2: 1.3, 3: 1.15}
MAKEUP = 1.06


def shape(hours: Sequence[float], slots: int = SLOTS) -> list[float]:
    per_hour = slots // 24
    values = []
    for slot in range(slots):
        at = (slot + 0.5) / per_hour - 0.5
        low = math.floor(at)
        share = at - low
        values.append(hours[low % 24] * (1 - share) + hours[(low + 1) % 24] * share)
    total = sum(values)
    return [value / total for value in values]


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def festival_edges(calendar: ChinaCalendar) -> dict[dt.date, tuple[str, int]]:
    """The true 节前/节后 days, worked out apart from the forecast's own code."""
    edges: dict[dt.date, tuple[str, int]] = {}
    for name in FESTIVAL_HOLIDAY:
        days = sorted(day for day, label in calendar.holidays.items() if label == name)
        runs: list[list[dt.date]] = []
        for day in days:
            if runs and (day - runs[-1][-1]).days == 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        for run in runs:
            for offset in (1, 2, 3):
                edges.setdefault(run[0] - dt.timedelta(days=offset), ("before", offset))
                edges.setdefault(run[-1] + dt.timedelta(days=offset), ("after", offset))
    return edges


def generate(
    spec: QueueSpec,
    calendar: ChinaCalendar,
    first: dt.date,
    last: dt.date,
    rng: random.Random,
    slots: int = SLOTS,
) -> list[DayHistory]:
    edges = festival_edges(calendar)
    shapes = {
        "weekday": shape(WEEKDAY_HOURS, slots),
        "weekend": shape(WEEKEND_HOURS, slots),
        "holiday": shape(HOLIDAY_HOURS, slots),
    }
    aht_shape = [value * slots for value in shape(AHT_HOURS, slots)]
    week_mean = sum(spec.week_shape) / 7
    history = []
    day = first
    while day <= last:
        weeks = (day - first).days / 7
        level = spec.calls_per_day * (1 + spec.growth_per_week) ** weeks
        holiday = calendar.holidays.get(day)
        edge = edges.get(day)
        aht_factor = 1.0
        if holiday is not None:
            effect = FESTIVAL_HOLIDAY.get(holiday, SHORT_HOLIDAY) * spec.holiday_factor / 0.5
            curve, aht_factor = shapes["holiday"], 1.06
        elif edge is not None:
            effect = (BEFORE if edge[0] == "before" else AFTER)[edge[1]]
            curve, aht_factor = shapes["weekday"], 1.08 if edge[0] == "after" else 1.0
        elif day in calendar.workdays:
            effect, curve = MAKEUP, shapes["weekday"]
        else:
            effect = spec.week_shape[day.weekday()] / week_mean
            curve = shapes["weekend" if day.weekday() >= 5 else "weekday"]
        noise = math.exp(rng.gauss(0, 0.05))
        if spec.storms and rng.random() < 0.02:
            noise *= rng.uniform(1.3, 1.8)
        total = level * effect * noise
        aht = spec.aht_seconds * (1 - 0.002) ** weeks * aht_factor
        offered, handled, seconds = [], [], []
        for slot in range(slots):
            calls = poisson(rng, total * curve[slot])
            done = (
                sum(1 for _ in range(calls) if rng.random() < 0.93)
                if calls < 50
                else (round(calls * rng.uniform(0.9, 0.96)))
            )
            mean = aht * aht_shape[slot]
            spent = done * mean + rng.gauss(0, 0.6 * mean * math.sqrt(done)) if done else 0.0
            offered.append(float(calls))
            handled.append(float(done))
            seconds.append(max(0.0, spent))
        history.append(DayHistory(day, tuple(offered), tuple(handled), tuple(seconds)))
        day += dt.timedelta(days=1)
    return history


def aggregate(history: list[DayHistory], factor: int) -> list[DayHistory]:
    """The same history on intervals `factor` times longer (15 → 30 minutes)."""

    def pairs(values: Sequence[float]) -> tuple[float, ...]:
        return tuple(sum(values[i : i + factor]) for i in range(0, len(values), factor))

    return [
        DayHistory(item.day, pairs(item.offered), pairs(item.handled), pairs(item.handle_seconds))
        for item in history
    ]


def aht_pairs(
    actual: list[DayHistory], forecast: list[DayForecast]
) -> tuple[list[float], list[float]]:
    """Handle seconds that happened and that the forecast handle time gives for the calls
    handled, per interval: their WAPE is the handle time's error weighted by calls."""
    by_day = {item.day: item for item in forecast}
    happened, predicted = [], []
    for item in actual:
        day = by_day.get(item.day)
        if day is None:
            continue
        for calls, seconds, aht in zip(
            item.handled, item.handle_seconds, day.aht_seconds, strict=True
        ):
            if calls > 0 and aht is not None:
                happened.append(seconds)
                predicted.append(aht * calls)
    return happened, predicted


Method = Callable[[list[DayHistory], list[dt.date]], list[DayForecast]]


def pooled(parts: list[tuple[float | None, float]]) -> float:
    """WAPEs of several queues as one: each weighted by its actual calls."""
    total = sum(actual for _wape, actual in parts)
    return round(sum((w or 0.0) * actual for w, actual in parts) / total, 4)


def backtest(
    histories: dict[str, list[DayHistory]],
    calendar: ChinaCalendar,
    interval_minutes: int,
) -> dict[str, Any]:
    """Each held-out week forecast from the weeks before it, by both methods, scored per
    queue by the forecast module's own error functions and pooled over the queues."""
    cut = LAST - dt.timedelta(days=7 * HELD_OUT_WEEKS - 1)
    methods: dict[str, Method] = {
        "forecast": lambda past, days: forecast_queue(
            past, days=days, calendar=calendar, interval_minutes=interval_minutes
        ),
        "seasonal_naive": lambda past, days: seasonal_naive(
            past, days=days, interval_minutes=interval_minutes
        ),
    }
    report: dict[str, Any] = {}
    for name, method in methods.items():
        intervals: list[tuple[float | None, float]] = []
        days_: list[tuple[float | None, float]] = []
        weeks: dict[dt.date, list[tuple[float | None, float]]] = {}
        weeks_days: dict[dt.date, list[tuple[float | None, float]]] = {}
        handle: tuple[list[float], list[float]] = ([], [])
        for history in histories.values():
            actual = {item.day: item.offered for item in history if item.day >= cut}
            predicted: dict[dt.date, Sequence[float]] = {}
            for week in range(HELD_OUT_WEEKS):
                start = cut + dt.timedelta(days=7 * week)
                days = [start + dt.timedelta(days=n) for n in range(7)]
                result = method([item for item in history if item.day < start], days)
                predicted.update((item.day, item.calls) for item in result)
                truth = [item for item in history if start <= item.day <= days[-1]]
                happened, expected = aht_pairs(truth, result)
                handle[0].extend(happened)
                handle[1].extend(expected)
            for error in weekly_errors(actual, predicted):
                weeks.setdefault(error.week, []).append((error.interval_wape, error.actual))
                weeks_days.setdefault(error.week, []).append((error.day_wape, error.actual))
                intervals.append((error.interval_wape, error.actual))
            daily = daily_errors(actual, predicted)
            days_.append(
                (
                    wape([d.actual for d in daily], [d.forecast for d in daily]),
                    sum(d.actual for d in daily),
                )
            )
        report[name] = {
            "interval_wape": pooled(intervals),
            "day_wape": pooled(days_),
            "aht_wape": round(wape(*handle) or 0.0, 4),
            "weeks": [
                {
                    "week": week.isoformat(),
                    "day_wape": pooled(weeks_days[week]),
                    "interval_wape": pooled(parts),
                }
                for week, parts in sorted(weeks.items())
            ],
        }
    return report


def timing(calendar: ChinaCalendar, rng: random.Random) -> dict[str, Any]:
    """50 queues × 96 intervals × 7 days from 16 weeks of history."""
    start = dt.date(2026, 3, 2)
    first = start - dt.timedelta(weeks=16)
    histories = []
    for number in range(50):
        spec = QUEUES[number % len(QUEUES)]
        histories.append(generate(spec, calendar, first, start - dt.timedelta(days=1), rng))
    days = [start + dt.timedelta(days=n) for n in range(7)]
    runs, cpu = [], []
    for _round in range(5):
        began, began_cpu = time.perf_counter(), time.process_time()
        for history in histories:
            forecast_queue(history, days=days, calendar=calendar, interval_minutes=15)
        runs.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    runs.sort()
    return {
        "queues": 50,
        "intervals": 96,
        "days": 7,
        "history_weeks": 16,
        "seconds_p50": round(statistics.median(runs), 3),
        "seconds_max": round(runs[-1], 3),
        # The processor time alone: on a shared machine the wall time waits for others.
        "cpu_seconds_p50": round(statistics.median(cpu), 3),
    }


def main() -> None:
    rng = random.Random(SEED)
    calendar = official_calendar(FIRST - dt.timedelta(days=7), LAST + dt.timedelta(days=7))
    histories = {spec.name: generate(spec, calendar, FIRST, LAST, rng) for spec in QUEUES}
    report: dict[str, Any] = {
        "cpu_probe_ms": cpu_probe_ms(),
        "history": {
            "queues": len(QUEUES),
            "first": FIRST.isoformat(),
            "last": LAST.isoformat(),
            "weeks": ((LAST - FIRST).days + 1) // 7,
            "held_out_weeks": HELD_OUT_WEEKS,
            "calls": round(sum(sum(i.offered) for h in histories.values() for i in h)),
        },
        "interval_15": backtest(histories, calendar, 15),
        "interval_30": backtest(
            {name: aggregate(history, 2) for name, history in histories.items()}, calendar, 30
        ),
        "timing": timing(calendar, rng),
    }
    for interval in ("interval_15", "interval_30"):
        figures = report[interval]
        figures["beats_seasonal_naive"] = (
            figures["forecast"]["interval_wape"] < figures["seasonal_naive"]["interval_wape"]
            and figures["forecast"]["day_wape"] < figures["seasonal_naive"]["day_wape"]
        )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
