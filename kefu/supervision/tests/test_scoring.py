"""A round's score out of 10 and its band (seed 000 第7篇: 满分为10分; 8分及以上加10分;
6分及以下扣10分), and the seeded draw of spot-check records (001 4.4.1.2). Pure."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision import sampling
from kefu.supervision.scoring import Band, band, score

ONE = Decimal(1)


def test_score_out_of_ten_weighs_points_and_skips_not_applicable() -> None:
    assert score([("pass", ONE)] * 4 + [("fail", ONE)]) == Decimal("8.0")
    assert score([("pass", Decimal(3)), ("fail", ONE)]) == Decimal("7.5")
    assert score([("pass", ONE), ("na", Decimal(5)), (None, ONE)]) == Decimal("10.0")
    assert score([("pass", ONE), ("fail", ONE), ("fail", ONE)]) == Decimal("3.3")
    assert score([("pass", ONE)] * 2 + [("fail", ONE)]) == Decimal("6.7")


def test_nothing_applicable_has_no_score() -> None:
    assert score([]) is None
    assert score([("na", ONE)]) is None


def test_the_bands_of_000_7() -> None:
    assert band(Decimal(10)) == Band.BONUS
    assert band(Decimal(8)) == Band.BONUS  # 8分及以上
    assert band(Decimal("7.9")) == Band.NONE
    assert band(Decimal("6.1")) == Band.NONE
    assert band(Decimal(6)) == Band.PENALTY  # 6分及以下
    assert band(Decimal(0)) == Band.PENALTY
    assert band(None) is None


@given(st.lists(st.tuples(st.sampled_from(["pass", "fail", "na"]), st.integers(1, 10))))
def test_the_score_lies_between_0_and_10(pairs: list[tuple[str, int]]) -> None:
    value = score((r, Decimal(p)) for r, p in pairs)
    if all(r == "na" for r, _ in pairs):
        assert value is None
    else:
        assert value is not None and Decimal(0) <= value <= Decimal(10)


def test_a_draw_repeats_from_its_seed_whatever_the_candidates_order() -> None:
    ids = list(range(1, 200))
    first = sampling.draw(ids, 5, seed=42)
    assert first == sampling.draw(list(reversed(ids)), 5, seed=42)
    assert len(set(first)) == 5 and set(first) <= set(ids)
    assert sampling.draw(ids, 5, seed=43) != first


def test_a_draw_is_bounded() -> None:
    assert len(sampling.draw(range(1000), 500, seed=1)) == sampling.MAX_DRAW == 20
    assert sorted(sampling.draw([3, 1, 1, 2], 10, seed=1)) == [1, 2, 3]
    assert sampling.draw([], 3, seed=1) == []
    assert sampling.draw([1, 2], 0, seed=1) == []
    assert sampling.draw([1, 2], -4, seed=1) == []
