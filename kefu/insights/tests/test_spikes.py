"""The spike detection on synthetic months (issue 21 point 1, "found, once, at the right
time, not on ordinary days and not on Spring Festival's ordinary surges"; seeds 000 第8篇
大面积故障的即时反馈). Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest

from kefu.insights.spikes import (
    DEFAULT_RULE,
    Basis,
    Key,
    Rule,
    Step,
    Verdict,
    comparable_days,
    day_class,
    detect_step,
    judge,
    rule_for,
    sample_steps,
)
from kefu.insights.tests.synthetic import Injected, World, steps

OUTAGE, VOLTAGE = 10, 11
HISTORY_FIRST = date(2024, 1, 1)


def world(**kwargs: object) -> World:
    # A big district, a middling one and a rural county; 停电 the main fault reason.
    return World(
        regions={1: 14.0, 2: 6.0, 3: 2.0},
        reasons={OUTAGE: 1.0, VOLTAGE: 0.3},
        outage_reasons=frozenset({OUTAGE}),
        **kwargs,  # type: ignore[arg-type]
    )


def run(
    w: World,
    first: date,
    last: date,
    *,
    history_first: date = HISTORY_FIRST,
    hold: int = 8,
    first_seen: dict[int, date] | None = None,
) -> list[Verdict]:
    """Every step from `first` to `last` as the detection sees it: an incident found keeps
    its key open for `hold` steps (later steps raise its count, they open nothing)."""
    history = w.history()
    spikes: list[Verdict] = []
    open_until: dict[Key, int] = {}
    cache: dict[date, object] = {}
    for index, step in enumerate(steps(first, last)):
        if step[0] not in cache:
            cache[step[0]] = comparable_days(step[0], w.calendar, history_first)
        counts = {key: w.count(key, step) for key in w.keys()}  # noqa: SIM118
        verdicts = detect_step(
            step=step,
            counts=counts,
            history=history,
            calendar=w.calendar,
            history_first=history_first,
            open_keys=[key for key, until in open_until.items() if index < until],
            comparable=cache[step[0]],  # type: ignore[arg-type]
            first_seen=first_seen,
        )
        for verdict in verdicts:
            if verdict.spike:
                spikes.append(verdict)
                open_until[verdict.key] = index + hold
    return spikes


def found(spikes: Iterable[Verdict]) -> list[tuple[Key, Step]]:
    return [(v.key, v.step) for v in spikes]


def test_day_classes_know_china_s_calendar() -> None:
    w = world()
    assert day_class(date(2026, 2, 16), w.calendar) == ("spring", -1)  # 除夕
    assert day_class(date(2026, 2, 14), w.calendar) == ("spring", -3)  # a make-up day inside
    assert day_class(date(2026, 10, 2), w.calendar) == ("holiday", 1)  # National Day
    assert day_class(date(2026, 1, 2), w.calendar) == ("holiday", 0)  # New Year's Day
    assert day_class(date(2026, 1, 4), w.calendar) == ("makeup", 0)  # worked Sunday
    assert day_class(date(2026, 3, 11), w.calendar) == ("weekday", 2)
    assert day_class(date(2026, 3, 14), w.calendar) == ("weekend", 5)


def test_comparable_days() -> None:
    w = world()
    ordinary, basis = comparable_days(date(2026, 3, 11), w.calendar, HISTORY_FIRST)
    assert basis == Basis.OWN and len(ordinary) == 8
    assert all(
        day.weekday() == 2 and day_class(day, w.calendar)[0] == "weekday" for day in ordinary
    )
    # 除夕 2026 with 除夕 of 2025 and 2024.
    eve, basis = comparable_days(date(2026, 2, 16), w.calendar, HISTORY_FIRST)
    assert basis == Basis.OWN
    assert sorted(eve) == [date(2024, 2, 9), date(2025, 1, 28)]
    # A holiday with past holidays of its kind.
    national, basis = comparable_days(date(2026, 10, 3), w.calendar, HISTORY_FIRST)
    assert basis == Basis.OWN and {day.month for day in national} == {10}
    # No past Spring Festival in the history: the weekday's ordinary days, said so.
    young, basis = comparable_days(date(2026, 2, 16), w.calendar, date(2025, 6, 1))
    assert basis == Basis.FALLBACK and all(day.weekday() == 0 for day in young)
    assert sample_steps([date(2026, 3, 4)], 0) == [(date(2026, 3, 4), 0), (date(2026, 3, 4), 1)]


def test_judge_is_robust_and_needs_every_condition() -> None:
    rule = Rule(None, None, 20, 3.0)
    # One past incident among the samples does not lift the baseline.
    baseline, _spread, threshold, spike = judge(30, [5, 6, 5, 4, 90, 5, 6, 5, 4], rule)
    assert baseline == 5 and spike and threshold == 20
    assert not judge(19, [1, 1, 1], rule)[3]  # under the minimum count
    assert not judge(25, [10, 9, 11, 10], rule)[3]  # under three times the baseline
    # Slots whose comparable days vary a lot need the baseline plus three spreads.
    baseline, _spread, threshold, spike = judge(35, [2, 10, 18, 10, 2, 18], rule)
    assert baseline == 10 and threshold == pytest.approx(10 + 3 * 1.4826 * 8) and not spike
    assert judge(25, [], rule) == (None, 0.0, 20.0, True)


def test_the_most_specific_rule_wins() -> None:
    district, city = 101, 100
    outage, fault = 10, 1
    both = Rule(district, outage, 40, 2.0)
    reason = Rule(None, outage, 30, 3.0)
    business = Rule(None, fault, 25, 3.0)
    region = Rule(city, None, 15, 4.0)
    default = Rule(None, None, 10, 5.0)
    rules = [default, region, business, reason, both]
    assert rule_for(rules, [district, city], [outage, fault]) is both
    assert rule_for(rules, [102, city], [outage, fault]) is reason
    assert rule_for([default, region, business], [102, city], [outage, fault]) is business
    assert rule_for([default, region], [102, city], [outage, fault]) is region
    assert rule_for([default, region], [999], [outage, fault]) is default
    assert rule_for([], [999], [outage]) is DEFAULT_RULE


def test_injected_incidents_are_found_once_at_their_step_and_nothing_else() -> None:
    # March 2026: ordinary weeks. A feeder trips in the big district on a Tuesday morning
    # (the step the contacts cross the threshold in), a transformer in the rural county on
    # a Saturday evening, and a voltage fault in the middle district at night.
    incidents = [
        Injected((1, OUTAGE), (date(2026, 3, 10), 40), (35, 60, 40, 20)),
        Injected((3, OUTAGE), (date(2026, 3, 14), 78), (22, 30, 10)),
        Injected((2, VOLTAGE), (date(2026, 3, 19), 8), (25, 12)),
    ]
    spikes = run(world(injected=incidents), date(2026, 3, 2), date(2026, 3, 29))
    assert found(spikes) == [(i.key, i.step) for i in incidents]
    assert all(v.basis == Basis.OWN for v in spikes)


def test_nothing_on_the_spring_festival_s_ordinary_surges_or_a_holiday_s() -> None:
    # 2026-02-09..03-01 holds the whole Spring Festival period, its make-up days and the
    # evenings of 除夕 and 初一, five times an ordinary evening; April and May hold
    # 清明 and Labour Day, October National Day.
    w = world()
    assert run(w, date(2026, 2, 9), date(2026, 3, 1)) == []
    assert run(w, date(2026, 4, 1), date(2026, 5, 10)) == []
    assert run(w, date(2026, 9, 28), date(2026, 10, 11)) == []
    # The test has teeth: compared with ordinary days (a history without a past Spring
    # Festival), the same evenings are spikes.
    young = run(w, date(2026, 2, 15), date(2026, 2, 18), history_first=date(2025, 6, 1))
    assert young and all(v.basis == Basis.FALLBACK and v.step[0].day in {16, 17, 18} for v in young)


def test_an_incident_during_the_spring_festival_is_still_found() -> None:
    incident = Injected((3, OUTAGE), (date(2026, 2, 16), 80), (60, 80, 40))
    spikes = run(world(injected=[incident]), date(2026, 2, 15), date(2026, 2, 18))
    assert found(spikes) == [(incident.key, incident.step)]


def test_a_new_region_borrows_a_typical_region_s_baseline() -> None:
    # Region 4, nearly as busy as the biggest district, joins the centre on 2026-03-01:
    # its first weeks have no history. It is judged against the busiest region's
    # baseline, so its ordinary days open nothing while a real fault in it is found.
    w = World(
        regions={1: 14.0, 2: 6.0, 3: 2.0, 4: 12.0},
        reasons={OUTAGE: 1.0},
        since={4: date(2026, 3, 1)},
        injected=[Injected((4, OUTAGE), (date(2026, 3, 3), 60), (45, 30))],
    )
    spikes = run(w, date(2026, 3, 1), date(2026, 3, 14), first_seen={4: date(2026, 3, 1)})
    assert found(spikes) == [((4, OUTAGE), (date(2026, 3, 3), 60))]
    assert spikes[0].basis == Basis.BORROWED and spikes[0].baseline
    # With no region to borrow from (a new centre), the minimum count alone decides.
    alone = World(regions={4: 12.0}, reasons={OUTAGE: 1.0}, since={4: date(2026, 3, 1)})
    step = (date(2026, 3, 3), 40)
    verdicts = detect_step(
        step=step,
        counts={(4, OUTAGE): 21},
        history=alone.history(),
        calendar=alone.calendar,
        history_first=HISTORY_FIRST,
    )
    assert [(v.basis, v.spike, v.threshold) for v in verdicts] == [(Basis.NONE, True, 20.0)]


def test_an_open_incident_s_key_opens_nothing() -> None:
    w = world()
    verdicts = detect_step(
        step=(date(2026, 3, 10), 40),
        counts={(1, OUTAGE): 90, (2, OUTAGE): 90},
        history=w.history(),
        calendar=w.calendar,
        history_first=HISTORY_FIRST,
        open_keys=[(1, OUTAGE)],
    )
    assert [(v.key, v.spike) for v in verdicts] == [((2, OUTAGE), True)]
