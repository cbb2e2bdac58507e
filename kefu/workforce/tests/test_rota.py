"""The rota solver's rules, one case each (issue 17 point 3).

The monthly rota each agent works by: 002 第15篇 3.1.1. Every rota solved here is also
judged by the independent checker in `rota_checks`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import translation

from kefu.workforce.rota import (
    Agent,
    Break,
    Contract,
    History,
    Horizon,
    Preference,
    RotaInputError,
    RotaProblem,
    RotaResult,
    RotaStatus,
    RuleFamily,
    ShiftKind,
    ShiftTemplate,
    solve_rota,
)
from kefu.workforce.rota.solver import workers_for
from kefu.workforce.tests.rota_checks import rule_violations

MONDAY = dt.date(2026, 12, 7)
HOUR = 60
LOOSE = Contract(rest_days_per_week=0, max_consecutive_days=7, max_minutes_per_week=60 * HOUR)
# A night shift from midnight and a morning shift from 08:00: a day apart they leave 16
# hours of rest, so only the night-then-morning rule can keep them apart.
NIGHT = ShiftTemplate("N", 0, 8 * HOUR, ShiftKind.NIGHT, name="大夜班")
MORNING = ShiftTemplate("M", 8 * HOUR, 8 * HOUR, ShiftKind.MORNING, name="早班")


def need(horizon: Horizon, *spans: tuple[int, int, int, int]) -> list[int]:
    """A requirement curve: (day, from hour, to hour, agents) spans, 0 elsewhere."""
    curve = [0] * horizon.intervals
    per_hour = 60 // horizon.interval_minutes
    for day, start, end, agents in spans:
        for interval in range(
            day * horizon.intervals_per_day + start * per_hour,
            day * horizon.intervals_per_day + end * per_hour,
        ):
            curve[interval] = agents
    return curve


def solve(problem: RotaProblem, seconds: float = 10.0) -> RotaResult:
    with translation.override("zh-hans"):
        result = solve_rota(problem, time_limit_seconds=seconds, workers=2)
    assert rule_violations(problem, result) == []
    return result


def test_two_nights_in_a_row_are_allowed() -> None:
    """pyworkforce's rule forbids night after night too; ours allows it."""
    horizon = Horizon(MONDAY, 2, 30)
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (0, 0, 8, 1), (1, 0, 8, 1))},
        [NIGHT, MORNING],
        [Agent("A", frozenset({"general"}), LOOSE)],
    )
    result = solve(problem)
    assert result.status is RotaStatus.OPTIMAL
    assert result.short_total == 0
    assert [(item.day, item.shift) for item in result.assignments] == [(0, "N"), (1, "N")]


def test_no_morning_shift_the_day_after_a_night() -> None:
    horizon = Horizon(MONDAY, 2, 30)
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (0, 0, 8, 1), (1, 8, 16, 1))},
        [NIGHT, MORNING],
        [Agent("A", frozenset({"general"}), LOOSE)],
        skill_names={"general": "普通话务"},
    )
    result = solve(problem)
    assert result.short_total == 16
    assert len(result.assignments) == 1
    assert result.explanation is not None
    assert [rule.family for rule in result.explanation.binding_rules] == [RuleFamily.NIGHTS]
    assert "夜班规则（夜班次日不排早班、连续夜班天数）" in result.explanation.text
    # With the rule switched off in the contract both shifts are worked.
    relaxed = RotaProblem(
        horizon,
        problem.requirements,
        problem.templates,
        [Agent("A", frozenset({"general"}), replace(LOOSE, no_morning_after_night=False))],
    )
    assert solve(relaxed).short_total == 0


def test_night_rule_holds_across_the_horizon_start() -> None:
    horizon = Horizon(MONDAY, 1, 30)
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (0, 8, 16, 1))},
        [MORNING],
        [
            Agent(
                "A",
                frozenset({"general"}),
                LOOSE,
                history=History(1, 1, last_shift_end=0, last_shift_kind=ShiftKind.NIGHT),
            )
        ],
    )
    assert solve(problem).assignments == ()


def test_leave_is_respected_and_named() -> None:
    horizon = Horizon(MONDAY, 2, 30)
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (1, 8, 12, 1))},
        [MORNING],
        [Agent("A", frozenset({"general"}), LOOSE, leave=frozenset({MONDAY + dt.timedelta(1)}))],
        skill_names={"general": "普通话务"},
    )
    result = solve(problem)
    assert result.assignments == ()
    assert result.short_total == 8
    assert result.explanation is not None
    shortfall = result.explanation.shortfalls[0]
    assert (shortfall.first_interval, shortfall.last_interval) == (48 + 16, 48 + 23)
    assert shortfall.most_agents_available == 0
    assert "其中有 1 名具备此技能的客服已获批休假。" in result.explanation.text
    assert RuleFamily.LEAVE in [rule.family for rule in result.explanation.binding_rules]


def test_a_request_beyond_the_team_explains_why_in_chinese() -> None:
    horizon = Horizon(MONDAY, 1, 30)
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (0, 8, 10, 1), (0, 10, 12, 3), (0, 12, 16, 1))},
        [MORNING],
        [Agent("A", frozenset({"general"}), LOOSE)],
        skill_names={"general": "普通话务"},
    )
    result = solve(problem)
    assert result.short_total == 8
    assert result.explanation is not None
    text = result.explanation.text
    assert text.startswith("需求无法全部满足：共缺 8 人·时段。")
    assert "「普通话务」12月7日 10:00–12:00：最多缺 2 人（共 8 人·时段）。" in text
    assert "该时段具备此技能、未休假且能排上班的客服最多 1 人，而需求为 3 人。" in text
    shortfall = result.explanation.shortfalls[0]
    assert shortfall.starts_at == dt.datetime(2026, 12, 7, 10, tzinfo=shortfall.starts_at.tzinfo)
    assert (shortfall.most_agents_short, shortfall.most_agents_required) == (2, 3)


def test_breaks_are_placed_inside_their_windows_and_spread() -> None:
    """Two agents with a meal break between hours 3 and 5 of the shift: the solver puts
    the meals apart, so one agent stays on the phones."""
    horizon = Horizon(MONDAY, 1, 30)
    lunch = ShiftTemplate(
        "D",
        8 * HOUR,
        9 * HOUR,
        ShiftKind.DAY,
        (Break(15, 90, 150), Break(60, 180, 240, paid=False, meal=True)),
    )
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (0, 8, 17, 1))},
        [lunch],
        [Agent(name, frozenset({"general"}), LOOSE) for name in "AB"],
    )
    result = solve(problem)
    assert result.short_total == 0
    meals = sorted(item.breaks[1].start for item in result.assignments)
    assert meals[1] - meals[0] >= 60
    assert all(item.paid_minutes == 8 * HOUR for item in result.assignments)


def test_fewest_short_before_fewest_over_before_preferences() -> None:
    horizon = Horizon(MONDAY, 1, 30)
    long_day = ShiftTemplate("L", 9 * HOUR, 8 * HOUR)
    short_day = ShiftTemplate("S", 9 * HOUR, 4 * HOUR)
    problem = RotaProblem(
        horizon,
        {"general": need(horizon, (0, 9, 13, 1), (0, 16, 17, 1))},
        [long_day, short_day],
        [Agent("A", frozenset({"general"}), LOOSE), Agent("B", frozenset({"general"}), LOOSE)],
        preferences=[Preference("A", 5, MONDAY, "S"), Preference("B", 1, MONDAY)],
    )
    result = solve(problem)
    # Covering 16:00–17:00 needs the long shift, whatever it adds in over (13:00–16:00)
    # and whatever wish it breaks; a second shift would only add over.
    assert result.short_total == 0
    assert result.over_total == 6
    # A's wish for the short shift is broken either way (cost 5); B's day off need not
    # be (cost 1), so A works.
    assert [(item.agent, item.shift) for item in result.assignments] == [("A", "L")]
    assert result.preference_cost == 5


def test_multi_skilled_agents_cover_either_queue_per_interval() -> None:
    horizon = Horizon(MONDAY, 1, 15)
    day = ShiftTemplate("D", 8 * HOUR, 8 * HOUR)
    problem = RotaProblem(
        horizon,
        {
            "general": need(horizon, (0, 8, 12, 1)),
            "broadband": need(horizon, (0, 12, 16, 1)),
        },
        [day],
        [Agent("A", frozenset({"general", "broadband"}), LOOSE)],
    )
    result = solve(problem)
    assert result.short_total == 0
    assert result.over_total == 0
    assert result.coverage["general"][8 * 4] == 1
    assert result.coverage["broadband"][12 * 4] == 1


def test_contradicting_rules_are_reported_not_crashed() -> None:
    horizon = Horizon(MONDAY, 7, 30)
    short_shift = ShiftTemplate("S", 9 * HOUR, 4 * HOUR)
    problem = RotaProblem(
        horizon,
        {"general": [0] * horizon.intervals},
        [short_shift],
        [Agent("A", frozenset({"general"}), Contract(min_minutes_per_week=40 * HOUR))],
    )
    with translation.override("zh-hans"):
        result = solve_rota(problem, time_limit_seconds=10)
    assert result.status is RotaStatus.INFEASIBLE
    assert result.explanation is not None
    assert result.explanation.text.splitlines() == [
        "排班规则相互矛盾：没有任何排班能同时满足全部规则。",
        "放宽「每周工作时长」后即可排班。",
    ]


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(RotaInputError):
        ShiftTemplate("X", 8 * HOUR, 8 * HOUR, breaks=(Break(30, 60, 120), Break(30, 100, 200)))
    with pytest.raises(RotaInputError):
        Horizon(MONDAY, 1, 20)
    horizon = Horizon(MONDAY, 1, 30)
    with pytest.raises(RotaInputError):
        RotaProblem(horizon, {"general": [1]}, [MORNING], [])


def test_search_workers_never_exceed_the_cores() -> None:
    import os

    assert 1 <= workers_for(64) <= (os.cpu_count() or 1)
    assert workers_for(0) == 1
