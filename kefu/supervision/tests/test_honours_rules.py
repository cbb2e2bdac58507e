"""The honours' rules without a database (issue 20 point 4): thresholds, a person with no
figure not eligible (and told so, not as a failed threshold), ties at the cut-off all
proposed and marked, 新锐标兵 by joining date (003 (八) 1), 服务之星 inside each team
(000 第6篇 6: 班组内部 … 全员参加 … 月底进行评比), an empty centre."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision.honours_rules import (
    DEFAULT_RULES,
    Criterion,
    Person,
    Rule,
    joined_window,
    months_back,
    propose,
)

MONTH = dt.date(2026, 11, 1)
STAR = Rule(
    kind="service_star",
    count=2,
    rank_by="monitoring_score",
    criteria=(Criterion("monitoring_score", "gte", 90), Criterion("attendance", "gte", 1)),
)


def person(
    pk: int,
    score: float | None,
    attendance: float | None = 1.0,
    team: str = "一班",
    joined: dt.date | None = dt.date(2020, 1, 1),
) -> Person:
    return Person(pk, f"P{pk}", team, joined, {"monitoring_score": score, "attendance": attendance})


def test_thresholds_and_the_ranking() -> None:
    outcome = propose(
        STAR,
        [person(1, 95), person(2, 98), person(3, 92), person(4, 89.9), person(5, 99, 0.95)],
        MONTH,
    )
    assert [(c.user_id, c.rank, c.tied) for c in outcome.candidates] == [
        (2, 1, False),
        (1, 2, False),
    ]
    # Each candidate carries every criterion with their value.
    first = outcome.candidates[0]
    assert [(c.figure, c.op, c.threshold, c.value) for c in first.checks] == [
        ("monitoring_score", "gte", 90, 98),
        ("attendance", "gte", 1, 1.0),
    ]
    missed = {m.user_id: m for m in outcome.left_out}
    # 3 met every threshold and was ranked below the last proposed (95).
    assert missed[3].kind == "below_cutoff" and missed[3].threshold == 95 and missed[3].value == 92
    # 4 missed the score; 5 the attendance (the first criterion missed is the one told).
    assert (missed[4].kind, missed[4].figure, missed[4].value) == (
        "threshold",
        "monitoring_score",
        89.9,
    )
    assert (missed[5].kind, missed[5].figure, missed[5].threshold) == ("threshold", "attendance", 1)


def test_no_figure_is_not_eligible_and_not_a_failed_threshold() -> None:
    outcome = propose(STAR, [person(1, None), person(2, 95, None), person(3, 91)], MONTH)
    assert [c.user_id for c in outcome.candidates] == [3]
    missed = {m.user_id: m for m in outcome.left_out}
    assert (missed[1].kind, missed[1].figure, missed[1].value) == (
        "no_figure",
        "monitoring_score",
        None,
    )
    assert (missed[2].kind, missed[2].figure) == ("no_figure", "attendance")
    # The figure ranked on is required too, even with no threshold on it.
    by_answered = Rule(kind="post_expert", count=3, rank_by="answered")
    assert propose(by_answered, [person(1, 95)], MONTH).left_out[0].figure == "answered"


def test_ties_at_the_cut_off_are_all_proposed_and_marked() -> None:
    outcome = propose(
        STAR, [person(1, 97), person(2, 93), person(3, 93), person(4, 93), person(5, 91)], MONTH
    )
    assert [(c.user_id, c.rank, c.tied) for c in outcome.candidates] == [
        (1, 1, False),
        (2, 2, True),
        (3, 2, True),
        (4, 2, True),
    ]
    assert [m.user_id for m in outcome.left_out] == [5]
    # A tie inside the places is no tie at the cut-off.
    inside = propose(STAR, [person(1, 97), person(2, 97), person(3, 91)], MONTH)
    assert [(c.user_id, c.rank, c.tied) for c in inside.candidates] == [
        (1, 1, False),
        (2, 1, False),
    ]
    # Shares computed by division that differ only in float noise are a tie.
    noisy = propose(STAR, [person(1, 0.1 + 0.2 + 90), person(2, 90.3), person(3, 95)], MONTH)
    assert [c.tied for c in noisy.candidates] == [False, True, True]


def test_rising_star_by_joining_date() -> None:
    """新锐标兵 (003 (八) 1): joined within six months, the honoured month counted."""
    rule = next(r for r in DEFAULT_RULES if r.kind == "rising_star")
    assert joined_window(MONTH, 6) == (dt.date(2026, 6, 1), dt.date(2026, 11, 30))
    people = [
        person(1, 90, joined=dt.date(2026, 6, 1)),  # the first day in
        person(2, 95, joined=dt.date(2026, 5, 31)),  # a day too early
        person(3, 88, joined=None),  # no joining date: no figure
        person(4, 99, joined=dt.date(2026, 12, 1)),  # joined after the month
        person(5, 86, joined=dt.date(2026, 11, 30)),
    ]
    outcome = propose(rule, people, MONTH)
    assert [c.user_id for c in outcome.candidates] == [1, 5]
    missed = {m.user_id: (m.kind, m.figure) for m in outcome.left_out}
    assert missed == {
        2: ("not_joined", "joined_on"),
        3: ("no_figure", "joined_on"),
        4: ("not_joined", "joined_on"),
    }


def test_team_star_is_chosen_in_each_team() -> None:
    """服务之星 (000 第6篇 6): one a team, everyone of the team takes part."""
    rule = next(r for r in DEFAULT_RULES if r.kind == "team_star")
    people = [
        person(1, 80, 0.5, team="一班"),
        person(2, 85, 0.8, team="一班"),
        person(3, 70, 0.9, team="二班"),
        person(4, 99, team=""),
    ]
    outcome = propose(rule, people, MONTH)
    assert [(c.user_id, c.team) for c in outcome.candidates] == [(2, "一班"), (3, "二班")]
    missed = {m.user_id: m.kind for m in outcome.left_out}
    assert missed == {1: "below_cutoff", 4: "no_team"}


def test_an_empty_centre_and_lower_is_better() -> None:
    for rule in DEFAULT_RULES:
        outcome = propose(rule, [], MONTH)
        assert outcome.candidates == () and outcome.left_out == ()
    shortest = Rule(
        kind="post_expert",
        count=1,
        rank_by="aht_seconds",
        descending=False,
        criteria=(Criterion("aht_seconds", "lte", 300),),
    )
    people = [
        Person(1, "A", "", None, {"aht_seconds": 250}),
        Person(2, "B", "", None, {"aht_seconds": 200}),
        Person(3, "C", "", None, {"aht_seconds": 301}),
    ]
    outcome = propose(shortest, people, MONTH)
    assert [c.user_id for c in outcome.candidates] == [2]
    assert {m.user_id: m.kind for m in outcome.left_out} == {1: "below_cutoff", 3: "threshold"}


def test_months_back_crosses_years() -> None:
    assert months_back(dt.date(2026, 1, 1), 1) == dt.date(2025, 12, 1)
    assert months_back(dt.date(2026, 3, 1), 14) == dt.date(2025, 1, 1)
    assert months_back(dt.date(2026, 12, 1), -1) == dt.date(2027, 1, 1)


@given(
    scores=st.lists(st.one_of(st.none(), st.integers(80, 100)), max_size=12),
    count=st.integers(1, 4),
)
def test_everyone_is_proposed_or_told_why(scores: list[int | None], count: int) -> None:
    rule = Rule(kind="service_star", count=count, rank_by="monitoring_score")
    people = [person(n, score) for n, score in enumerate(scores)]
    outcome = propose(rule, people, MONTH)
    proposed = [c.user_id for c in outcome.candidates]
    assert sorted(proposed + [m.user_id for m in outcome.left_out]) == list(range(len(scores)))
    ranked = sorted((s for s in scores if s is not None), reverse=True)
    # At least `count` proposed where as many have a figure; more only by ties at the cut-off.
    assert len(proposed) >= min(count, len(ranked))
    if len(proposed) > count:
        assert all(c.tied for c in outcome.candidates if c.value == ranked[count - 1])
        assert ranked[count] == ranked[count - 1]
    # Nobody left out scored better than someone proposed.
    worst = min((c.value for c in outcome.candidates), default=None)
    assert all(
        m.value is None or worst is None or m.value < worst
        for m in outcome.left_out
        if m.kind == "below_cutoff"
    )
