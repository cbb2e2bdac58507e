"""Attendance, adherence, late and early, turnover (issue 17 point 6), as 002 第7篇 defines
them: 实际工作率 = time logged in ready to answer ÷ time planned on the phones; 出勤率 =
agents who worked ÷ agents planned; 值机员流动率 = leavers ÷ headcount. Hand-worked cases and
properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kefu.workforce import attendance as a

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 1)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), TZ)


# 09:00–18:00 with a lunch 12:00–13:00: eight hours on the phones.
SHIFT = a.PlannedShift(
    member=1, day=DAY, starts_at=at(9), ends_at=at(18), breaks=((at(12), at(13)),)
)
EVENING = at(23)


def login(start: dt.datetime, end: dt.datetime | None) -> a.Stretch:
    return a.Stretch(a.LOGIN, start, end)


def pause(start: dt.datetime, end: dt.datetime | None) -> a.Stretch:
    return a.Stretch(a.PAUSE, start, end)


def test_a_perfect_shift_adheres_fully_and_is_neither_late_nor_early() -> None:
    """002 第7篇 实际工作率: logged in from 08:50 to 18:05, paused exactly for lunch."""
    result = a.shift_attendance(
        SHIFT, [login(at(8, 50), at(18, 5)), pause(at(12), at(13))], now=EVENING
    )
    assert result.present and not result.late and not result.early
    assert result.scheduled_seconds == 8 * 3600
    assert result.ready_seconds == 8 * 3600
    assert result.adherence == 1


def test_late_early_and_a_long_lunch_by_hand() -> None:
    """Logged in 09:20 (20 min late), lunch 12:00–13:30 (30 min into planned phone time),
    logged off 17:30 (30 min early); a 15-minute after-call stretch counts as ready.
    Ready = 09:20–12:00 (160 min) + 13:30–17:30 (240 min) = 400 of 480 min planned."""
    stretches = [
        login(at(9, 20), at(17, 30)),
        pause(at(12), at(13, 30)),
        a.Stretch(a.ACW, at(10), at(10, 15)),
    ]
    result = a.shift_attendance(SHIFT, stretches, now=EVENING, grace_minutes=5)
    assert result.late_minutes == 20 and result.early_minutes == 30
    assert result.logged_in_at == at(9, 20) and result.logged_off_at == at(17, 30)
    assert result.ready_seconds == 400 * 60
    assert result.adherence == 400 / 480


def test_within_the_grace_is_not_late() -> None:
    result = a.shift_attendance(SHIFT, [login(at(9, 4), at(17, 57))], now=EVENING, grace_minutes=5)
    assert not result.late and not result.early
    strict = a.shift_attendance(SHIFT, [login(at(9, 4), at(17, 57))], now=EVENING, grace_minutes=2)
    assert strict.late_minutes == 4 and strict.early_minutes == 3


def test_a_second_login_after_a_drop_is_not_late_and_counts_both_stretches() -> None:
    result = a.shift_attendance(
        SHIFT, [login(at(8, 55), at(10)), login(at(10, 30), at(18))], now=EVENING
    )
    assert not result.late and not result.early
    assert result.ready_seconds == 8 * 3600 - 30 * 60


def test_an_agent_who_never_logs_in_is_absent_not_late() -> None:
    """出勤率 (002 第7篇): one of two planned agents worked: 50 %. A log-in the evening
    before the shift does not count."""
    absent = a.shift_attendance(SHIFT, [login(at(6), at(7))], now=EVENING)
    assert not absent.present and not absent.late and not absent.early
    assert absent.adherence == 0
    other = a.PlannedShift(member=2, day=DAY, starts_at=at(9), ends_at=at(18))
    summary = a.summarise([SHIFT, other], {2: [login(at(9), at(18))]}, now=EVENING, grace_minutes=5)
    assert summary.scheduled_agents == 2 and summary.present_agents == 1
    assert summary.attendance == 0.5
    # 实际工作率 over both: 9 h ready of 8 h + 9 h planned.
    assert summary.adherence == 9 / 17


def test_a_running_shift_is_judged_on_its_part_so_far() -> None:
    now = at(11)
    result = a.shift_attendance(SHIFT, [login(at(9), None)], now=now)
    assert result.present and not result.early and result.logged_off_at is None
    assert result.scheduled_seconds == 2 * 3600 and result.ready_seconds == 2 * 3600
    later = a.PlannedShift(member=3, day=DAY, starts_at=at(14), ends_at=at(20))
    summary = a.summarise([later], {}, now=now)
    assert summary.scheduled_agents == 0 and summary.attendance is None


def test_turnover_by_hand() -> None:
    """值机员流动率 (002 第7篇): of 4 agents on the books in December (one joined mid-month,
    one left before it, one after), 1 left in it: 1 ÷ 4."""
    members = [
        (dt.date(2025, 1, 1), None),
        (dt.date(2026, 12, 10), None),  # joined in the month
        (None, dt.date(2026, 12, 15)),  # left in it
        (dt.date(2024, 3, 1), dt.date(2026, 11, 30)),  # left before it
        (dt.date(2026, 1, 1), dt.date(2027, 1, 5)),  # left after it
        (dt.date(2027, 1, 2), None),  # joined after it
    ]
    headcount, leavers = a.headcount_and_leavers(
        members, dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    )
    assert (headcount, leavers) == (4, 1)
    assert a.turnover(leavers, headcount) == 0.25
    assert a.turnover(0, 0) is None


def test_per_interval_counts_agents_worth_and_the_reforecast_scales_the_rest() -> None:
    start = at(9).timestamp()
    spans = [(start, start + 2700)]  # 09:00–09:45
    assert a.per_interval(spans, [start, start + 1800], 1800) == [1.0, 0.5]
    curve, ratio = a.reforecast([10, 10, 10, 20], [12, 18, 0, 0], elapsed=2)
    assert ratio == 1.5 and curve == [12, 18, 15, 30]
    assert a.reforecast([0, 5], [3, 0], elapsed=1) == ([3.0, 5.0], None)


times = st.integers(min_value=6 * 60, max_value=22 * 60)


@st.composite
def stretch_lists(draw: st.DrawFn) -> list[a.Stretch]:
    result = []
    for kind in draw(st.lists(st.sampled_from([a.LOGIN, a.PAUSE, a.ACW]), max_size=6)):
        first, second = sorted((draw(times), draw(times)))
        start = at(0) + dt.timedelta(minutes=first)
        result.append(a.Stretch(kind, start, at(0) + dt.timedelta(minutes=second)))
    return result


@given(stretch_lists(), st.integers(min_value=0, max_value=30))
def test_adherence_lies_between_0_and_1_and_late_never_exceeds_the_shift(
    stretches: list[a.Stretch], grace: int
) -> None:
    """实际工作率 (002 第7篇) counts only planned time: it never passes 1; a pause never
    raises it; a late or early agent was present."""
    result = a.shift_attendance(SHIFT, stretches, now=EVENING, grace_minutes=grace)
    assert 0 <= result.ready_seconds <= result.scheduled_seconds == 8 * 3600
    assert (result.late or result.early) <= result.present
    assert result.late_minutes <= 9 * 60 and result.early_minutes <= 9 * 60
    assert result.late_minutes == 0 or result.late_minutes > grace
    extra = a.shift_attendance(
        SHIFT, [*stretches, pause(at(9), at(10))], now=EVENING, grace_minutes=grace
    )
    assert extra.ready_seconds <= result.ready_seconds


@given(st.lists(st.tuples(st.none() | st.dates(), st.none() | st.dates()), max_size=20))
def test_leavers_never_exceed_the_headcount(
    members: list[tuple[dt.date | None, dt.date | None]],
) -> None:
    headcount, leavers = a.headcount_and_leavers(
        members, dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    )
    assert 0 <= leavers <= headcount <= len(members)
