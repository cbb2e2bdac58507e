"""The forecast and its error measure, on plain data (no database)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kefu.workforce.forecast import (
    DAY_TYPE_LABELS,
    ChinaCalendar,
    DayHistory,
    DayType,
    ForecastError,
    Settings,
    daily_errors,
    day_type,
    forecast_queue,
    official_calendar,
    seasonal_naive,
    slot_errors,
    wape,
    weekly_errors,
)

MONDAY = date(2026, 3, 2)
NO_HOLIDAYS = ChinaCalendar()


def days_from(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


# -- WAPE, by hand -----------------------------------------------------------------------------


def test_wape_is_the_absolute_errors_over_the_actual_calls() -> None:
    # |10-12| + |20-18| + |30-33| = 7 over 60 calls.
    assert wape([10, 20, 30], [12, 18, 33]) == pytest.approx(7 / 60)
    assert wape([0, 0], [3, 1]) is None  # nothing happened: no error to weigh
    assert wape([5], [5]) == 0


def test_errors_per_day_per_interval_and_week_by_week() -> None:
    monday, tuesday, next_monday = MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=7)
    actual = {
        monday: [10, 0, 5, 5],
        tuesday: [0, 10, 10, 0],
        next_monday: [4, 4, 0, 0],
    }
    forecast = {
        monday: [8, 2, 5, 5],
        tuesday: [0, 5, 10, 0],
        next_monday: [2, 2, 2, 2],
        # Not happened yet: not scored.
        next_monday + timedelta(days=1): [9, 9, 9, 9],
    }
    days = daily_errors(actual, forecast)
    assert [(d.day, d.actual, d.forecast) for d in days] == [
        (monday, 20, 20),
        (tuesday, 20, 15),
        (next_monday, 8, 8),
    ]
    # Monday: |10-8| + |0-2| = 4 over 20; Tuesday: 5 over 20; next Monday: 8 over 8.
    assert [d.interval_wape for d in days] == pytest.approx([0.2, 0.25, 1.0])

    first, second = weekly_errors(actual, forecast)
    assert (first.week, first.days, first.actual, first.forecast) == (monday, 2, 40, 35)
    # Daily totals: |20-20| + |20-15| = 5 over 40; intervals: 4 + 5 = 9 over 40.
    assert first.day_wape == pytest.approx(0.125)
    assert first.interval_wape == pytest.approx(0.225)
    assert (second.week, second.days) == (next_monday, 1)
    assert second.day_wape == 0
    assert second.interval_wape == pytest.approx(1.0)

    slots = slot_errors({monday: actual[monday], tuesday: actual[tuesday]}, forecast)
    # 00:00: actual 10 + 0, forecast 8 + 0 → 2/10; 00:15: actual 0 + 10, forecast 2 + 5 → 7/10.
    assert [(s.slot, s.actual, s.forecast) for s in slots] == [
        (0, 10, 8),
        (1, 10, 7),
        (2, 15, 15),
        (3, 5, 5),
    ]
    assert [s.wape for s in slots] == pytest.approx([0.2, 0.7, 0.0, 0.0])


def test_errors_refuse_days_of_different_lengths_in_chinese() -> None:
    with translation.override("zh-hans"), pytest.raises(ForecastError, match="个时段"):
        weekly_errors({MONDAY: [1, 2]}, {MONDAY: [1, 2, 3]})


# -- day types from China's calendar -------------------------------------------------------------


def test_day_types_from_the_official_calendar() -> None:
    # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked (调休);
    # New Year's Day 01-01..01-03 off, Sunday 01-04 worked; National Day 10-01..10-07 off.
    calendar = official_calendar(date(2025, 12, 1), date(2026, 12, 31))
    expected = {
        date(2026, 2, 17): DayType.HOLIDAY,
        date(2026, 1, 1): DayType.HOLIDAY,
        date(2026, 2, 28): DayType.MAKEUP,
        date(2026, 1, 4): DayType.MAKEUP,  # after New Year's Day: not a festival's edge
        date(2026, 2, 14): DayType.BEFORE_FESTIVAL,  # worked, but the eve of the festival
        date(2026, 2, 12): DayType.BEFORE_FESTIVAL,
        date(2026, 2, 11): DayType.WEEKDAY,
        date(2026, 2, 24): DayType.AFTER_FESTIVAL,
        date(2026, 2, 26): DayType.AFTER_FESTIVAL,
        date(2026, 2, 27): DayType.WEEKDAY,
        date(2026, 9, 30): DayType.BEFORE_FESTIVAL,
        date(2026, 10, 10): DayType.AFTER_FESTIVAL,  # a make-up Saturday 3 days after
        date(2026, 1, 5): DayType.WEEKDAY,
        date(2026, 3, 7): DayType.WEEKEND,
        date(2026, 3, 8): DayType.WEEKEND,
    }
    assert {day: day_type(day, calendar) for day in expected} == expected


def test_day_types_read_in_chinese() -> None:
    with translation.override("zh-hans"):
        labels = [str(DAY_TYPE_LABELS[kind]) for kind in DayType]
    assert labels == ["工作日", "周末", "法定节假日", "调休上班", "节前", "节后"]


def test_day_types_from_a_notice_with_chinese_names() -> None:
    # As an administrator enters a year the package does not cover yet (kefu/core/holidays.py).
    calendar = ChinaCalendar(
        holidays={
            **{day: "春节" for day in days_from(date(2027, 2, 6), 7)},
            date(2027, 5, 1): "劳动节",
        },
        workdays=frozenset({date(2027, 2, 20), date(2027, 4, 25)}),
    )
    assert day_type(date(2027, 2, 8), calendar) is DayType.HOLIDAY
    assert day_type(date(2027, 5, 1), calendar) is DayType.HOLIDAY
    assert day_type(date(2027, 2, 5), calendar) is DayType.BEFORE_FESTIVAL
    assert day_type(date(2027, 2, 13), calendar) is DayType.AFTER_FESTIVAL
    assert day_type(date(2027, 2, 20), calendar) is DayType.MAKEUP
    # Labour Day is not one of the two festivals: the day before it is an ordinary day.
    assert day_type(date(2027, 4, 30), calendar) is DayType.WEEKDAY
    assert day_type(date(2027, 4, 25), calendar) is DayType.MAKEUP


# -- the forecast recovers what the history holds ------------------------------------------------

WEEK_SHAPE = (1.3, 1.1, 1.0, 1.0, 1.05, 0.8, 0.75)
GROWTH = 1.03  # a week


def intraday(slots: int, peak: int) -> list[float]:
    """A day's shape with one peak at `peak`, summing to 1."""
    values = [1 + 10 * math.exp(-(((slot - peak) / (slots / 12)) ** 2)) for slot in range(slots)]
    total = sum(values)
    return [value / total for value in values]


def synthetic(
    weeks: int,
    *,
    slots: int = 96,
    calendar: ChinaCalendar = NO_HOLIDAYS,
    first: date = MONDAY,
    holiday_level: float = 0.3,
) -> list[DayHistory]:
    """Exact history: 1000 calls an average day growing 3 % a week, the weekly shape above,
    a weekday peak at 10:00 and a weekend peak at 15:00 (holidays: 30 % of the week's
    average day, peak at 20:00), handle time 200 s + 1 s per interval of the day."""
    history = []
    for day in days_from(first, 7 * weeks):
        level = 1000 * GROWTH ** ((day - first).days // 7)
        if day in calendar.holidays:
            total, shape = level * holiday_level, intraday(slots, slots * 20 // 24)
        else:
            total = level * WEEK_SHAPE[day.weekday()] / (sum(WEEK_SHAPE) / 7)
            shape = intraday(slots, slots * (15 if day.weekday() >= 5 else 10) // 24)
        calls = [total * share for share in shape]
        history.append(
            DayHistory(day, calls, calls, [c * (200 + slot) for slot, c in enumerate(calls)])
        )
    return history


@pytest.mark.parametrize("interval", [15, 30])
def test_weekly_shape_intraday_shape_and_trend_are_recovered(interval: int) -> None:
    slots = 24 * 60 // interval
    history = synthetic(10, slots=slots)
    week = days_from(MONDAY + timedelta(weeks=10), 7)
    exact = forecast_queue(
        history,
        days=week,
        calendar=NO_HOLIDAYS,
        interval_minutes=interval,
        # Undamped, and each interval's handle time its own whatever its calls.
        settings=Settings(damping=1.0, aht_prior_calls=0),
    )
    truth = synthetic(11, slots=slots)[-7:]
    for predicted, actual in zip(exact, truth, strict=True):
        assert predicted.day_type in (DayType.WEEKDAY, DayType.WEEKEND)
        assert len(predicted.calls) == slots
        assert predicted.calls == pytest.approx(actual.offered, rel=1e-6)
        assert predicted.aht_seconds == pytest.approx(
            [200 + slot for slot in range(slots)], rel=1e-6
        )
    # The default damps the trend: the next week grows by 3 %^0.85, not 3 %.
    damped = forecast_queue(history, days=week, calendar=NO_HOLIDAYS, interval_minutes=interval)
    for predicted, actual in zip(damped, truth, strict=True):
        expected = sum(actual.offered) / GROWTH * GROWTH**0.85
        assert predicted.total == pytest.approx(expected, rel=1e-6)
        # Intervals of few calls lean towards the day's handle time, busy ones keep theirs.
        quiet, busy = predicted.aht_seconds[0], predicted.aht_seconds[slots * 10 // 24]
        assert quiet is not None and 200 < quiet < 200 + slots / 2
        assert busy == pytest.approx(200 + slots * 10 // 24, rel=0.05)


def test_holidays_are_forecast_from_holidays_not_from_ordinary_weekdays() -> None:
    # History: 8 weeks with three days off (Wednesday to Friday) in the third week.
    off = days_from(MONDAY + timedelta(weeks=2, days=2), 3)
    # Forecast: a week with a holiday on Tuesday.
    holiday = MONDAY + timedelta(weeks=8, days=1)
    calendar = ChinaCalendar(holidays={day: "清明节" for day in [*off, holiday]})
    history = synthetic(8, calendar=calendar)
    (predicted, ordinary) = forecast_queue(
        history,
        days=[holiday, holiday + timedelta(days=7)],
        calendar=calendar,
        settings=Settings(damping=1.0),
    )
    level = 1000 * GROWTH**8
    assert predicted.day_type is DayType.HOLIDAY
    assert predicted.basis is DayType.HOLIDAY
    assert predicted.total == pytest.approx(0.3 * level, rel=1e-4)
    # A Tuesday would have been 1.1 / mean(WEEK_SHAPE) of the level, ~3.5 times more.
    assert ordinary.total == pytest.approx(level * GROWTH * 1.1 / (sum(WEEK_SHAPE) / 7), rel=1e-4)
    # And its calls peak when holidays' do (20:00), not at a Tuesday's 10:00.
    assert max(range(96), key=lambda slot: predicted.calls[slot]) == 80
    assert max(range(96), key=lambda slot: ordinary.calls[slot]) == 40


def test_a_holiday_without_any_in_the_history_says_what_it_borrowed() -> None:
    holiday = MONDAY + timedelta(weeks=4, days=1)
    calendar = ChinaCalendar(holidays={holiday: "清明节"})
    (predicted,) = forecast_queue(synthetic(4), days=[holiday], calendar=calendar)
    assert predicted.day_type is DayType.HOLIDAY
    assert predicted.basis is DayType.WEEKEND  # a Sunday's volume and shape, and said so


def test_festival_edges_are_learned_from_the_festivals_before() -> None:
    # National Day 2025 in the history; the days after it were 1.5 times an average day.
    calendar = official_calendar(date(2025, 8, 1), date(2026, 3, 31))
    first = date(2025, 8, 25)
    history = synthetic(24, calendar=calendar, first=first)
    after = {day for day in days_from(date(2025, 10, 9), 3)}
    history = [
        DayHistory(
            item.day,
            [value * 2 for value in item.offered] if item.day in after else item.offered,
            item.handled,
            item.handle_seconds,
        )
        for item in history
    ]
    spring = forecast_queue(history, days=[date(2026, 2, 24), date(2026, 3, 3)], calendar=calendar)
    assert [f.day_type for f in spring] == [DayType.AFTER_FESTIVAL, DayType.WEEKDAY]
    assert spring[0].basis is DayType.AFTER_FESTIVAL
    # Twice a Thursday–Saturday average against an ordinary Tuesday's 1.1 / 1.0.
    assert spring[0].total > 1.6 * spring[1].total


# -- bounded inputs: a clear result or a clear Chinese error ------------------------------------


def test_empty_history_is_a_clear_chinese_error() -> None:
    with translation.override("zh-hans"), pytest.raises(ForecastError) as error:
        forecast_queue([], days=[MONDAY], calendar=NO_HOLIDAYS)
    assert str(error.value) == "没有可用于预测的话务历史数据。"
    silent = [DayHistory(day, [0.0] * 96) for day in days_from(MONDAY, 14)]
    with translation.override("zh-hans"), pytest.raises(ForecastError, match="没有可用于预测"):
        forecast_queue(silent, days=[MONDAY + timedelta(weeks=2)], calendar=NO_HOLIDAYS)
    assert forecast_queue([], days=[], calendar=NO_HOLIDAYS) == []


def test_intervals_other_than_15_or_30_minutes_are_refused_in_chinese() -> None:
    with translation.override("zh-hans"), pytest.raises(ForecastError) as error:
        forecast_queue(synthetic(1), days=[MONDAY], calendar=NO_HOLIDAYS, interval_minutes=20)
    assert str(error.value) == "时段长度只能是 15 分钟或 30 分钟。"


def test_a_history_on_another_interval_or_with_bad_figures_is_refused_in_chinese() -> None:
    with translation.override("zh-hans"), pytest.raises(ForecastError) as error:
        forecast_queue(synthetic(1), days=[MONDAY], calendar=NO_HOLIDAYS, interval_minutes=30)
    assert str(error.value) == "2026-03-02 有 96 个时段，而本计划每天应有 48 个时段。"
    bad = [DayHistory(MONDAY, [1.0] * 95 + [-1.0])]
    with translation.override("zh-hans"), pytest.raises(ForecastError, match="负数或缺失值"):
        forecast_queue(bad, days=[MONDAY], calendar=NO_HOLIDAYS)
    missing = [DayHistory(MONDAY, [1.0] * 95 + [math.nan])]
    with translation.override("zh-hans"), pytest.raises(ForecastError, match="负数或缺失值"):
        forecast_queue(missing, days=[MONDAY], calendar=NO_HOLIDAYS)
    twice = [*synthetic(1), synthetic(1)[0]]
    with translation.override("zh-hans"), pytest.raises(ForecastError, match="出现了两次"):
        forecast_queue(twice, days=[MONDAY], calendar=NO_HOLIDAYS)


@pytest.mark.parametrize("interval", [15, 30])
def test_one_week_of_history_gives_that_week_again_without_a_trend(interval: int) -> None:
    slots = 24 * 60 // interval
    history = synthetic(1, slots=slots)
    week = days_from(MONDAY + timedelta(weeks=3), 7)
    result = forecast_queue(history, days=week, calendar=NO_HOLIDAYS, interval_minutes=interval)
    for predicted, actual in zip(result, history, strict=True):
        assert predicted.calls == pytest.approx(actual.offered, rel=1e-9)


def test_a_line_closed_at_weekends_around_a_festival() -> None:
    # National Day 2025: the week of 10-06 has three days off, three days after the
    # festival and one ordinary day, a Sunday without calls.
    calendar = official_calendar(date(2025, 8, 1), date(2025, 12, 31))
    history = [
        item if item.day.weekday() < 5 else DayHistory(item.day, [0.0] * 96)
        for item in synthetic(10, calendar=calendar, first=date(2025, 8, 25))
    ]
    sunday, after, monday = forecast_queue(
        history,
        days=[date(2025, 11, 9), date(2025, 10, 9), date(2025, 11, 10)],
        calendar=calendar,
    )
    assert sunday.total == 0
    assert after.day_type is DayType.AFTER_FESTIVAL and after.total > 0
    assert monday.total > 1000


def test_recent_weeks_of_holidays_only_carry_the_last_level_known() -> None:
    # Two ordinary weeks, then two weeks off: no week within the trend's reach has a level.
    calendar = ChinaCalendar(
        holidays=dict.fromkeys(days_from(MONDAY + timedelta(weeks=2), 14), "春节")
    )
    history = synthetic(4, calendar=calendar)
    (monday,) = forecast_queue(
        history,
        days=[MONDAY + timedelta(weeks=4)],
        calendar=calendar,
        settings=Settings(trend_weeks=2),
    )
    # The second week's level (1000 × 1.03) and a Monday's factor.
    assert monday.total == pytest.approx(1030 * 1.3 / (sum(WEEK_SHAPE) / 7), rel=1e-3)


def test_a_history_of_holidays_only_is_taken_as_it_is() -> None:
    calendar = official_calendar(date(2026, 1, 1), date(2026, 12, 31))
    festival = days_from(date(2026, 2, 15), 9)
    history = [DayHistory(day, [10.0] * 96) for day in festival]
    holiday, ordinary = forecast_queue(
        history, days=[date(2026, 10, 2), date(2026, 3, 10)], calendar=calendar
    )
    assert holiday.day_type is DayType.HOLIDAY
    assert holiday.total == pytest.approx(960)
    assert ordinary.total == pytest.approx(960)


def test_history_without_handle_times_forecasts_calls_and_no_handle_time() -> None:
    history = [DayHistory(item.day, item.offered) for item in synthetic(2)]
    (predicted,) = forecast_queue(history, days=[MONDAY + timedelta(weeks=2)], calendar=NO_HOLIDAYS)
    assert predicted.total > 0
    assert set(predicted.aht_seconds) == {None}


def test_seasonal_naive_is_the_same_interval_a_week_before() -> None:
    history = synthetic(3)
    (predicted,) = seasonal_naive(history, days=[MONDAY + timedelta(weeks=3, days=2)])
    assert predicted.calls == pytest.approx(history[14 + 2].offered)
    assert predicted.basis is None
    # Further ahead than the history: the latest same weekday it has.
    (later,) = seasonal_naive(history, days=[MONDAY + timedelta(weeks=5)])
    assert later.calls == pytest.approx(history[14].offered)


@given(
    st.lists(
        st.lists(
            st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e6)),
            min_size=48,
            max_size=48,
        ),
        max_size=24,
    ),
    st.sampled_from([date(2025, 9, 22), date(2026, 2, 9), MONDAY]),
    st.integers(min_value=-30, max_value=60),
    st.integers(min_value=0, max_value=9),
    st.booleans(),
)
def test_any_history_gives_a_forecast_or_a_forecast_error(
    days: list[list[float]], first: date, ahead: int, gap: int, weekends_closed: bool
) -> None:
    history = [
        DayHistory(
            day,
            [0.0] * 48 if weekends_closed and day.weekday() >= 5 else values,
            values,
            values,
        )
        for n, values in enumerate(days)
        for day in [first + timedelta(days=n + (gap if n > 3 else 0))]
    ]
    calendar = official_calendar(date(2025, 1, 1), date(2026, 12, 31))
    target = [first + timedelta(days=ahead + n) for n in range(3)]
    try:
        result = forecast_queue(history, days=target, calendar=calendar, interval_minutes=30)
    except ForecastError:
        assert not any(sum(item.offered) for item in history)
        return
    for predicted in result:
        assert len(predicted.calls) == 48
        assert all(math.isfinite(value) and value >= 0 for value in predicted.calls)
        assert all(a is None or (math.isfinite(a) and a >= 0) for a in predicted.aht_seconds)
