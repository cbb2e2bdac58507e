"""progress.py without a database: the year in six two-month periods (004 专题分析时间计划:
"1-2月 … 11月-12月"), and the share of the way from baseline to target in the indicator's
better direction, with missing data as "no figure" (never 0), overshoot, regression and a
baseline equal to the target."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision.progress import (
    Better,
    State,
    TwoMonths,
    progress,
    project_better,
    weeks,
)


def test_the_year_in_six_two_month_periods() -> None:
    # 004: 1-2月, 3-4月, 5-6月, 7-8月, 9-10月, 11月-12月.
    assert [TwoMonths.of(dt.date(2026, m, 15)).index for m in range(1, 13)] == [
        1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    ]  # fmt: skip
    novdec = TwoMonths(2026, 6)
    assert (novdec.first, novdec.last) == (dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert TwoMonths(2028, 1).last == dt.date(2028, 2, 29)  # a leap year
    assert TwoMonths(2027, 1).previous() == novdec and novdec.next() == TwoMonths(2027, 1)
    assert novdec.so_far(dt.date(2026, 10, 31)) is None
    assert novdec.so_far(dt.date(2026, 12, 7)) == (dt.date(2026, 11, 1), dt.date(2026, 12, 7))
    assert novdec.so_far(dt.date(2027, 3, 1)) == (novdec.first, novdec.last)
    with pytest.raises(ValueError):
        TwoMonths(2026, 7)


def test_weeks_run_monday_to_sunday_clipped_to_the_span() -> None:
    spans = weeks(dt.date(2026, 11, 1), dt.date(2026, 11, 12))  # a Sunday to a Thursday
    assert spans == [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 1)),
        (dt.date(2026, 11, 2), dt.date(2026, 11, 8)),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 12)),
    ]


def test_higher_is_better_half_way() -> None:
    moved = progress(baseline=0.80, target=0.90, current=0.85, better=Better.HIGHER)
    assert moved.state is State.ON_THE_WAY
    assert moved.share == pytest.approx(0.5) and moved.bar == pytest.approx(0.5)


def test_lower_is_better_counts_a_fall_as_progress() -> None:
    # The abandonment rate from 8 % to a target of 5 %: at 6.5 % half the way is made.
    moved = progress(baseline=0.08, target=0.05, current=0.065, better=Better.LOWER)
    assert moved.state is State.ON_THE_WAY and moved.share == pytest.approx(0.5)
    worse = progress(baseline=0.08, target=0.05, current=0.09, better=Better.LOWER)
    assert worse.state is State.REGRESSED
    assert worse.share == pytest.approx(-1 / 3) and worse.bar == 0.0


def test_missing_data_is_no_figure_never_zero() -> None:
    for baseline, current in [(None, 0.85), (0.80, None), (None, None)]:
        moved = progress(baseline=baseline, target=0.90, current=current, better=Better.HIGHER)
        assert moved.state is State.NO_FIGURE and moved.share is None
    assert (
        progress(baseline=0.8, target=0.9, current=float("nan"), better=Better.HIGHER).state
        is State.NO_FIGURE
    )
    # A figure equal to the baseline is a real "no change", 0 of the way.
    same = progress(baseline=0.80, target=0.90, current=0.80, better=Better.HIGHER)
    assert same.state is State.NO_CHANGE and same.share == 0.0


def test_overshoot_and_reaching_the_target() -> None:
    past = progress(baseline=60.0, target=40.0, current=30.0, better=Better.LOWER)
    assert past.state is State.OVERSHOT
    assert past.share == pytest.approx(1.5) and past.bar == 1.0
    at = progress(baseline=0.80, target=0.90, current=0.9000000000001, better=Better.HIGHER)
    assert at.state is State.REACHED and at.share == 1.0


def test_a_baseline_equal_to_the_target_has_no_share() -> None:
    # Zero width: no way to go, so no share of it (no division by zero either).
    kept = progress(baseline=0.9, target=0.9, current=0.9, better=Better.HIGHER)
    assert kept.state is State.REACHED and kept.share is None and kept.bar == 1.0
    better = progress(baseline=0.9, target=0.9, current=0.95, better=Better.HIGHER)
    assert better.state is State.OVERSHOT and better.share is None
    worse = progress(baseline=0.9, target=0.9, current=0.85, better=Better.HIGHER)
    assert worse.state is State.REGRESSED and worse.share is None
    # A target already met at the baseline is judged the same way.
    met = progress(baseline=20.0, target=30.0, current=18.0, better=Better.LOWER)
    assert met.state is State.OVERSHOT and met.share is None
    slipped = progress(baseline=20.0, target=30.0, current=25.0, better=Better.LOWER)
    assert slipped.state is State.REGRESSED


def test_the_direction_of_a_range_indicator_is_the_way_to_the_target() -> None:
    assert project_better("higher", 0.9, 0.5) is Better.HIGHER  # the indicator's own wins
    assert project_better("lower", 10.0, 20.0) is Better.LOWER
    assert project_better("range", 400.0, 300.0) is Better.LOWER  # AHT down into its range
    assert project_better("range", 150.0, 200.0) is Better.HIGHER
    assert project_better(None, None, 5.0) is Better.HIGHER


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(baseline=finite, target=finite, current=finite, better=st.sampled_from(list(Better)))
def test_progress_always_agrees_with_the_figures(
    baseline: float, target: float, current: float, better: Better
) -> None:
    moved = progress(baseline=baseline, target=target, current=current, better=better)
    assert 0.0 <= moved.bar <= 1.0
    sign = 1 if better is Better.HIGHER else -1
    if moved.state is State.REGRESSED:
        assert (current - baseline) * sign < 0
    if moved.share is not None:
        assert (target - baseline) * sign > 0
        if moved.state is State.ON_THE_WAY:
            assert 0 < moved.share < 1
        if moved.state is State.OVERSHOT:
            assert moved.share > 1
