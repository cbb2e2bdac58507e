"""The pure rules of work reports (kefu/supervision/drafting.py; seed 002 第14篇): periods,
due times (daily by 9:00 the next morning, weekly by Saturday 18:00, monthly by the end of
the last day), the sections, the draft from a person's figures (a person with none
included) and the 80 % plan rule (全体员工 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision import drafting
from kefu.supervision.drafting import Figures, Kind

WEDNESDAY = dt.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


def test_periods() -> None:
    assert drafting.period_of(Kind.DAILY, WEDNESDAY) == (WEDNESDAY, WEDNESDAY)
    assert drafting.period_of(Kind.WEEKLY, WEDNESDAY) == (
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 13),
    )
    assert drafting.period_of(Kind.MONTHLY, WEDNESDAY) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert drafting.period_of("monthly", dt.date(2028, 2, 10)) == (
        dt.date(2028, 2, 1),
        dt.date(2028, 2, 29),
    )
    assert drafting.next_period(Kind.MONTHLY, dt.date(2026, 12, 1)) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 31),
    )
    assert drafting.previous_period(Kind.WEEKLY, dt.date(2026, 12, 7))[0] == dt.date(2026, 11, 30)


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)), st.sampled_from(Kind)
)
def test_a_period_holds_its_day_and_follows_the_one_before(day: dt.date, kind: Kind) -> None:
    first, last = drafting.period_of(kind, day)
    assert first <= day <= last
    assert drafting.next_period(kind, first)[0] == last + dt.timedelta(days=1)
    assert drafting.previous_period(kind, first)[1] == first - dt.timedelta(days=1)


def test_due_times_follow_the_seed() -> None:
    """002 第14篇: 每天早上9:00前 the day before's; 每周六18:00前 the week's; 每月最后一日
    the month's."""
    assert drafting.due_of(Kind.DAILY, WEDNESDAY) == dt.datetime.combine(
        dt.date(2026, 12, 10), dt.time(9)
    )
    assert drafting.due_of(Kind.WEEKLY, dt.date(2026, 12, 7)) == dt.datetime.combine(
        dt.date(2026, 12, 12), dt.time(18)
    )
    assert drafting.due_of(Kind.MONTHLY, dt.date(2026, 12, 1)) == dt.datetime.combine(
        dt.date(2027, 1, 1), dt.time()
    )


def test_sections_are_named_for_the_kind() -> None:
    assert drafting.section_titles(Kind.WEEKLY) == {
        "summary": "This week's work summary",
        "problems": "Suggestions or problems",
        "plans": "Next week's work plan",
    }
    assert drafting.section_titles(Kind.MONTHLY)["plans"] == "Next month's work plan"
    with translation.override("zh-hans"):
        assert drafting.section_titles(Kind.WEEKLY)["summary"] == "本周工作总结"


def test_a_person_with_no_figures_gets_a_draft_that_says_so() -> None:
    figures = Figures()
    assert figures.empty
    text = drafting.draft(Kind.WEEKLY, figures)
    assert text.summary == "No figures recorded for this period."
    assert text.problems == "" and text.plans == ""
    assert text.lines == []


def test_the_draft_lists_the_figures_and_names_what_went_wrong() -> None:
    figures = Figures(
        contacts=42,
        calls_answered=40,
        talk_seconds=4000,
        tickets_created=6,
        tickets_handled=9,
        tickets_closed=3,
        tickets_overdue=2,
        qa_count=3,
        qa_average=Decimal("88.5"),
        qa_fatal=1,
        callbacks=5,
        rectifications_open=1,
        rectifications_overdue=1,
    )
    text = drafting.draft(Kind.WEEKLY, figures, previous_plans="- 学习停电口径\n\n* 回访 10 户")
    assert text.summary.splitlines() == [
        "Planned for this period:",
        "- 学习停电口径",
        "- 回访 10 户",
        "",
        "From my figures:",
        "- Contacts taken: 42",
        "- Calls answered: 40 (average talk 100 s)",
        "- Work orders: 6 created, 9 handled, 3 closed",
        "- Work orders overdue: 2",
        "- Quality scores: 3 scored, average 88.5, 1 with a fatal error",
        "- Callbacks made: 5",
        "- Rectifications owned: 0 closed, 1 open",
    ]
    assert "2 work orders went overdue" in text.problems
    assert "1 rectifications past their deadline" in text.problems
    assert text.plans == "- Finish the 1 open rectifications."


def test_a_missing_source_is_left_out_never_zero() -> None:
    """No QA score and no calls on the platform: no line, not "average 0"."""
    keys = [line.key for line in drafting.figure_lines(Figures(contacts=3, qa_count=0))]
    assert keys == ["contacts"]
    rounds = drafting.figure_lines(Figures(rounds=0, findings=0))
    assert [(line.key, line.value) for line in rounds] == [("rounds", "0 made, 0 findings")]


def test_figures_survive_their_json_form() -> None:
    figures = Figures(contacts=1, qa_count=2, qa_average=Decimal("90.5"), calls_answered=None)
    assert Figures.from_dict(figures.as_dict()) == figures
    assert Figures.from_dict({"contacts": 2, "unknown": 1}) == Figures(contacts=2)


def test_plan_items() -> None:
    assert drafting.plan_items("1\n - a \n•b\n\n") == ["1", "a", "b"]


def test_eighty_percent_of_the_plan_passes() -> None:
    """002 第14篇 全体员工 5: 只有按计划完成80%以上的任务才能视为合格 — 80 % itself passes."""
    assert drafting.completion(5, 4) == drafting.Completion(5, 4, Decimal("0.800"), True)
    assert drafting.completion(5, 3) == drafting.Completion(5, 3, Decimal("0.600"), False)
    assert drafting.completion(3, 2) == drafting.Completion(3, 2, Decimal("0.667"), False)
    assert drafting.completion(0, 0) is None
    assert drafting.completion(4, None) is None
    assert drafting.completion(4, 9) == drafting.Completion(4, 4, Decimal("1.000"), True)
