"""How often the centre's supervisors must make their rounds, and who missed one. Pure: no
database; the caller passes who must round, the days they were on duty, and the rounds.

Seed 001 (客服人员服务行为监督管理程序) 4.5:
- 4.5.1 the customer-service supervisor (客服主管, kefu's team leader) makes at least two
  rounds of the centre a day;
- 4.5.2 the project manager (项目经理, kefu's manager) at least one a day;
- 4.5.3 the customer-relations department (客户关系部) makes periodic and unannounced spot
  checks. The seed gives no figure; kefu asks for at least one in each calendar month and
  reports the months without one.

A person owes rounds only on the days they are on duty: the published rota's shifts when
the rota knows the person; else (no rota yet, the data missing) the centre's working days
from its calendar; else (no calendar either) every day. Rounds made on a day off count for
that day but are never owed. A round counts on the local day it started; only finished
rounds count (one still open at midnight is not yet a round).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

#: Rounds owed per day on duty, by role code (001 4.5.1 and 4.5.2).
DAILY_MINIMUM: Mapping[str, int] = {"leader": 2, "manager": 1}


class DayStatus(StrEnum):
    MET = "met"  # owed rounds and made them all
    MISSED = "missed"  # owed more rounds than were made
    OFF = "off"  # not on duty: nothing owed (rounds made anyway are still counted)
    OPEN = "open"  # today (or later), not met yet: the day is not over, nothing missed


class DutySource(StrEnum):
    ROTA = "rota"
    CALENDAR = "calendar"
    EVERY_DAY = "every_day"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    #: The days the rota has them on duty; None when the rota does not know them.
    on_duty: frozenset[date] | None = None


@dataclass(frozen=True)
class Day:
    day: date
    owed: int
    made: int
    status: DayStatus

    @property
    def missing(self) -> int:
        return 0 if self.status == DayStatus.OPEN else max(0, self.owed - self.made)


@dataclass(frozen=True)
class Row:
    person: Person
    source: DutySource
    days: tuple[Day, ...]
    rank: int = 0

    @property
    def owed(self) -> int:
        return sum(day.owed for day in self.days)

    @property
    def made(self) -> int:
        return sum(day.made for day in self.days)

    @property
    def missing(self) -> int:
        return sum(day.missing for day in self.days)

    @property
    def days_missed(self) -> int:
        return sum(1 for day in self.days if day.status == DayStatus.MISSED)


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included; none when they are reversed."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _duty(
    person: Person, working_day: Callable[[date], bool] | None
) -> tuple[DutySource, Callable[[date], bool]]:
    if person.on_duty is not None:
        return DutySource.ROTA, person.on_duty.__contains__
    if working_day is not None:
        return DutySource.CALENDAR, working_day
    return DutySource.EVERY_DAY, lambda day: True


def person_days(
    person: Person,
    made: Mapping[date, int],
    days: Sequence[date],
    working_day: Callable[[date], bool] | None = None,
    minimum: Mapping[str, int] = DAILY_MINIMUM,
    today: date | None = None,
) -> Row:
    """One person's days: owed, made and whether each was met. A role with no minimum
    owes nothing (an inspector's rounds are counted, never owed). From `today` on a day
    not met yet is open, not missed: its rounds may still be made."""
    source, on_duty = _duty(person, working_day)
    per_day = minimum.get(person.role, 0)
    out = []
    for day in days:
        count = made.get(day, 0)
        owed = per_day if on_duty(day) else 0
        if owed == 0:
            status = DayStatus.OFF
        elif count >= owed:
            status = DayStatus.MET
        elif today is not None and day >= today:
            status = DayStatus.OPEN
        else:
            status = DayStatus.MISSED
        out.append(Day(day, owed, count, status))
    return Row(person, source, tuple(out))


def compliance(
    people: Iterable[Person],
    rounds: Iterable[tuple[int, date]],
    days: Sequence[date],
    working_day: Callable[[date], bool] | None = None,
    minimum: Mapping[str, int] = DAILY_MINIMUM,
    today: date | None = None,
) -> list[Row]:
    """Every person's row over `days`, those who missed most rounds first and ranked:
    equal shortfalls share a rank (1, 1, 3), and within a rank the order is by name then
    id, so the table never shuffles between loads. `rounds` are (person id, local day)
    of the finished rounds; rounds of people not listed are ignored."""
    counts: Counter[tuple[int, date]] = Counter(rounds)
    rows = []
    for person in people:
        made = {day: counts[(person.id, day)] for day in days if (person.id, day) in counts}
        rows.append(person_days(person, made, days, working_day, minimum, today))
    rows.sort(key=lambda row: (-row.missing, row.person.name, row.person.id))
    ranked: list[Row] = []
    for index, row in enumerate(rows):
        tied = ranked and ranked[-1].missing == row.missing
        rank = ranked[-1].rank if tied else index + 1
        ranked.append(Row(row.person, row.source, row.days, rank))
    return ranked


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def months_without_spot_check(
    spot_check_days: Iterable[date], first: date, last: date
) -> list[tuple[int, int]]:
    """The calendar months from `first` to `last` in which the customer-relations
    department made no spot check (001 4.5.3: 定期、不定期; one a month is kefu's floor)."""
    seen = {(day.year, day.month) for day in spot_check_days if first <= day <= last}
    return [month for month in months_between(first, last) if month not in seen]
