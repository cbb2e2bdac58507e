"""The quarterly appraisal's pure rules (issue 20 point 3; seed 002 第14篇 7: a quarterly
appraisal): the weights checked, each component normalised by its stated rule, missing
data left out and the other weights rescaled (never scored 0), ties sharing a rank, and a
person with no data at all not ranked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision.appraisal import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    WeightsInvalid,
    appraise,
    appraise_teams,
    check_weights,
    normalise,
)

EVEN = {"answered": 20, "aht": 0, "qa": 40, "exam": 20, "attendance": 20, "complaints": 0}


def test_the_default_weights_sum_to_100() -> None:
    assert check_weights(DEFAULT_WEIGHTS) == dict(DEFAULT_WEIGHTS)


@pytest.mark.parametrize(
    ("weights", "code", "component"),
    [
        ({**DEFAULT_WEIGHTS, "qa": 31}, "sum", None),
        ({**DEFAULT_WEIGHTS, "qa": -5, "answered": 50}, "range", "qa"),
        ({**DEFAULT_WEIGHTS, "qa": 101}, "range", "qa"),
        ({**DEFAULT_WEIGHTS, "qa": 30.5}, "range", "qa"),
        ({**DEFAULT_WEIGHTS, "qa": True}, "range", "qa"),
        ({k: v for k, v in DEFAULT_WEIGHTS.items() if k != "exam"}, "missing", "exam"),
        ({**DEFAULT_WEIGHTS, "speed": 0}, "unknown", "speed"),
    ],
)
def test_weights_refused(weights: dict[str, object], code: str, component: str | None) -> None:
    with pytest.raises(WeightsInvalid) as refused:
        check_weights(weights)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.component) == (code, component)


def test_each_component_normalised_by_its_rule() -> None:
    assert normalise("answered", 300, best=400) == Decimal(75)
    assert normalise("aht", 400, best=300) == Decimal(75)
    assert normalise("aht", 0, best=300) is None  # no handling time: nothing to score
    assert normalise("qa", 92.5) == Decimal("92.5")
    assert normalise("qa", 130) == Decimal(100)
    assert normalise("exam", Decimal("88")) == Decimal(88)
    assert normalise("attendance", 0.95) == Decimal(95)
    assert normalise("complaints", 0) == Decimal(100)
    assert normalise("complaints", 2) == Decimal(60)
    assert normalise("complaints", 9) == Decimal(0)
    for code in COMPONENTS:
        assert normalise(code, None, best=1) is None


def test_a_person_explained_part_by_part() -> None:
    (only,) = appraise(
        {1: {"answered": 400, "qa": 90, "exam": 80, "attendance": 1.0, "complaints": 1}},
        EVEN,
    )
    parts = {p.code: p for p in only.parts}
    # answered 100 × 20 % + qa 90 × 40 % + exam 80 × 20 % + attendance 100 × 20 % = 92
    assert only.total == Decimal("92.00") and only.rank == 1
    assert parts["qa"].score == Decimal("90.00") and parts["qa"].contribution == Decimal("36.00")
    # Weight 0: never counts, never called missing.
    assert parts["complaints"].applied_weight == 0 and only.missing == []
    assert not only.rescaled


def test_no_exam_is_not_zero_the_other_weights_are_rescaled() -> None:
    """Issue 20: a person with no exam is not ranked as 0."""
    not_sat, sat = appraise(
        {
            "sat": {"answered": 100, "qa": 80, "exam": 60, "attendance": 1.0},
            "not": {"answered": 100, "qa": 80, "attendance": 1.0},
        },
        EVEN,
    )
    assert not_sat.key == "not" and not_sat.missing == ["exam"] and not_sat.rescaled
    # 20 + 40 + 20 = 80 weight present; each rescaled by 100 / 80.
    parts = {p.code: p for p in not_sat.parts}
    assert parts["qa"].applied_weight == Decimal("50.00")
    assert parts["exam"].score is None and parts["exam"].contribution == 0
    assert not_sat.total == Decimal("90.00")  # (100×20 + 80×40 + 100×20) / 80
    assert sat.total == Decimal("84.00")
    assert (not_sat.rank, sat.rank) == (1, 2)


def test_ties_share_a_rank_and_no_data_is_not_ranked() -> None:
    people = {
        "a": {"qa": 90},
        "b": {"qa": 80},
        "c": {"qa": 80},
        "d": {"qa": 70},
        "e": {},
        "f": {"aht": 0},
    }
    ranked = appraise(people, EVEN)
    assert [(a.key, a.rank) for a in ranked] == [
        ("a", 1),
        ("b", 2),
        ("c", 2),
        ("d", 4),
        ("e", None),
        ("f", None),
    ]
    assert ranked[4].total is None and ranked[4].missing == ["answered", "qa", "exam", "attendance"]


def test_a_team_is_the_mean_of_its_members_scores() -> None:
    people = appraise({1: {"qa": 90, "exam": 70}, 2: {"qa": 70}, 3: {"qa": 50, "exam": 90}}, EVEN)
    by_key = {p.key: p for p in people}
    (one, two) = appraise_teams({"一班": [by_key[1], by_key[2]], "二班": [by_key[3]]}, EVEN)
    parts = {p.code: p for p in one.parts}
    assert one.key == "一班" and parts["qa"].score == Decimal("80.00")
    assert parts["exam"].score == Decimal("70.00")  # member 2 sat none: left out
    assert one.total == Decimal("76.67")  # (80×40 + 70×20) / 60
    assert two.total == Decimal("63.33")  # (50×40 + 90×20) / 60
    assert (one.rank, two.rank) == (1, 2)


@given(
    st.dictionaries(
        st.integers(0, 20),
        st.fixed_dictionaries(
            {},
            optional={
                "answered": st.integers(0, 2000),
                "aht": st.integers(1, 2000),
                "qa": st.floats(0, 100),
                "exam": st.floats(0, 100),
                "attendance": st.floats(0, 1),
                "complaints": st.integers(0, 10),
            },
        ),
        max_size=12,
    )
)
def test_totals_stay_within_0_and_100_and_ranks_follow_totals(
    people: dict[int, dict[str, float]],
) -> None:
    ranked = appraise(people, DEFAULT_WEIGHTS)
    totals = [a.total for a in ranked if a.total is not None]
    assert all(Decimal(0) <= t <= Decimal(100) for t in totals)
    assert totals == sorted(totals, reverse=True)
    ranks = [a.rank for a in ranked if a.total is not None]
    assert ranks[:1] in ([], [1])
    for a in ranked:
        if a.total is not None:
            assert sum(p.applied_weight for p in a.parts) == pytest.approx(100, abs=0.05)
