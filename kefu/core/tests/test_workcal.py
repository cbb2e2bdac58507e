"""Tests for kefu.core.workcal: pure working-time arithmetic, no database, no Django."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kefu.core.workcal import (
    DAY_SECONDS,
    DEFAULT_PERIODS,
    SHANGHAI,
    WorkingCalendar,
    add_duration,
    add_working_days,
    add_working_time,
    is_working_day,
    official_calendar_covers,
    parse_iso_duration,
    parse_periods,
    uncovered_years,
    working_intervals,
    working_time_between,
)

SH = SHANGHAI
WH = WorkingCalendar.working_hours()
ALWAYS = WorkingCalendar.always()
# Periods ending at 24:00 and starting at 00:00 exercise the day seam outside 24x7.
NIGHT = WorkingCalendar.working_hours(
    "night",
    periods=parse_periods("00:00-06:00,22:00-24:00"),
    overrides={date(2025, 10, 3): True, date(2025, 3, 5): False},
)

H = timedelta(hours=1)
M = timedelta(minutes=1)


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=SH)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# ------------------------------------------------------ official calendar facts used


def test_official_calendar_facts_this_file_relies_on() -> None:
    # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 are 调休 workdays.
    for d in days_between(date(2026, 2, 15), date(2026, 2, 23)):
        assert not chinese_calendar.is_workday(d), d
    assert chinese_calendar.is_workday(date(2026, 2, 13))
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert date(2026, 2, 14).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 2, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert date(2026, 2, 28).weekday() == 5
    assert not chinese_calendar.is_workday(date(2026, 3, 1))
    # National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 are workdays.
    for d in days_between(date(2025, 10, 1), date(2025, 10, 8)):
        assert not chinese_calendar.is_workday(d), d
    assert not chinese_calendar.is_workday(date(2025, 9, 27))
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert date(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(date(2025, 9, 30))
    assert chinese_calendar.is_workday(date(2025, 10, 9))
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    assert date(2025, 10, 11).weekday() == 5
    # An ordinary week: Mon 2025-03-03 .. Fri 03-07 working, weekend off.
    for d in days_between(date(2025, 3, 3), date(2025, 3, 7)):
        assert chinese_calendar.is_workday(d), d
    assert not chinese_calendar.is_workday(date(2025, 3, 8))
    assert not chinese_calendar.is_workday(date(2025, 3, 9))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 3, 1))


def test_is_working_day_equals_chinese_calendar_on_every_covered_day() -> None:
    # workcal reads chinese_calendar's tables directly for speed; this pins the equivalence.
    first = date(2004, 1, 1)
    while official_calendar_covers(first.year):
        assert is_working_day(WH, first) == chinese_calendar.is_workday(first), first
        first += timedelta(days=1)
    assert first.year >= 2027


# ----------------------------------------------------------------- holidays: 2026


def test_spring_festival_2026_make_up_saturday_counts() -> None:
    # Accepted Friday 02-13 16:00 with 2 h left: 1.5 h that day, 0.5 h on Saturday 02-14.
    assert add_working_time(WH, at(2026, 2, 13, 16), 2 * H) == at(2026, 2, 14, 9)


def test_spring_festival_2026_deadline_lands_after_the_holiday() -> None:
    # Saturday 02-14 (调休) 17:00: 0.5 h left that day, holiday 02-15..02-23, 1.5 h on 02-24.
    assert add_working_time(WH, at(2026, 2, 14, 17), 2 * H) == at(2026, 2, 24, 10)
    assert add_working_time(WH, at(2026, 2, 14, 16, 30), 2 * H) == at(2026, 2, 24, 9, 30)
    assert working_time_between(WH, at(2026, 2, 14, 17, 30), at(2026, 2, 24, 8, 30)) == timedelta(0)
    # 0.5 h on Friday 02-13, 7.5 h on Saturday 02-14, 0.5 h on 02-24.
    assert working_time_between(WH, at(2026, 2, 13, 17), at(2026, 2, 24, 9)) == 8.5 * H


def test_spring_festival_2026_second_make_up_saturday() -> None:
    assert add_working_time(WH, at(2026, 2, 27, 17), H) == at(2026, 2, 28, 9)
    # Sunday 03-01 is an ordinary day off.
    assert add_working_time(WH, at(2026, 2, 28, 17), H) == at(2026, 3, 2, 9)


def test_spring_festival_2026_working_intervals() -> None:
    got = list(working_intervals(WH, at(2026, 2, 14, 12), at(2026, 2, 24, 12)))
    assert got == [
        (at(2026, 2, 14, 13, 30), at(2026, 2, 14, 17, 30)),
        (at(2026, 2, 24, 8, 30), at(2026, 2, 24, 12)),
    ]


# ----------------------------------------------------------------- holidays: 2025


def test_national_day_2025_deadline_lands_on_october_9() -> None:
    # Tuesday 09-30 16:30: 1 h that day, 10-01..10-08 off, 1 h on Thursday 10-09.
    assert add_working_time(WH, at(2025, 9, 30, 16, 30), 2 * H) == at(2025, 10, 9, 9, 30)


def test_national_day_2025_make_up_days_count() -> None:
    # Friday 09-26 17:00: Saturday 09-27 off, Sunday 09-28 is a make-up working day.
    assert add_working_time(WH, at(2025, 9, 26, 17), 2 * H) == at(2025, 9, 28, 10)
    # Friday 10-10 17:00: Saturday 10-11 is a make-up working day.
    assert add_working_time(WH, at(2025, 10, 10, 17), 2 * H) == at(2025, 10, 11, 10)
    working = [
        d for d in days_between(date(2025, 9, 27), date(2025, 10, 12)) if is_working_day(WH, d)
    ]
    assert working == [
        date(2025, 9, 28),
        date(2025, 9, 29),
        date(2025, 9, 30),
        date(2025, 10, 9),
        date(2025, 10, 10),
        date(2025, 10, 11),
    ]


def test_whole_year_2025_has_248_official_working_days() -> None:
    assert working_time_between(WH, at(2025, 1, 1), at(2026, 1, 1)) == 248 * 7.5 * H


# ---------------------------------------------------------------- lunch and edges


def test_lunch_break_is_skipped() -> None:
    assert add_working_time(WH, at(2025, 3, 4, 11, 30), H) == at(2025, 3, 4, 14)


def test_start_inside_lunch_break() -> None:
    assert add_working_time(WH, at(2025, 3, 4, 12, 15), 30 * M) == at(2025, 3, 4, 14)
    assert working_time_between(WH, at(2025, 3, 4, 12), at(2025, 3, 4, 13, 30)) == timedelta(0)
    assert working_time_between(WH, at(2025, 3, 4, 11), at(2025, 3, 4, 14)) == 90 * M
    assert list(working_intervals(WH, at(2025, 3, 4, 12, 10), at(2025, 3, 4, 13, 20))) == []


def test_duration_ending_at_a_period_end_returns_that_end() -> None:
    assert add_working_time(WH, at(2025, 3, 4, 10), 2 * H) == at(2025, 3, 4, 12)
    assert add_working_time(WH, at(2025, 3, 4, 15, 30), 2 * H) == at(2025, 3, 4, 17, 30)
    one_second = timedelta(seconds=1)
    assert add_working_time(WH, at(2025, 3, 4, 17, 30), one_second) == at(2025, 3, 5, 8, 30, 1)


def test_zero_duration_returns_start_even_outside_working_time() -> None:
    for start in (at(2025, 3, 4, 12, 45), at(2025, 3, 8, 3), at(2025, 3, 4, 17, 30)):
        assert add_working_time(WH, start, timedelta(0)) == start
    utc_start = datetime(2025, 3, 4, 4, 45, tzinfo=UTC)
    result = add_working_time(WH, utc_start, timedelta(0))
    assert result == utc_start
    assert result.tzinfo == SH


def test_results_are_in_calendar_zone_whatever_the_input_zone() -> None:
    start_utc = at(2025, 3, 4, 11, 30).astimezone(UTC)
    result = add_working_time(WH, start_utc, H)
    assert result == at(2025, 3, 4, 14)
    assert result.tzinfo == SH
    assert result.hour == 14


def test_weekend_is_skipped() -> None:
    assert add_working_time(WH, at(2025, 3, 7, 17), H) == at(2025, 3, 10, 9)
    assert add_working_time(WH, at(2025, 3, 8, 10), H) == at(2025, 3, 10, 9, 30)
    assert working_time_between(WH, at(2025, 3, 7, 17, 30), at(2025, 3, 10, 8, 30)) == timedelta(0)
    assert working_time_between(WH, at(2025, 3, 3), at(2025, 3, 10)) == 5 * 7.5 * H


def test_microseconds_are_kept_exactly() -> None:
    start = at(2025, 3, 4, 11, 59, 59).replace(microsecond=999_999)
    assert add_working_time(WH, start, timedelta(microseconds=2)) == at(2025, 3, 4, 13, 30).replace(
        microsecond=1
    )


def test_always_calendar_is_plain_timedelta_arithmetic() -> None:
    start = at(2026, 2, 14, 17, 3, 5)
    for d in (timedelta(seconds=1), 2 * H, timedelta(days=9, hours=7)):
        assert add_working_time(ALWAYS, start, d) == start + d
        assert working_time_between(ALWAYS, start, start + d) == d
    assert list(working_intervals(ALWAYS, start, start + timedelta(days=3))) == [
        (start, start + timedelta(days=3))
    ]
    assert add_working_days(ALWAYS, start, 5) == start + timedelta(days=5)


def test_end_before_start_gives_zero() -> None:
    assert working_time_between(WH, at(2025, 3, 5, 10), at(2025, 3, 4, 10)) == timedelta(0)
    assert list(working_intervals(WH, at(2025, 3, 5, 10), at(2025, 3, 4, 10))) == []


def test_night_calendar_crosses_midnight() -> None:
    # 2025-03-04 Tue and 03-05 Wed (override: off), 03-06 Thu working.
    assert add_working_time(NIGHT, at(2025, 3, 4, 23), 2 * H) == at(2025, 3, 6, 1)
    assert add_working_time(NIGHT, at(2025, 3, 3, 23), 2 * H) == at(2025, 3, 4, 1)
    got = list(working_intervals(NIGHT, at(2025, 3, 3, 12), at(2025, 3, 4, 12)))
    assert got == [(at(2025, 3, 3, 22), at(2025, 3, 4, 6))]


# --------------------------------------------------------------------- suspensions


def test_suspension_inside_working_time_pushes_deadline_by_its_length() -> None:
    start = at(2025, 3, 4, 9)
    plain = add_working_time(WH, start, 4 * H)
    assert plain == at(2025, 3, 4, 14, 30)
    susp = [(at(2025, 3, 4, 9, 30), at(2025, 3, 4, 10, 15))]
    assert add_working_time(WH, start, 4 * H, susp) == plain + 45 * M
    assert working_time_between(WH, start, plain + 45 * M, susp) == 4 * H


def test_overlapping_and_unsorted_suspensions_are_merged() -> None:
    start = at(2025, 3, 4, 9)
    susp = [
        (at(2025, 3, 4, 10), at(2025, 3, 4, 10, 30)),
        (at(2025, 3, 4, 9, 30), at(2025, 3, 4, 10, 15)),
        (at(2025, 3, 4, 9, 45), at(2025, 3, 4, 9, 50)),
    ]
    # Union is 09:30-10:30 = 1 h.
    assert add_working_time(WH, start, 4 * H, susp) == at(2025, 3, 4, 15, 30)
    assert working_time_between(WH, start, at(2025, 3, 4, 12), susp) == 2 * H


def test_out_of_hours_suspensions_change_nothing() -> None:
    start = at(2025, 3, 7, 16)
    susp = [
        (at(2025, 3, 7, 18), at(2025, 3, 10, 8, 30)),
        (at(2025, 3, 7, 12), at(2025, 3, 7, 13, 30)),
        (at(2025, 3, 7, 16, 30), at(2025, 3, 7, 16, 30)),  # empty
    ]
    assert add_working_time(WH, start, 3 * H, susp) == add_working_time(WH, start, 3 * H)


def test_suspension_partly_outside_working_time_counts_only_working_part() -> None:
    start = at(2025, 3, 4, 9)
    # 11:30-14:00 covers 0.5 h of morning and 0.5 h of afternoon working time.
    susp = [(at(2025, 3, 4, 11, 30), at(2025, 3, 4, 14))]
    assert add_working_time(WH, start, 4 * H, susp) == at(2025, 3, 4, 15, 30)
    # Started before the order and still running after it: only overlap matters.
    susp = [(at(2025, 3, 3, 20), at(2025, 3, 4, 10))]
    assert add_working_time(WH, start, H, susp) == at(2025, 3, 4, 11)


def test_result_is_never_inside_a_suspension() -> None:
    susp = [(at(2025, 3, 4, 9), at(2025, 3, 6, 10))]
    assert add_working_time(WH, at(2025, 3, 4, 8, 30), 30 * M, susp) == at(2025, 3, 4, 9)
    assert add_working_time(WH, at(2025, 3, 4, 9), 30 * M, susp) == at(2025, 3, 6, 10, 30)


def test_bad_suspensions_are_rejected() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        add_working_time(WH, at(2025, 3, 4, 9), H, [(at(2025, 3, 4, 10), at(2025, 3, 4, 9))])
    naive = datetime(2025, 3, 4, 10, tzinfo=SH).replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(WH, at(2025, 3, 4, 9), H, [(naive, at(2025, 3, 4, 11))])


# ---------------------------------------------------------------- add_working_days


def test_friday_afternoon_plus_one_day_is_monday_afternoon() -> None:
    assert add_working_days(WH, at(2025, 3, 7, 15), 1) == at(2025, 3, 10, 15)
    assert add_duration(WH, at(2025, 3, 7, 15), "P1D") == at(2025, 3, 10, 15)
    assert add_working_days(WH, at(2025, 3, 3, 15), 5) == at(2025, 3, 10, 15)


def test_working_days_from_a_saturday_end_on_monday_evening() -> None:
    # Saturday is the same working moment as Friday 17:30; one working day on is Monday 17:30.
    assert add_working_days(WH, at(2025, 3, 8, 10), 1) == at(2025, 3, 10, 17, 30)
    assert add_working_days(WH, at(2025, 3, 8, 10), 2) == at(2025, 3, 11, 17, 30)


def test_working_days_from_after_hours_keep_the_full_day() -> None:
    assert add_working_days(WH, at(2025, 3, 7, 18), 1) == at(2025, 3, 10, 17, 30)
    assert add_working_days(WH, at(2025, 3, 7, 17, 30), 1) == at(2025, 3, 10, 17, 30)
    # Before hours counts as the end of the previous working day.
    assert add_working_days(WH, at(2025, 3, 10, 7), 1) == at(2025, 3, 10, 17, 30)
    assert add_working_days(WH, at(2025, 3, 10, 8, 30), 1) == at(2025, 3, 10, 17, 30)
    # In the lunch break: the whole morning elapsed, so the end of the morning.
    assert add_working_days(WH, at(2025, 3, 10, 12, 45), 1) == at(2025, 3, 11, 12)


def test_working_days_across_spring_festival_2026() -> None:
    start = at(2026, 2, 13, 15)
    assert add_working_days(WH, start, 1) == at(2026, 2, 14, 15)  # 调休 Saturday
    assert add_working_days(WH, start, 2) == at(2026, 2, 24, 15)
    # From inside the holiday: the end of the first working day after it.
    assert add_working_days(WH, at(2026, 2, 18, 10), 1) == at(2026, 2, 24, 17, 30)
    # 02-24 15:00 + 3 h: 2.5 h until 17:30, 0.5 h on 02-25.
    assert add_duration(WH, start, "P2DT3H") == at(2026, 2, 25, 9)


def test_working_days_zero_and_negative() -> None:
    start = at(2025, 3, 8, 10)
    assert add_working_days(WH, start, 0) == start
    with pytest.raises(ValueError, match="negative"):
        add_working_days(WH, start, -1)


# -------------------------------------------------------------------- add_duration


def test_add_duration_time_part_and_suspensions() -> None:
    start = at(2025, 3, 7, 15)
    assert add_duration(WH, start, "P1DT2H") == at(2025, 3, 10, 17)
    assert add_duration(WH, start, (1, 2 * H)) == at(2025, 3, 10, 17)
    # Suspended 1 h on Friday, during the days part: the clock stops, 1 h more later.
    fri = [(at(2025, 3, 7, 16), at(2025, 3, 7, 17))]
    assert add_duration(WH, start, "P1DT2H", fri) == at(2025, 3, 11, 9)
    # Suspended on Monday after the days part ends: counted by the time part.
    mon = [(at(2025, 3, 10, 15, 30), at(2025, 3, 10, 16))]
    assert add_duration(WH, start, "P1DT2H", mon) == at(2025, 3, 10, 17, 30)
    # Days part only: suspended time in it is still made up.
    assert add_duration(WH, start, "P1D", fri) == at(2025, 3, 10, 16)
    assert add_duration(WH, start, "PT0S") == start
    assert add_duration(ALWAYS, start, "P3DT1H30M") == start + timedelta(days=3, minutes=90)


def test_add_duration_rejects_bad_parsed_tuples() -> None:
    with pytest.raises(ValueError):
        add_duration(WH, at(2025, 3, 7, 15), (-1, H))
    with pytest.raises(ValueError):
        add_duration(WH, at(2025, 3, 7, 15), (1, -H))


# ---------------------------------------------------------------------- overrides


def test_override_table_wins_over_official_calendar() -> None:
    cal = WorkingCalendar.working_hours(
        overrides={
            date(2025, 10, 8): True,  # official holiday, centre works
            date(2025, 9, 28): False,  # official make-up day, centre is off
            date(2025, 3, 4): False,  # ordinary Tuesday off
            date(2025, 3, 8): True,  # ordinary Saturday worked
        }
    )
    assert is_working_day(cal, date(2025, 10, 8))
    assert not is_working_day(cal, date(2025, 9, 28))
    assert not is_working_day(cal, date(2025, 3, 4))
    assert is_working_day(cal, date(2025, 3, 8))
    assert add_working_time(cal, at(2025, 9, 30, 16, 30), 2 * H) == at(2025, 10, 8, 9, 30)
    assert add_working_time(cal, at(2025, 3, 7, 17), H) == at(2025, 3, 8, 9)


def test_overrides_are_copied_and_calendar_is_hashable() -> None:
    source = {date(2025, 3, 8): True}
    cal = WorkingCalendar.working_hours(overrides=source)
    source[date(2025, 3, 8)] = False
    assert is_working_day(cal, date(2025, 3, 8))
    assert hash(cal) == hash(WorkingCalendar.working_hours(overrides={date(2025, 3, 8): True}))
    assert cal == WorkingCalendar.working_hours(overrides={date(2025, 3, 8): True})
    assert cal != WH


def test_uncovered_year_2027_falls_back_to_weekdays_and_overrides() -> None:
    assert official_calendar_covers(2026)
    assert not official_calendar_covers(2027)
    assert not official_calendar_covers(2003)
    cal = WorkingCalendar.working_hours(
        overrides={date(2027, 2, 8): False, date(2027, 2, 20): True}
    )
    assert is_working_day(WH, date(2027, 2, 8))  # Monday; no official data, so working
    assert not is_working_day(WH, date(2027, 2, 6))  # Saturday
    assert not is_working_day(cal, date(2027, 2, 8))
    assert is_working_day(cal, date(2027, 2, 20))
    # Friday 2027-02-05 17:00 + 2 h: Mon 02-08 is overridden off, so Tuesday.
    assert add_working_time(cal, datetime(2027, 2, 5, 17, tzinfo=SH), 2 * H) == datetime(
        2027, 2, 9, 10, tzinfo=SH
    )
    # Crossing from a covered into an uncovered year does not raise. New Year's Day 2027
    # is a Friday and, without official data or an override, a working day: exactly why
    # uncovered_years() exists, so administrators are warned to enter the holidays.
    assert date(2027, 1, 1).weekday() == 4
    end = add_working_time(WH, at(2026, 12, 31, 17), 2 * H)
    assert end == datetime(2027, 1, 1, 10, tzinfo=SH)
    new_year_off = WorkingCalendar.working_hours(overrides={date(2027, 1, 1): False})
    end = add_working_time(new_year_off, at(2026, 12, 31, 17), 2 * H)
    assert end == datetime(2027, 1, 4, 10, tzinfo=SH)
    assert add_working_time(WH, at(2026, 12, 30, 17), 2 * H) == at(2026, 12, 31, 10)


def test_uncovered_years() -> None:
    assert uncovered_years(date(2025, 6, 1), date(2028, 1, 1)) == [2027, 2028]
    assert uncovered_years(date(2024, 1, 1), date(2026, 12, 31)) == []
    assert uncovered_years(date(2002, 1, 1), date(2004, 1, 1)) == [2002, 2003]
    assert uncovered_years(date(2026, 1, 1), date(2025, 1, 1)) == []


def test_official_holidays_off_uses_weekdays_only() -> None:
    six_days = WorkingCalendar.working_hours(weekdays=frozenset(range(6)), official_holidays=False)
    assert is_working_day(six_days, date(2025, 10, 1))  # official holiday ignored
    assert is_working_day(six_days, date(2025, 3, 8))  # Saturday in the week
    assert not is_working_day(six_days, date(2025, 3, 9))


# ----------------------------------------------------------- parsing and validation


@pytest.mark.parametrize(
    ("text", "days", "time_part"),
    [
        ("P1D", 1, timedelta(0)),
        ("PT2H", 0, 2 * H),
        ("P2DT3H4M5S", 2, timedelta(hours=3, minutes=4, seconds=5)),
        ("PT90M", 0, 90 * M),
        ("PT3600S", 0, H),
        ("P0D", 0, timedelta(0)),
        ("PT0S", 0, timedelta(0)),
        ("P10DT30M", 10, 30 * M),
        ("  P1DT1H  ", 1, H),
    ],
)
def test_parse_iso_duration_accepts(text: str, days: int, time_part: timedelta) -> None:
    assert parse_iso_duration(text) == (days, time_part)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("P", "no value"),
        ("PT", "no value"),
        ("P1DT", "no value"),
        ("1D", "start with 'P'"),
        ("P1Y", "years and months"),
        ("P1M", "years and months"),
        ("P1Y2M3D", "years and months"),
        ("P2W", "weeks"),
        ("PT1.5H", "fractional"),
        ("PT1,5H", "fractional"),
        ("-P1D", "negative"),
        ("P-1D", "negative"),
        ("p1d", "start with 'P'"),
        ("P1H", "ISO 8601"),
        ("PT1H2H", "ISO 8601"),
        ("PT1S2M", "ISO 8601"),
        ("P1D2D", "ISO 8601"),
        ("P\u0661D", "ISO 8601"),  # Arabic-Indic digit: int() would accept it
    ],
)
def test_parse_iso_duration_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_iso_duration(text)


def test_parse_iso_duration_rejects_non_strings_and_huge_values() -> None:
    with pytest.raises(ValueError):
        parse_iso_duration(3600)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="too"):
        parse_iso_duration("P99999999999999D")
    with pytest.raises(ValueError, match="too"):
        parse_iso_duration("PT99999999999999999999H")


def test_parse_periods() -> None:
    assert parse_periods("08:30-12:00,13:30-17:30") == DEFAULT_PERIODS
    assert parse_periods(" 13:30-17:30 , 08:30-12:00 ") == DEFAULT_PERIODS
    assert parse_periods("08:30-12:00\uff0c13:30-17:30") == DEFAULT_PERIODS
    assert parse_periods("00:00-24:00") == ((0, DAY_SECONDS),)
    assert parse_periods("08:00-12:00,12:00-13:00") == ((28800, 43200), (43200, 46800))
    assert parse_periods("9:00-9:00:30") == ((32400, 32430),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no working periods"),
        ("08:00-12:00,11:00-13:00", "overlaps"),
        ("12:00-08:00", "end must be after start"),
        ("08:00-08:00", "end must be after start"),
        ("08:00-25:00", "out of range"),
        ("08:60-09:00", "out of range"),
        ("24:00-24:00", "only allowed as an end"),
        ("08:00-24:01", "24:00"),
        ("8-12", "HH:MM"),
        ("08:00-12:00-13:00", "HH:MM-HH:MM"),
        ("08:00-12:00,", "empty period"),
        ("0800-1200", "HH:MM"),
    ],
)
def test_parse_periods_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_periods(text)


def test_calendar_validation() -> None:
    with pytest.raises(ValueError, match="sorted"):
        WorkingCalendar("x", SH, ((46800, 50000), (30000, 40000)))
    with pytest.raises(ValueError, match="24:00"):
        WorkingCalendar("x", SH, ((0, DAY_SECONDS + 1),))
    with pytest.raises(ValueError, match="weekday"):
        WorkingCalendar("x", SH, DEFAULT_PERIODS, weekdays=frozenset({7}))
    with pytest.raises(TypeError):
        WorkingCalendar("x", "Asia/Shanghai", DEFAULT_PERIODS)  # type: ignore[arg-type]


def test_naive_datetimes_are_rejected() -> None:
    naive = at(2025, 3, 4, 9).replace(tzinfo=None)
    aware = at(2025, 3, 4, 9)
    calls: list[Callable[[], object]] = [
        lambda: add_working_time(WH, naive, H),
        lambda: working_time_between(WH, naive, aware),
        lambda: working_time_between(WH, aware, naive),
        lambda: working_intervals(WH, naive, aware),
        lambda: add_working_days(WH, naive, 1),
        lambda: add_duration(WH, naive, "PT1H"),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_time(WH, at(2025, 3, 4, 9), -timedelta(seconds=1))


def test_calendar_without_working_time_raises_instead_of_looping() -> None:
    no_days = WorkingCalendar.working_hours(weekdays=frozenset(), official_holidays=False)
    with pytest.raises(ValueError, match="no working"):
        add_working_time(no_days, at(2025, 3, 4, 9), H)
    with pytest.raises(ValueError, match="no working"):
        add_working_days(no_days, at(2025, 3, 4, 9), 1)
    no_periods = WorkingCalendar("empty", SH, ())
    with pytest.raises(ValueError, match="no working"):
        add_working_time(no_periods, at(2025, 3, 4, 9), H)
    with pytest.raises(ValueError, match="no working"):
        add_working_days(no_periods, at(2025, 3, 4, 9), 1)
    # Bounded questions still have an answer.
    assert working_time_between(no_days, at(2000, 1, 1), at(2030, 1, 1)) == timedelta(0)


# ------------------------------------------------------------------------------ DST


def test_dst_zone_counts_real_elapsed_time() -> None:
    ny = ZoneInfo("America/New_York")
    always_ny = WorkingCalendar.always(tz=ny)
    # 2025-03-09 springs forward: the local day is 23 h long.
    day = datetime(2025, 3, 9, tzinfo=ny)
    next_day = datetime(2025, 3, 10, tzinfo=ny)
    assert working_time_between(always_ny, day, next_day) == 23 * H
    start = datetime(2025, 3, 8, 12, tzinfo=ny)
    assert add_working_time(always_ny, start, 24 * H) == datetime(2025, 3, 9, 13, tzinfo=ny)
    # 2025-11-02 falls back: 25 h.
    assert (
        working_time_between(
            always_ny, datetime(2025, 11, 2, tzinfo=ny), datetime(2025, 11, 3, tzinfo=ny)
        )
        == 25 * H
    )


def test_dst_period_across_the_gap() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkingCalendar(
        "night-shift", berlin, parse_periods("01:30-03:30"), frozenset(range(7)), False
    )
    # 2025-03-30 02:00 CET jumps to 03:00 CEST: 01:30-03:30 is one real hour.
    day = datetime(2025, 3, 30, tzinfo=berlin)
    assert working_time_between(cal, day, day + timedelta(days=1)) == H
    assert (
        working_time_between(
            cal, datetime(2025, 10, 26, tzinfo=berlin), datetime(2025, 10, 27, tzinfo=berlin)
        )
        == 3 * H
    )
    result = add_working_time(cal, datetime(2025, 3, 30, 1, 30, tzinfo=berlin), 45 * M)
    assert result == datetime(2025, 3, 30, 3, 15, tzinfo=berlin)


# ----------------------------------------------------------------------- properties

TZ_CHOICES = st.sampled_from([SH, UTC, ZoneInfo("America/New_York")])
STARTS = st.builds(
    lambda dt, tz: dt.astimezone(tz),
    st.datetimes(
        min_value=datetime(2024, 1, 1, tzinfo=UTC).replace(tzinfo=None),
        max_value=datetime(2027, 12, 31, tzinfo=UTC).replace(tzinfo=None),
        timezones=st.just(SH),
    ),
    TZ_CHOICES,
)
DURATIONS = st.one_of(
    st.integers(0, 200 * 3600).map(lambda s: timedelta(seconds=s)),
    st.timedeltas(min_value=timedelta(0), max_value=200 * H),
    st.sampled_from([timedelta(0), 30 * M, H, 2 * H, 3.5 * H, 7.5 * H]),
)
SUSPENSIONS = st.lists(
    st.tuples(st.integers(-3 * DAY_SECONDS, 40 * DAY_SECONDS), st.integers(0, 5 * DAY_SECONDS)),
    max_size=6,
)
# Periods around New York's 02:00 DST switches exercise the per-bound slow path.
NY_SHIFTS = WorkingCalendar(
    "ny-shifts",
    ZoneInfo("America/New_York"),
    parse_periods("00:30-02:30,03:00-12:00,20:00-24:00"),
    frozenset({0, 1, 2, 3, 4, 6}),
    official_holidays=False,
)
CALENDARS = pytest.mark.parametrize("cal", [WH, ALWAYS, NIGHT, NY_SHIFTS], ids=lambda c: c.name)
PROPS = settings(deadline=None, max_examples=300)


def _plus(start: datetime, d: timedelta) -> datetime:
    # Elapsed-time addition; aware + timedelta keeps the wall clock in DST zones.
    return start.astimezone(UTC) + d


def _suspensions(start: datetime, raw: list[tuple[int, int]]) -> list[tuple[datetime, datetime]]:
    return [
        (_plus(start, timedelta(seconds=a)), _plus(start, timedelta(seconds=a + length)))
        for a, length in raw
    ]


def _local_us(t: datetime, cal: WorkingCalendar) -> tuple[date, int]:
    local = t.astimezone(cal.tz)
    us = ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond
    return local.date(), us


def _at_period_end_of_previous_day(cal: WorkingCalendar, day: date) -> bool:
    prev = day - timedelta(days=1)
    return is_working_day(cal, prev) and any(e == DAY_SECONDS for _s, e in cal.periods)


def _inside_or_at_end(cal: WorkingCalendar, t: datetime) -> bool:
    day, us = _local_us(t, cal)
    if is_working_day(cal, day) and any(
        s * 1_000_000 < us <= e * 1_000_000 for s, e in cal.periods
    ):
        return True
    return us == 0 and _at_period_end_of_previous_day(cal, day)


def _inside_or_at_edge(cal: WorkingCalendar, t: datetime) -> bool:
    day, us = _local_us(t, cal)
    if is_working_day(cal, day) and any(
        s * 1_000_000 <= us <= e * 1_000_000 for s, e in cal.periods
    ):
        return True
    return us == 0 and _at_period_end_of_previous_day(cal, day)


@CALENDARS
@PROPS
@given(start=STARTS, duration=DURATIONS, raw=SUSPENSIONS)
def test_prop_round_trip_is_exact(
    cal: WorkingCalendar, start: datetime, duration: timedelta, raw: list[tuple[int, int]]
) -> None:
    susp = _suspensions(start, raw)
    end = add_working_time(cal, start, duration, susp)
    assert end >= start
    assert working_time_between(cal, start, end, susp) == duration


@CALENDARS
@PROPS
@given(start=STARTS, duration=DURATIONS, raw=SUSPENSIONS)
def test_prop_result_is_in_working_time(
    cal: WorkingCalendar, start: datetime, duration: timedelta, raw: list[tuple[int, int]]
) -> None:
    susp = _suspensions(start, raw)
    end = add_working_time(cal, start, duration, susp)
    if duration > timedelta(0):
        assert _inside_or_at_end(cal, end), end
        assert not any(a < end <= b for a, b in susp if a < b), end
    else:
        assert end == start


@CALENDARS
@PROPS
@given(start=STARTS, d1=DURATIONS, d2=DURATIONS, raw=SUSPENSIONS)
def test_prop_monotonic(
    cal: WorkingCalendar,
    start: datetime,
    d1: timedelta,
    d2: timedelta,
    raw: list[tuple[int, int]],
) -> None:
    susp = _suspensions(start, raw)
    small, large = sorted((d1, d2))
    # As instants: Python compares two times of one zone by their wall clocks, fold ignored,
    # so 01:00:01 EDT would come after 01:00 EST, the repeated hour of the autumn change.
    earlier = add_working_time(cal, start, small, susp).astimezone(UTC)
    assert earlier <= add_working_time(cal, start, large, susp).astimezone(UTC)


@CALENDARS
@PROPS
@given(start=STARTS, days=st.integers(1, 40))
def test_prop_working_days_land_in_working_time(
    cal: WorkingCalendar, start: datetime, days: int
) -> None:
    result = add_working_days(cal, start, days)
    assert result > start
    assert _inside_or_at_edge(cal, result), result
    assert add_working_days(cal, start, days + 1) > result


@PROPS
@given(start=STARTS, duration=DURATIONS, days=st.integers(0, 60))
def test_prop_always_is_timedelta_addition(start: datetime, duration: timedelta, days: int) -> None:
    assert add_working_time(ALWAYS, start, duration) == _plus(start, duration)
    assert working_time_between(ALWAYS, start, _plus(start, duration)) == duration
    assert add_working_days(ALWAYS, start, days) == _plus(start, timedelta(days=days))
    expected = _plus(start, timedelta(days=days) + duration)
    assert add_duration(ALWAYS, start, (days, duration)) == expected


@CALENDARS
@settings(deadline=None, max_examples=100)
@given(
    start_minute=st.integers(0, 4 * 366 * 24 * 60),
    span_minutes=st.integers(0, 3 * 24 * 60),
    raw=st.lists(st.tuples(st.integers(-600, 4500), st.integers(0, 900)), max_size=4),
)
@example(start_minute=95940, span_minutes=4320, raw=[])  # spans New York's 2024 spring-forward
def test_prop_matches_minute_by_minute_oracle(
    cal: WorkingCalendar, start_minute: int, span_minutes: int, raw: list[tuple[int, int]]
) -> None:
    start = at(2024, 1, 1) + start_minute * M
    end = start + span_minutes * M
    susp = [(start + a * M, start + (a + length) * M) for a, length in raw]
    expected = 0
    for i in range(span_minutes):
        t = start + i * M
        day, us = _local_us(t, cal)
        working = is_working_day(cal, day) and any(
            s * 1_000_000 <= us < e * 1_000_000 for s, e in cal.periods
        )
        if working and not any(a <= t < b for a, b in susp):
            expected += 1
    assert working_time_between(cal, start, end, susp) == expected * M
    # Subtract in UTC: aware minus aware of the same zone is wall-clock time across DST.
    listed = sum(
        (b.astimezone(UTC) - a.astimezone(UTC) for a, b in working_intervals(cal, start, end)),
        start=timedelta(0),
    )
    assert listed == working_time_between(cal, start, end)
