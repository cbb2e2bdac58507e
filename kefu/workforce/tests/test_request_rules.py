"""The contract rules checked on a changed rota before the leader decides (issue 17
point 4; the rota and its changes: 002 第15篇 3.1.1): `rota.rules`, pure, judged case by
case and against the solver's independent checker (`rota_checks`) on random weeks."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kefu.workforce.rota import (
    Agent,
    Assignment,
    Contract,
    Horizon,
    RotaProblem,
    RotaResult,
    RotaStatus,
    ShiftKind,
    ShiftTemplate,
)
from kefu.workforce.rota.rules import WorkedShift, broken_rules
from kefu.workforce.tests.rota_checks import rule_violations

MONDAY = dt.date(2026, 12, 7)
HOUR = 60
TEMPLATES = {
    "M": ShiftTemplate("M", 7 * HOUR, 8 * HOUR, ShiftKind.MORNING, name="早班"),
    "D": ShiftTemplate("D", 9 * HOUR, 8 * HOUR, ShiftKind.DAY, name="白班"),
    "E": ShiftTemplate("E", 14 * HOUR, 8 * HOUR, ShiftKind.EVENING, name="晚班"),
    "N": ShiftTemplate("N", 22 * HOUR, 9 * HOUR, ShiftKind.NIGHT, name="夜班"),
}
CONTRACT = Contract(
    min_minutes_per_week=16 * HOUR,
    max_minutes_per_week=40 * HOUR,
    rest_days_per_week=2,
    max_consecutive_days=5,
    min_rest_minutes=11 * HOUR,
    max_consecutive_nights=3,
    min_consecutive_nights=2,
    no_morning_after_night=True,
)


def worked(codes: str, horizon: Horizon) -> list[WorkedShift]:
    """One letter a day ('.' for a day off)."""
    found = []
    for day, code in enumerate(codes):
        if code == ".":
            continue
        template = TEMPLATES[code]
        start = horizon.moment(day * 24 * HOUR + template.start)
        found.append(
            WorkedShift(
                horizon.date(day),
                start,
                start + dt.timedelta(minutes=template.length),
                template.kind,
            )
        )
    return found


def rules(codes: str, contract: Contract = CONTRACT) -> set[str]:
    horizon = Horizon(MONDAY, len(codes))
    with translation.override("zh-hans"):
        found = broken_rules(
            worked(codes, horizon),
            contract,
            first_day=MONDAY,
            last_day=horizon.date(len(codes) - 1),
            days=[horizon.date(day) for day in range(len(codes))],
        )
    return {breach.rule for breach in found}


def test_two_nights_in_a_row_are_allowed_and_a_morning_after_a_night_is_not() -> None:
    assert rules("NN.....") == set()
    assert "morning_after_night" in rules("NM.....")
    # 22:00 + 9 h ends 07:00: the morning shift starting then has no rest either.
    assert "rest" in rules("NM.....")
    # Without the contract's rule, only the rest between them remains.
    loose = Contract(min_minutes_per_week=0, min_consecutive_nights=1, no_morning_after_night=False)
    assert rules("NM.....", loose) == {"rest"}


def test_each_rule_found_and_told_in_chinese() -> None:
    assert rules("DDDDD..") == set()
    assert "days_in_a_row" in rules("DDDDDD.")
    assert "rest_days" in rules("DDDDDD.")
    assert "max_hours" in rules("DDDDDD.")  # 48 hours
    assert "min_hours" in rules("D......")
    assert "nights_in_a_row" in rules("NNNN...")
    assert "night_run" in rules("N......") and "night_run" not in rules("......N")
    assert "rest" not in rules("ED.....")  # 22:00 to 09:00: 11 hours is enough
    assert "rest" in rules("EM.....")  # 22:00 to 07:00: 9 hours
    horizon = Horizon(MONDAY, 7)
    with translation.override("zh-hans"):
        found = broken_rules(
            worked("NM.....", horizon),
            CONTRACT,
            first_day=MONDAY,
            last_day=horizon.date(6),
            days=[MONDAY],
        )
    messages = [breach.message for breach in found]
    assert "12/8上早班，紧接在夜班之后（夜班后不得接早班）" in messages
    assert "12/7与12/8两个班次之间只间隔0小时，至少须间隔11小时" in messages


def test_only_the_weeks_and_runs_of_the_days_asked_about_are_judged() -> None:
    horizon = Horizon(MONDAY, 14)
    shifts = worked("DDDDDD.D......", horizon)  # six days in a row in week one
    found = broken_rules(
        shifts,
        CONTRACT,
        first_day=MONDAY,
        last_day=horizon.date(13),
        days=[horizon.date(8)],
    )
    assert {breach.rule for breach in found} == {"min_hours"}


FAMILIES = {
    "above": "max_hours",
    "below": "min_hours",
    "rest days in week": "rest_days",
    "days in a row": "days_in_a_row",
    "too many nights": "nights_in_a_row",
    "too short": "night_run",
    "minutes rest before": "rest",
    "morning after night": "morning_after_night",
}


def checker_rules(codes: str) -> set[str]:
    """The rule families the solver's independent checker finds in the same week(s)."""
    horizon = Horizon(MONDAY, len(codes))
    assignments = []
    for day, code in enumerate(codes):
        if code == ".":
            continue
        template = TEMPLATES[code]
        start = day * 24 * HOUR + template.start
        assignments.append(
            Assignment(
                "A", day, horizon.date(day), code, start, start + template.length, (),
                template.length,
            )
        )  # fmt: skip
    problem = RotaProblem(
        horizon,
        {"general": [0] * horizon.intervals},
        list(TEMPLATES.values()),
        [Agent("A", frozenset({"general"}), CONTRACT)],
    )
    result = RotaResult(RotaStatus.OPTIMAL, tuple(assignments), {}, {}, {}, 0.0, 0.0, 0, 0.0)
    found = set()
    for sentence in rule_violations(problem, result):
        if not sentence.startswith("A: "):
            continue  # coverage, which this check leaves out
        found |= {family for words, family in FAMILIES.items() if words in sentence}
    return found


@given(st.text(alphabet=".MDEN", min_size=7, max_size=14))
def test_the_rules_agree_with_the_solvers_independent_checker(codes: str) -> None:
    assert rules(codes) == checker_rules(codes)
