"""The pure rules of missing-report reminders (issue 20 point 6; seed 002 第14篇: 日报 by
9:00 the next morning, 周报 by Saturday 18:00, 月报 on the month's last day), on the
centre's working calendar, at fixed moments (a frozen clock)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kefu.core.workcal import WorkingCalendar
from kefu.supervision.reminding import period_to_remind, remind_at

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = WorkingCalendar.working_hours(tz=TZ)
ALWAYS = WorkingCalendar.always(tz=TZ)


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def test_daily_report_of_a_working_day_reminded_after_nine_next_morning() -> None:
    # Tue 2026-11-03's report is due Wed 9:00.
    assert period_to_remind("daily", OFFICE, at(2026, 11, 4, 8, 59)) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 2),
    )
    assert period_to_remind("daily", OFFICE, at(2026, 11, 4, 9, 0)) == (
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 3),
    )


def test_no_daily_report_owed_for_a_weekend_and_fridays_waits_for_monday() -> None:
    # Friday 2026-11-06's report is due Sat 9:00; an office-hours centre asks on Monday.
    assert period_to_remind("daily", OFFICE, at(2026, 11, 8, 12)) is None
    monday = period_to_remind("daily", OFFICE, at(2026, 11, 9, 10))
    assert monday == (dt.date(2026, 11, 6), dt.date(2026, 11, 6))
    # A centre working every day owes Saturday's too, reminded Sunday 9:00.
    assert period_to_remind("daily", ALWAYS, at(2026, 11, 8, 9, 0)) == (
        dt.date(2026, 11, 7),
        dt.date(2026, 11, 7),
    )


def test_official_holiday_is_no_working_day() -> None:
    # 2026-10-01..07 国庆: no daily report owed for them; on 10-08 (a working day) at 10:00
    # the latest owed one is 09-30's... whose reminder moment (10-01 9:00, a holiday) moved
    # to the next working morning, 10-08.
    found = period_to_remind("daily", OFFICE, at(2026, 10, 8, 10))
    assert found == (dt.date(2026, 9, 30), dt.date(2026, 9, 30))


def test_weekly_report_reminded_at_the_next_working_moment() -> None:
    # Week of Mon 2026-11-02 is due Sat 11-07 18:00.
    assert period_to_remind("weekly", ALWAYS, at(2026, 11, 7, 17, 59)) == (
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 1),
    )
    assert period_to_remind("weekly", ALWAYS, at(2026, 11, 7, 18)) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 8),
    )
    # Office hours (8:30–17:30): nothing over the weekend, then Monday at opening.
    assert period_to_remind("weekly", OFFICE, at(2026, 11, 8, 12)) is None
    assert remind_at(OFFICE, at(2026, 11, 7, 18)) == at(2026, 11, 9, 8, 30)


def test_monthly_report_due_at_the_end_of_the_last_day() -> None:
    assert period_to_remind("monthly", ALWAYS, at(2026, 12, 1, 0, 0)) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
