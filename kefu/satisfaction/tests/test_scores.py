"""The survey figures, pure (kefu.satisfaction.scores): each against hand-computed
values, with the formula it follows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.satisfaction import scores


def test_csat_is_the_share_of_4_and_5_with_wilsons_interval() -> None:
    """CSAT = answers of 4-5 / answers: 6 of 10 is 60 %, Wilson 95 % [31.27 %, 83.18 %]
    (p̃ = (p + z²/2n)/(1 + z²/n) ± z·√(p(1-p)/n + z²/4n²)/(1 + z²/n))."""
    counts = scores.counts_of([("csat", s) for s in [5, 4, 4, 3, 2, 1, 5, 4, 3, 5]], 16, 10)
    figure = scores.figures(counts).csat
    assert figure.n == 10 and figure.value == pytest.approx(60.0)
    assert figure.low == pytest.approx(31.267, abs=0.001)
    assert figure.high == pytest.approx(83.182, abs=0.001)


def test_nps_is_promoters_minus_detractors_with_the_trinomial_interval() -> None:
    """NPS = % 9-10 − % 0-6: 5 and 3 of 10 give 20; the interval is
    ±1.96·√((0.5 + 0.3 − 0.2²)/10) = ±54.03."""
    counts = scores.counts_of([("nps", s) for s in [10, 9, 9, 8, 7, 6, 5, 0, 10, 9]], 10, 10)
    figure = scores.figures(counts).nps
    assert figure.value == pytest.approx(20.0)
    assert figure.low == pytest.approx(-34.03, abs=0.01)
    assert figure.high == pytest.approx(74.03, abs=0.01)


def test_ces_is_the_mean_with_its_normal_interval() -> None:
    """CES = mean of 1-7: (7+6+5+7+3)/5 = 5.6, s² = 11.2/4 = 2.8, ±1.96·√(2.8/5) = ±1.467."""
    counts = scores.counts_of([("ces", s) for s in [7, 6, 5, 7, 3]], 5, 5)
    figure = scores.figures(counts).ces
    assert figure.value == pytest.approx(5.6)
    assert figure.low == pytest.approx(4.1333, abs=0.0001)
    assert figure.high == pytest.approx(7.0667, abs=0.0001)


def test_the_response_rate_is_answered_over_sent() -> None:
    figure = scores.figures(scores.Counts(sent=16, answered=10)).rate
    assert figure.value == pytest.approx(62.5)
    assert figure.low is not None and figure.low < 62.5 < (figure.high or 0)


def test_no_answers_no_figure() -> None:
    empty = scores.figures(scores.Counts())
    assert empty.csat == empty.nps == empty.ces == empty.rate == scores.EMPTY
    one = scores.mean(4, 16, 1)
    assert one.value == 4 and one.low is None


def test_all_promoters_clip_at_100() -> None:
    figure = scores.nps(10, 0, 10)
    assert figure.value == 100 and figure.high == 100


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_holds_the_share(k: int, n: int) -> None:
    k = min(k, n)
    figure = scores.wilson(k, n)
    assert figure.low is not None and figure.high is not None and figure.value is not None
    assert 0 <= figure.low <= figure.value <= figure.high <= 100


@given(st.integers(0, 300), st.integers(0, 300), st.integers(1, 300))
def test_nps_lies_between_minus_and_plus_100(p: int, d: int, extra: int) -> None:
    figure = scores.nps(p, d, p + d + extra)
    assert figure.low is not None and figure.high is not None and figure.value is not None
    assert -100 <= figure.low <= figure.value <= figure.high <= 100


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("5", "csat", 5),
        ("５", "csat", 5),
        (" 4。", "csat", 4),
        ("10", "nps", 10),
        ("0", "nps", 0),
        ("6", "csat", None),
        ("0", "csat", None),
        ("7", "ces", 7),
        ("8", "ces", None),
        ("满意", "csat", None),
        ("", "csat", None),
        ("1 2", "csat", None),
        ("3", "text", None),
    ],
)
def test_a_digit_reply_is_read_on_its_scale(text: str, kind: str, expected: int | None) -> None:
    assert scores.digit_answer(text, kind) == expected


def test_low_scores_are_csat_1_2_and_nps_0_6() -> None:
    assert [s for s in range(1, 6) if scores.is_low("csat", s)] == [1, 2]
    assert [s for s in range(11) if scores.is_low("nps", s)] == list(range(7))
    assert not scores.is_low("ces", 1)
