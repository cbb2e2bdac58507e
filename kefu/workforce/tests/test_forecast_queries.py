"""The forecast's input read from the database: the telephony roll-ups and China's calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core.models import OrgUnit
from kefu.core.services import holiday_notice_enter
from kefu.telephony.models import Queue, QueueInterval
from kefu.workforce.forecast import DayType, day_type, forecast_queue
from kefu.workforce.queries import china_calendar, queue_histories

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


def roll_up(
    queue: Queue, start: dt.datetime, offered: int, *, seconds: int = 0, abandoned: int = 0
) -> None:
    """One 15-minute roll-up row: `offered` calls, all but `abandoned` completed with 100 s
    talk, 10 s hold and 20 s after-call work each (plus `seconds`)."""
    QueueInterval.objects.create(
        queue=queue,
        start=start,
        offered=offered,
        answered=offered - abandoned,
        abandoned=abandoned,
        completed=offered - abandoned,
        talk_sum=100 * (offered - abandoned) + seconds,
        hold_sum=10 * (offered - abandoned),
        acw_sum=20 * (offered - abandoned),
    )


@pytest.mark.django_db
def test_history_per_local_day_and_interval_of_15_and_30_minutes(
    centre: OrgUnit, other_centre: OrgUnit
) -> None:
    hotline = Queue.objects.create(centre=centre, name="95598")
    elsewhere = Queue.objects.create(centre=other_centre, name="95598")
    # Local midnight (16:00 UTC the day before), 00:15 and 23:45 on Monday; Wednesday's
    # 10:00 and 10:15; nothing on Tuesday: a day without calls between days with calls.
    roll_up(hotline, at(MONDAY, 0, 0), 4)
    roll_up(hotline, at(MONDAY, 0, 15), 8, seconds=50, abandoned=2)
    roll_up(hotline, at(MONDAY, 23, 45), 2)
    wednesday = MONDAY + dt.timedelta(days=2)
    roll_up(hotline, at(wednesday, 10, 0), 10)
    roll_up(hotline, at(wednesday, 10, 15), 30)
    roll_up(elsewhere, at(MONDAY, 0, 0), 99)

    fifteen = queue_histories(
        centre, first=MONDAY - dt.timedelta(days=7), last=wednesday, interval_minutes=15
    )
    assert list(fifteen) == ["95598"]
    monday, tuesday, wed = fifteen["95598"]  # the days before the first call are unknown
    assert [monday.day, tuesday.day, wed.day] == [MONDAY, MONDAY + dt.timedelta(days=1), wednesday]
    assert len(monday.offered) == 96
    # Calls offered, abandoned ones included: the 总呼叫数 of 002 第7篇.
    assert (monday.offered[0], monday.offered[1], monday.offered[95]) == (4, 8, 2)
    assert sum(monday.offered) == 14
    # Handle time: talk + hold + after-call work of the completed calls.
    assert monday.handled[1] == 6
    assert monday.handle_seconds[1] == 6 * 130 + 50
    assert sum(tuesday.offered) == 0 and len(tuesday.offered) == 96
    assert (wed.offered[40], wed.offered[41]) == (10, 30)

    thirty = queue_histories(centre, first=MONDAY, last=wednesday, interval_minutes=30)
    monday30, _tuesday30, wed30 = thirty["95598"]
    assert len(monday30.offered) == 48
    assert (monday30.offered[0], monday30.offered[47]) == (12, 2)
    assert monday30.handled[0] == 10
    assert monday30.handle_seconds[0] == 10 * 130 + 50
    assert wed30.offered[20] == 40

    only = queue_histories(
        centre, first=MONDAY, last=MONDAY, interval_minutes=15, queues=["nothing"]
    )
    assert only == {}


@pytest.mark.django_db
def test_the_calendar_adds_the_notices_the_package_does_not_cover(centre: OrgUnit) -> None:
    holiday_notice_enter(
        actor=None,
        year=2027,
        text="春节：2月6日至12日放假，2月20日（周六）上班\n劳动节：5月1日至5日放假",
    )
    calendar = china_calendar(dt.date(2026, 12, 1), dt.date(2027, 6, 30))
    assert day_type(dt.date(2026, 12, 31), calendar) is DayType.WEEKDAY
    assert day_type(dt.date(2027, 2, 8), calendar) is DayType.HOLIDAY
    assert day_type(dt.date(2027, 2, 5), calendar) is DayType.BEFORE_FESTIVAL
    assert day_type(dt.date(2027, 2, 15), calendar) is DayType.AFTER_FESTIVAL
    assert day_type(dt.date(2027, 2, 20), calendar) is DayType.MAKEUP
    assert day_type(dt.date(2027, 5, 3), calendar) is DayType.HOLIDAY
    # The official calendar's days are there as well.
    official = china_calendar(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert day_type(dt.date(2026, 2, 17), official) is DayType.HOLIDAY
    assert day_type(dt.date(2026, 2, 28), official) is DayType.MAKEUP


@pytest.mark.django_db
def test_a_forecast_from_the_roll_ups(centre: OrgUnit) -> None:
    hotline = Queue.objects.create(centre=centre, name="95598")
    # Two weeks: every day 10 calls at 09:00 and 30 at 09:30, Mondays twice as many.
    for n in range(14):
        day = MONDAY + dt.timedelta(days=n)
        scale = 2 if day.weekday() == 0 else 1
        roll_up(hotline, at(day, 9, 0), 10 * scale)
        roll_up(hotline, at(day, 9, 30), 30 * scale)
    first, last = MONDAY, MONDAY + dt.timedelta(days=13)
    history = queue_histories(centre, first=first, last=last, interval_minutes=30)["95598"]
    monday, tuesday = forecast_queue(
        history,
        days=[MONDAY + dt.timedelta(days=14), MONDAY + dt.timedelta(days=15)],
        calendar=china_calendar(first, last + dt.timedelta(days=7)),
        interval_minutes=30,
    )
    assert monday.calls[18] == pytest.approx(20)
    assert monday.calls[19] == pytest.approx(60)
    assert tuesday.total == pytest.approx(40)
    assert tuesday.aht_seconds[19] == pytest.approx(130)
