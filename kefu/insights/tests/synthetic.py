"""A synthetic centre's fault contacts, for the spike detection's tests and its bench: each
(region, reason, step) count is a Poisson draw around a rate made of the region's size,
the reason's share, the hour, the weekday and China's day types, growing 5 % a year; the
Spring Festival has its own ordinary surges (the outage reasons' 除夕 and 初一 evenings,
five times an ordinary evening: lights, heaters and cookers on overloaded transformers).
Incidents are injected on top. The same (region, reason, step) always draws the same count,
so the history is read lazily, as the detection asks for it."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from kefu.insights.spikes import LUNAR_NEW_YEAR, Key, Step, day_class
from kefu.workforce.forecast.calendar import ChinaCalendar, official_calendar

#: The hour's share of a peak step: quiet nights, busy mornings, the evening at home.
_HOURLY = (
    [0.15] * 6
    + [0.4, 0.7, 0.95, 1.0, 1.0, 0.9, 0.8, 0.9, 0.95, 0.9, 0.85, 0.9]
    + [1.1, 1.1, 1.0, 0.8, 0.55, 0.35]
)
SHAPE = [_HOURLY[slot // 4] for slot in range(96)]
SPRING_SURGE = 5.0


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass(frozen=True)
class Injected:
    """An incident: `extra` more fault contacts in each step from `step` on."""

    key: Key
    step: Step
    extra: tuple[int, ...]


@dataclass
class World:
    #: region id → fault contacts of a reason with share 1 in a peak step.
    regions: Mapping[int, float]
    #: reason id → share of the fault contacts.
    reasons: Mapping[int, float]
    #: The reasons that surge on the Spring Festival's evenings (停电).
    outage_reasons: frozenset[int] = frozenset()
    seed: int = 7
    calendar: ChinaCalendar = field(
        default_factory=lambda: official_calendar(date(2023, 1, 1), date(2027, 12, 31))
    )
    injected: list[Injected] = field(default_factory=list)
    #: Days from which each region exists (none: always).
    since: Mapping[int, date] = field(default_factory=dict)

    def day_factor(self, day: date, reason: int, slot: int) -> float:
        kind, sub = day_class(day, self.calendar)
        growth = 1.05 ** ((day - date(2025, 1, 1)).days / 365)
        if kind == "weekend":
            factor = 0.85
        elif kind == "holiday":
            factor = 1.3 if sub else 1.1
        elif kind == "spring":
            factor = 1.4
            if reason in self.outage_reasons and -1 <= sub <= 1 and 68 <= slot < 92:
                factor *= SPRING_SURGE
        else:
            factor = 1.0
        return factor * growth

    def rate(self, key: Key, step: Step) -> float:
        region, reason = key
        day, slot = step
        if region in self.since and day < self.since[region]:
            return 0.0
        return (
            self.regions[region]
            * self.reasons[reason]
            * SHAPE[slot]
            * self.day_factor(day, reason, slot)
        )

    def count(self, key: Key, step: Step) -> int:
        region, reason = key
        day, slot = step
        rng = random.Random(
            ((self.seed * 1_000_003 + region) * 1_000_003 + reason) * 10_000_019
            + day.toordinal() * 97
            + slot
        )
        value = _poisson(rng, self.rate(key, step))
        for incident in self.injected:
            if incident.key == key:
                offset = _steps_between(incident.step, step)
                if 0 <= offset < len(incident.extra):
                    value += incident.extra[offset]
        return value

    def keys(self) -> list[Key]:
        return [(region, reason) for region in self.regions for reason in self.reasons]

    def history(self) -> LazyHistory:
        return LazyHistory(self)


def _steps_between(first: Step, second: Step) -> int:
    return (second[0] - first[0]).days * 96 + second[1] - first[1]


class _Series(Mapping[Step, int]):
    def __init__(self, world: World, key: Key) -> None:
        self.world, self.key = world, key

    def __getitem__(self, step: Step) -> int:
        return self.world.count(self.key, step)

    def __iter__(self) -> Iterator[Step]:
        raise NotImplementedError  # infinite: read by step

    def __len__(self) -> int:
        return 1


class LazyHistory(Mapping[Key, Mapping[Step, int]]):
    """Every key's counts, drawn as the detection reads them."""

    def __init__(self, world: World) -> None:
        self.world = world

    def __getitem__(self, key: Key) -> Mapping[Step, int]:
        return _Series(self.world, key)

    def __iter__(self) -> Iterator[Key]:
        return iter(self.world.keys())

    def __len__(self) -> int:
        return len(self.world.keys())


def steps(first: date, last: date) -> Iterator[Step]:
    day = first
    while day <= last:
        for slot in range(96):
            yield day, slot
        day += timedelta(days=1)


__all__ = ["LUNAR_NEW_YEAR", "SHAPE", "Injected", "LazyHistory", "World", "steps"]
