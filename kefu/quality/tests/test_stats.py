"""The monitoring score's sample size and interval (issue 18 point 2): an agent listened
to four or five times a month (002 第7篇) has a mean a leader must read with its 95 %
interval before ranking anyone."""

from __future__ import annotations

import pytest

from kefu.quality import stats


def test_five_calls_give_a_wide_interval() -> None:
    found = stats.estimate([80, 95, 70, 100, 85])
    assert found.n == 5
    assert found.mean == 86
    # s = 11.94, t(4) = 2.776: 86 ± 14.8.
    assert found.half_width == pytest.approx(14.82, abs=0.01)
    assert found.low == pytest.approx(71.18, abs=0.01)


def test_more_calls_narrow_it_and_it_stays_within_0_to_100() -> None:
    few = stats.estimate([90, 100, 95])
    many = stats.estimate([90, 100, 95] * 10)
    assert many.half_width is not None and few.half_width is not None
    assert many.half_width < few.half_width / 3
    assert few.high == 100


def test_one_score_has_no_interval_and_none_has_no_mean() -> None:
    assert stats.estimate([88]) == stats.Estimate(1, 88, None, None)
    assert stats.estimate([]) == stats.Estimate(0, None, None, None)


def test_an_agent_is_above_or_below_only_when_the_interval_says_so() -> None:
    five = stats.estimate([80, 95, 70, 100, 85])
    assert stats.against(five, 80) == stats.UNCLEAR
    assert stats.against(stats.estimate([98, 99, 100, 97, 99, 98]), 85) == stats.ABOVE
    assert stats.against(stats.estimate([60, 62, 58, 61, 59]), 85) == stats.BELOW
    assert stats.against(stats.estimate([99]), 50) == stats.UNCLEAR
