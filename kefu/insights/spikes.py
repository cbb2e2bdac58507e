"""Fault spikes (issue 21 point 1; seeds 000 第8篇 "大面积故障的即时反馈"): is the count of
fault contacts and orders of one region and call reason in a 15-minute step far above what
such a step usually sees? Pure Python: plain data in and out, no ORM.

The method, meant to be read by the leaders who set the thresholds:

1. A *step* is a local quarter of an hour (slot 0 = 00:00-00:15, … slot 95 = 23:45-24:00).
2. The step's *comparable days* depend on China's day types (the national calendar with
   the State Council's notices, `kefu.workforce.forecast.calendar`):
   - the Spring Festival period (7 days before 正月初一 to 元宵, 15 days after) is compared
     with the same lunar day of the past two Spring Festivals (one is enough): the
     festival's own surges (除夕 evening, the cold nights) are its ordinary;
   - another holiday's days off with the past days off of the same kind of holiday
     (National Day with National Day, the short holidays with each other) of the last
     400 days, the latest twelve;
   - a make-up working day (调休上班) with the latest eight make-up days of the last 400;
   - an ordinary day with the same weekday's ordinary days of the last twelve weeks, the
     latest eight.
   With fewer than `MIN_DAYS` such days (a centre in its first year has no past Spring
   Festival), the step falls back to the ordinary days of its weekday, and says so.
3. The *samples* are the comparable days' counts at the same slot and the slot either side
   (a 45-minute window: three times the samples, and a fault at 10:14 or 10:16 alike).
   The *baseline* is their median, the *spread* 1.4826 × their median absolute deviation
   (robust: last year's real incident on the same day does not lift this year's baseline).
4. A step is a spike when its count is at least the rule's minimum count, at least the
   rule's ratio times the baseline's upper end (the baseline plus `UNCERTAINTY` standard
   errors √(baseline / samples): six samples of a Spring Festival say less than
   twenty-four of ordinary Wednesdays), and at least the baseline plus `SPREAD_FACTOR`
   spreads (slots whose comparable days vary a lot need more before they alarm). The rule is the
   most specific active spike rule: one for the region (or a region above it) and the
   reason (or the business type above it) before one for the reason alone, before one for
   the region alone, before the centre's default.
5. A region without history (fewer than `MIN_DAYS` comparable days since its first contact,
   or all its samples zero for that reason: a region just added to the centre) borrows the
   baseline of the busiest region: the highest baseline of the other regions with history
   for that reason and step. A newcomer then opens an incident only above what the
   busiest known region would need, so its ordinary calls raise no false alarm while a
   mass fault in it is still found. With no region to borrow from (a new centre), the
   minimum count alone decides.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import median

from kefu.workforce.forecast.calendar import ChinaCalendar

__all__ = [
    "DEFAULT_RULE",
    "LUNAR_NEW_YEAR",
    "MIN_DAYS",
    "SLOTS",
    "SPREAD_FACTOR",
    "STEP",
    "Basis",
    "Key",
    "Rule",
    "Step",
    "Verdict",
    "comparable_days",
    "day_class",
    "detect_step",
    "judge",
    "rule_for",
    "sample_steps",
    "step_of",
    "step_start",
]

STEP = timedelta(minutes=15)
SLOTS = 96
#: Comparable days below which a step falls back to its weekday's ordinary days.
MIN_DAYS = 3
#: How many spreads above the baseline a spike must also be.
SPREAD_FACTOR = 3.0
#: Standard errors above the baseline the ratio applies to (see `_verdict`).
UNCERTAINTY = 2.0
#: 1.4826 × MAD estimates the standard deviation of normally distributed counts.
MAD_SCALE = 1.4826

#: 正月初一 of each year: the lunar calendar is not in chinese-calendar. A year missing here
#: takes the day after the first of its 春节 days off (the days off start on 除夕 or the day
#: before).
LUNAR_NEW_YEAR: Mapping[int, date] = {
    year: date(year, month, day)
    for year, month, day in (
        (2015, 2, 19),
        (2016, 2, 8),
        (2017, 1, 28),
        (2018, 2, 16),
        (2019, 2, 5),
        (2020, 1, 25),
        (2021, 2, 12),
        (2022, 2, 1),
        (2023, 1, 22),
        (2024, 2, 10),
        (2025, 1, 29),
        (2026, 2, 17),
        (2027, 2, 6),
        (2028, 1, 26),
        (2029, 2, 13),
        (2030, 2, 3),
        (2031, 1, 23),
        (2032, 2, 11),
        (2033, 1, 31),
        (2034, 2, 19),
        (2035, 2, 8),
    )
}
#: The Spring Festival period around 正月初一: 春运 homecoming to 元宵节.
SPRING_BEFORE, SPRING_AFTER = 7, 15
SPRING_NAMES = frozenset({"Spring Festival", "春节"})
NATIONAL_NAMES = frozenset({"National Day", "国庆节", "国庆"})
ORDINARY_WEEKS = 12
ORDINARY_EXAMPLES = 8
SPECIAL_LOOKBACK = 400
HOLIDAY_EXAMPLES = 12
MAKEUP_EXAMPLES = 8
SPRING_YEARS = 2

#: (region id, reason id).
Key = tuple[int, int]
#: (local day, slot).
Step = tuple[date, int]


class Basis(StrEnum):
    OWN = "own"  # the region's own comparable days
    FALLBACK = "fallback"  # too few comparable days: its weekday's ordinary days
    BORROWED = "borrowed"  # no history: a typical region's baseline
    NONE = "none"  # nothing to compare with: the minimum count alone


@dataclass(frozen=True)
class Rule:
    region_id: int | None
    reason_id: int | None
    min_count: int
    ratio: float


#: The centre's default when it has set no rule (the model's defaults).
DEFAULT_RULE = Rule(None, None, 20, 3.0)


@dataclass(frozen=True)
class Verdict:
    key: Key
    step: Step
    count: int
    baseline: float | None
    spread: float
    threshold: float
    basis: Basis
    rule: Rule
    spike: bool


def step_of(moment: datetime, zone: object = None) -> Step:
    """The local step of an aware `moment` (in `zone`, a tzinfo, when given)."""
    local = moment.astimezone(zone) if zone is not None else moment  # type: ignore[arg-type]
    return local.date(), (local.hour * 60 + local.minute) // 15


def step_start(step: Step, zone: object) -> datetime:
    day, slot = step
    return datetime(
        day.year,
        day.month,
        day.day,
        slot // 4,
        (slot % 4) * 15,
        tzinfo=zone,  # type: ignore[arg-type]
    )


def _lunar_new_year(year: int, calendar: ChinaCalendar) -> date | None:
    known = LUNAR_NEW_YEAR.get(year)
    if known is not None:
        return known
    off = sorted(
        day for day, name in calendar.holidays.items() if day.year == year and name in SPRING_NAMES
    )
    return off[0] + timedelta(days=1) if off else None


def _spring_offset(day: date, calendar: ChinaCalendar) -> int | None:
    """Days from 正月初一 when `day` is in the Spring Festival period, else None."""
    # 初一 falls between 21 January and 20 February: its period never crosses a year.
    first = _lunar_new_year(day.year, calendar)
    if first is not None and -SPRING_BEFORE <= (day - first).days <= SPRING_AFTER:
        return (day - first).days
    return None


def day_class(day: date, calendar: ChinaCalendar) -> tuple[str, int]:
    """The kind of day a step is compared by: ("spring", days from 初一), ("holiday", 1 for
    National Day, 0 for a short holiday), ("makeup", 0), ("weekday"|"weekend", weekday)."""
    offset = _spring_offset(day, calendar)
    if offset is not None:
        return "spring", offset
    name = calendar.holidays.get(day)
    if name is not None:
        return "holiday", int(name in NATIONAL_NAMES)
    if day in calendar.workdays:
        return "makeup", 0
    weekday = day.weekday()
    return ("weekend" if weekday >= 5 else "weekday"), weekday


def _ordinary(day: date, calendar: ChinaCalendar, history_first: date) -> list[date]:
    found: list[date] = []
    for week in range(1, ORDINARY_WEEKS + 1):
        other = day - timedelta(weeks=week)
        if other < history_first or len(found) >= ORDINARY_EXAMPLES:
            break
        if day_class(other, calendar)[0] in {"weekday", "weekend"}:
            found.append(other)
    return found


def comparable_days(
    day: date, calendar: ChinaCalendar, history_first: date
) -> tuple[list[date], Basis]:
    """The past days a step of `day` is compared with (none before `history_first`), and
    whether they are of its own kind or the fallback to its weekday's ordinary days."""
    kind, sub = day_class(day, calendar)
    found: list[date] = []
    if kind == "spring":
        for back in range(1, SPRING_YEARS + 1):
            first = _lunar_new_year(day.year - back, calendar)
            if first is None:
                continue
            other = first + timedelta(days=sub)
            if history_first <= other < day:
                found.append(other)
        # One past festival is enough: no ordinary day knows the festival's surges.
        if found:
            return found, Basis.OWN
    elif kind in {"holiday", "makeup"}:
        limit = HOLIDAY_EXAMPLES if kind == "holiday" else MAKEUP_EXAMPLES
        for back in range(1, SPECIAL_LOOKBACK + 1):
            other = day - timedelta(days=back)
            if other < history_first or len(found) >= limit:
                break
            if day_class(other, calendar) == (kind, sub):
                found.append(other)
    else:
        return _ordinary(day, calendar, history_first), Basis.OWN
    if len(found) >= MIN_DAYS:
        return found, Basis.OWN
    return _ordinary(day, calendar, history_first), Basis.FALLBACK


def sample_steps(days: Iterable[date], slot: int) -> list[Step]:
    """The steps whose counts are the samples: each day's slot and the slot either side
    (within the day)."""
    return [
        (day, other) for day in days for other in (slot - 1, slot, slot + 1) if 0 <= other < SLOTS
    ]


def judge(
    count: int, samples: Sequence[int], rule: Rule
) -> tuple[float | None, float, float, bool]:
    """(baseline, spread, threshold, spike) of a count against its samples under a rule;
    no samples: no baseline, and the minimum count alone decides."""
    if not samples:
        return None, 0.0, float(rule.min_count), count >= rule.min_count
    centre = float(median(samples))
    spread = MAD_SCALE * float(median(abs(value - centre) for value in samples))
    return _verdict(count, centre, spread, rule, len(samples))


def _verdict(
    count: int, centre: float, spread: float, rule: Rule, n: int
) -> tuple[float, float, float, bool]:
    # The ratio applies to the baseline's upper end given how few samples it rests on:
    # counts are Poisson, so the baseline of n samples is uncertain by √(baseline / n).
    upper = centre + UNCERTAINTY * math.sqrt(centre / n)
    threshold = max(float(rule.min_count), rule.ratio * upper, centre + SPREAD_FACTOR * spread)
    return centre, spread, threshold, count >= threshold


def rule_for(rules: Iterable[Rule], regions: Sequence[int], reasons: Sequence[int]) -> Rule:
    """The most specific rule for a region (with the regions above it, nearest first) and a
    reason (with the business type above it): a rule naming both, then the reason alone,
    then the region alone, then the default (a rule naming neither); nearer before farther.
    Without any, the centre's default."""
    best: tuple[tuple[int, int, int], Rule] | None = None
    for rule in rules:
        if rule.region_id is not None and rule.region_id not in regions:
            continue
        if rule.reason_id is not None and rule.reason_id not in reasons:
            continue
        scope = 2 * (rule.reason_id is None) + (rule.region_id is None)
        rank = (
            scope,
            reasons.index(rule.reason_id) if rule.reason_id is not None else 0,
            regions.index(rule.region_id) if rule.region_id is not None else 0,
        )
        if best is None or rank < best[0]:
            best = (rank, rule)
    return best[1] if best else DEFAULT_RULE


def _samples(series: Mapping[Step, int] | None, steps: Sequence[Step]) -> list[int]:
    if not series:
        return [0] * len(steps)
    return [series.get(step, 0) for step in steps]


def detect_step(
    *,
    step: Step,
    counts: Mapping[Key, int],
    history: Mapping[Key, Mapping[Step, int]],
    calendar: ChinaCalendar,
    history_first: date,
    rules: Sequence[Rule] = (),
    region_chain: Mapping[int, Sequence[int]] | None = None,
    reason_chain: Mapping[int, Sequence[int]] | None = None,
    open_keys: Iterable[Key] = (),
    comparable: tuple[list[date], Basis] | None = None,
    first_seen: Mapping[int, date] | None = None,
) -> list[Verdict]:
    """The verdicts of the step's counts that could be spikes (at least their rule's
    minimum count) and have no open incident; `history` holds the counts of past steps
    (missing = zero) of those keys and, for borrowing, of the other regions with the same
    reasons. `region_chain`/`reason_chain` give each id with those above it; `comparable`
    is the day's `comparable_days` when the caller has it already; `first_seen` the day
    each region's first contact came in (its days before are not quiet days, they are no
    history)."""
    region_chain = region_chain or {}
    reason_chain = reason_chain or {}
    skip = set(open_keys)
    steps: list[Step] | None = None
    basis, need = Basis.OWN, MIN_DAYS
    verdicts: list[Verdict] = []
    peer_cache: dict[int, float | None] = {}
    for key, count in counts.items():
        if key in skip:
            continue
        region_id, reason_id = key
        rule = rule_for(
            rules,
            region_chain.get(region_id, (region_id,)),
            reason_chain.get(reason_id, (reason_id,)),
        )
        if count < rule.min_count:
            continue
        if steps is None:
            days, basis = comparable or comparable_days(step[0], calendar, history_first)
            steps = sample_steps(days, step[1])
            need = min(MIN_DAYS, len(days))
        own = steps
        since = (first_seen or {}).get(region_id)
        if since is not None:
            own = [past for past in steps if past[0] >= since]
        samples = _samples(history.get(key), own)
        if own and len({past[0] for past in own}) >= need and any(samples):
            baseline, spread, threshold, spike = judge(count, samples, rule)
            verdicts.append(
                Verdict(key, step, count, baseline, spread, threshold, basis, rule, spike)
            )
            continue
        if reason_id not in peer_cache:
            peer_cache[reason_id] = _busiest(history, key, steps)
        typical = peer_cache[reason_id]
        if typical is None:
            baseline, spread, threshold, spike = judge(count, [], rule)
            verdicts.append(
                Verdict(key, step, count, None, 0.0, threshold, Basis.NONE, rule, spike)
            )
        else:
            baseline, spread, threshold, spike = _verdict(count, typical, 0.0, rule, len(steps))
            verdicts.append(
                Verdict(key, step, count, baseline, spread, threshold, Basis.BORROWED, rule, spike)
            )
    return verdicts


def _busiest(
    history: Mapping[Key, Mapping[Step, int]], key: Key, steps: Sequence[Step]
) -> float | None:
    """The highest baseline of the other regions with history for the reason at these
    steps: a region that has none opens an incident only above what the busiest region
    known sees (no false alarm for a busy newcomer, a real mass fault still found)."""
    baselines = []
    for other, series in history.items():
        if other[1] != key[1] or other == key:
            continue
        samples = _samples(series, steps)
        if any(samples):
            baselines.append(float(median(samples)))
    return max(baselines) if baselines else None
