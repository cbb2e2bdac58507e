"""The daily-round rules (seed 001 4.5): a team leader (客服主管) owes two rounds a day on
duty (4.5.1), a manager (项目经理) one (4.5.2), the customer-relations department a spot
check each month (4.5.3, kefu's floor); duty from the rota, else the working calendar,
else every day; ties share a rank. Pure: no database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision.frequency import (
    DAILY_MINIMUM,
    DayStatus,
    DutySource,
    Person,
    compliance,
    days_between,
    months_without_spot_check,
    person_days,
)

MON = date(2026, 9, 28)  # a Monday; 2026-10-01..07 is the National Day holiday
WEEK = days_between(MON, date(2026, 10, 4))


def weekdays_only(day: date) -> bool:
    return day.weekday() < 5


def test_the_seed_figures() -> None:
    # 001 4.5.1: 客服主管每天...不少于2次; 4.5.2: 项目经理每天...不少于1次.
    assert DAILY_MINIMUM == {"leader": 2, "manager": 1}


def test_a_leader_with_two_rounds_meets_the_day_and_one_round_misses_it() -> None:
    leader = Person(1, "陈", "leader")
    row = person_days(leader, {MON: 2, WEEK[1]: 1}, WEEK[:3])
    assert [d.status for d in row.days] == [DayStatus.MET, DayStatus.MISSED, DayStatus.MISSED]
    assert [d.missing for d in row.days] == [0, 1, 2]
    assert (row.owed, row.made, row.missing, row.days_missed) == (6, 3, 3, 2)


def test_today_not_met_yet_is_open_not_missed() -> None:
    """The day is not over: a leader with one round by breakfast has missed nothing yet;
    yesterday's shortfall still counts, and today met is met."""
    leader = Person(1, "陈", "leader")
    row = person_days(leader, {MON: 1, WEEK[1]: 1}, WEEK[:2], today=WEEK[1])
    assert [d.status for d in row.days] == [DayStatus.MISSED, DayStatus.OPEN]
    assert (row.missing, row.days_missed) == (1, 1)
    met = person_days(leader, {WEEK[1]: 2}, WEEK[1:2], today=WEEK[1])
    assert met.days[0].status == DayStatus.MET
    ranked = compliance([leader], [(1, WEEK[1])], WEEK[1:2], today=WEEK[1])
    assert ranked[0].missing == 0


def test_more_rounds_than_owed_never_make_up_another_day() -> None:
    row = person_days(Person(1, "陈", "leader"), {MON: 5}, WEEK[:2])
    assert row.missing == 2 and row.days[0].missing == 0


def test_a_manager_owes_one() -> None:
    row = person_days(Person(2, "周", "manager"), {MON: 1}, WEEK[:2])
    assert [d.status for d in row.days] == [DayStatus.MET, DayStatus.MISSED]


def test_a_role_without_a_minimum_owes_nothing_but_its_rounds_count() -> None:
    row = person_days(Person(3, "吴", "qa"), {MON: 3}, WEEK[:2])
    assert row.owed == 0 and row.made == 3
    assert all(d.status == DayStatus.OFF for d in row.days)


def test_the_rota_decides_duty_when_it_knows_the_person() -> None:
    leader = Person(1, "陈", "leader", on_duty=frozenset({MON}))
    row = person_days(leader, {WEEK[1]: 1}, WEEK[:2], weekdays_only)
    assert row.source == DutySource.ROTA
    assert row.days[0].status == DayStatus.MISSED  # on the rota, no round
    assert row.days[1].status == DayStatus.OFF and row.days[1].made == 1  # off: counted, not owed


def test_an_empty_rota_means_off_every_day_not_unknown() -> None:
    row = person_days(Person(1, "陈", "leader", on_duty=frozenset()), {}, WEEK)
    assert row.source == DutySource.ROTA and row.owed == 0


def test_without_a_rota_the_working_calendar_decides_and_holidays_are_off() -> None:
    national_day = {date(2026, 10, d) for d in range(1, 8)}

    def working(day: date) -> bool:
        return weekdays_only(day) and day not in national_day

    row = person_days(Person(1, "陈", "leader"), {}, WEEK, working)
    assert row.source == DutySource.CALENDAR
    # Mon-Wed owed; Thu 10-01 and Fri 10-02 are holidays; the weekend is off.
    assert [d.owed for d in row.days] == [2, 2, 2, 0, 0, 0, 0]


def test_a_make_up_working_day_on_a_weekend_is_owed() -> None:
    sunday = date(2026, 10, 11)  # a make-up working day (调休) in the calendar's overrides

    def working(day: date) -> bool:
        return day == sunday or weekdays_only(day)

    row = person_days(Person(2, "周", "manager"), {}, [sunday], working)
    assert row.days[0].owed == 1 and row.days[0].status == DayStatus.MISSED


def test_without_rota_or_calendar_every_day_is_owed() -> None:
    row = person_days(Person(2, "周", "manager"), {}, WEEK)
    assert row.source == DutySource.EVERY_DAY and row.owed == 7


def test_no_days_no_people_and_rounds_of_strangers() -> None:
    assert compliance([], [(1, MON)], WEEK) == []
    assert person_days(Person(1, "陈", "leader"), {}, []).owed == 0
    rows = compliance([Person(1, "陈", "leader")], [(99, MON)], [MON])
    assert rows[0].made == 0
    assert days_between(WEEK[3], WEEK[0]) == []


def test_most_missing_first_and_ties_share_a_rank() -> None:
    people = [
        Person(1, "乙", "leader"),
        Person(2, "甲", "leader"),
        Person(3, "丙", "manager"),
        Person(4, "丁", "leader"),
    ]
    rounds = [(1, MON), (2, MON), (4, MON), (4, MON), (3, MON)]
    rows = compliance(people, rounds, [MON])
    # 乙 and 甲 each miss one: rank 1 together, ordered by name; then 0-missing tie at 3.
    assert [(r.person.name, r.missing, r.rank) for r in rows] == [
        ("乙", 1, 1),
        ("甲", 1, 1),
        ("丁", 0, 3),
        ("丙", 0, 3),
    ]


def test_same_names_are_ordered_by_id() -> None:
    rows = compliance([Person(5, "王", "leader"), Person(2, "王", "leader")], [], [MON])
    assert [r.person.id for r in rows] == [2, 5] and {r.rank for r in rows} == {1}


def test_months_without_a_spot_check() -> None:
    # 001 4.5.3: 客户关系部定期、不定期...抽样检查; one a calendar month is kefu's floor.
    first, last = date(2026, 11, 15), date(2027, 2, 2)
    assert months_without_spot_check([date(2026, 12, 31)], first, last) == [
        (2026, 11),
        (2027, 1),
        (2027, 2),
    ]
    # A spot check outside the period does not count for it.
    assert months_without_spot_check([date(2026, 11, 1)], first, last)[0] == (2026, 11)
    assert months_without_spot_check([], last, first) == []


@given(
    st.lists(st.integers(0, 6), max_size=30),
    st.sets(st.integers(0, 6)),
    st.sampled_from(["leader", "manager", "agent"]),
)
def test_owed_made_and_missing_add_up(round_days: list[int], duty: set[int], role: str) -> None:
    person = Person(1, "陈", role, on_duty=frozenset(WEEK[d] for d in duty))
    rows = compliance([person], [(1, WEEK[d]) for d in round_days], WEEK)
    row = rows[0]
    assert row.made == len(round_days)
    assert row.owed == DAILY_MINIMUM.get(role, 0) * len(duty)
    assert row.missing == sum(max(0, d.owed - d.made) for d in row.days)
    assert row.missing <= row.owed
    assert all(d.status != DayStatus.MISSED or d.made < d.owed for d in row.days)
