"""China's day types for the forecast: statutory holidays, make-up working days, the days
around the Spring Festival and National Day, ordinary weekdays and weekends."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar
from django.utils.translation import gettext_lazy

#: The long holidays whose neighbouring days behave apart: callers hold their business
#: until after the holiday, and settle it just before. Names as chinese_calendar gives them
#: and as the State Council's notice writes them (kefu/core/holidays.py).
FESTIVALS = frozenset({"Spring Festival", "National Day", "春节", "国庆节", "国庆"})


class DayType(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"
    BEFORE_FESTIVAL = "before_festival"
    AFTER_FESTIVAL = "after_festival"


DAY_TYPE_LABELS = {
    DayType.WEEKDAY: gettext_lazy("Working day"),
    DayType.WEEKEND: gettext_lazy("Weekend"),
    DayType.HOLIDAY: gettext_lazy("Statutory holiday"),
    DayType.MAKEUP: gettext_lazy("Make-up working day"),
    DayType.BEFORE_FESTIVAL: gettext_lazy("Before the festival"),
    DayType.AFTER_FESTIVAL: gettext_lazy("After the festival"),
}


ORDINARY = frozenset({DayType.WEEKDAY, DayType.WEEKEND})


@dataclass(frozen=True)
class ChinaCalendar:
    """China's working calendar as the forecast needs it: the days off of the statutory
    holidays with the holiday's name, and the weekend days worked instead (调休上班)."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: frozenset[date] = frozenset()
    #: How many days before and after a festival's days off count as 节前 / 节后.
    margin: int = 3


def official_calendar(
    first: date,
    last: date,
    *,
    holidays: Mapping[date, str] | None = None,
    workdays: Iterable[date] = (),
) -> ChinaCalendar:
    """China's calendar from `first` to `last` as the chinese-calendar package kefu ships
    has it, plus days from the State Council's notices it does not have yet (`holidays`
    and `workdays`, e.g. from an administrator's HolidayNotice)."""
    found: dict[date, str] = {}
    made_up: set[date] = set()
    for day, name in chinese_calendar.holidays.items():
        # The package lists every weekend too, without a holiday's name.
        if first <= day <= last and name is not None:
            found[day] = getattr(name, "value", str(name))
    for day in chinese_calendar.workdays:
        if first <= day <= last:
            made_up.add(day)
    found.update((day, name) for day, name in (holidays or {}).items() if first <= day <= last)
    made_up.update(day for day in workdays if first <= day <= last)
    return ChinaCalendar(holidays=found, workdays=frozenset(made_up))


def _festival_edges(calendar: ChinaCalendar) -> dict[date, tuple[DayType, int]]:
    """The days just before and after each festival's run of days off, with how many days
    away they are (1 = the day next to the holiday)."""
    edges: dict[date, tuple[DayType, int]] = {}
    # Runs of consecutive days off; a run is a festival's when one of its days is (the
    # Mid-Autumn Festival may fall inside National Day's week).
    runs: list[tuple[date, date, bool]] = []
    for day in sorted(calendar.holidays):
        festival = calendar.holidays[day] in FESTIVALS
        if runs and (day - runs[-1][1]).days <= 1:
            runs[-1] = (runs[-1][0], day, runs[-1][2] or festival)
        else:
            runs.append((day, day, festival))
    runs = [run for run in runs if run[2]]
    for first, last, _festival in runs:
        for offset in range(1, calendar.margin + 1):
            for day, kind in (
                (first - timedelta(days=offset), DayType.BEFORE_FESTIVAL),
                (last + timedelta(days=offset), DayType.AFTER_FESTIVAL),
            ):
                if day in calendar.holidays:
                    continue
                known = edges.get(day)
                if known is None or offset < known[1]:
                    edges[day] = (kind, offset)
    return edges


def day_type(day: date, calendar: ChinaCalendar) -> DayType:
    """The day's type: holiday, then 节前/节后, then make-up working day, then ordinary."""
    return _DayTyper(calendar).key(day)[0]


class _DayTyper:
    """Day types and profile keys, with the festival edges worked out once."""

    def __init__(self, calendar: ChinaCalendar) -> None:
        self.calendar = calendar
        self.edges = _festival_edges(calendar)

    def key(self, day: date) -> tuple[DayType, int]:
        """(day type, sub-key): the weekday for ordinary days, 1 for a festival's days off
        and 0 for a short holiday's, the distance for 节前/节后, 0 for make-up days."""
        name = self.calendar.holidays.get(day)
        if name is not None:
            return DayType.HOLIDAY, int(name in FESTIVALS)
        edge = self.edges.get(day)
        if edge is not None:
            return edge
        if day in self.calendar.workdays:
            return DayType.MAKEUP, 0
        weekday = day.weekday()
        return (DayType.WEEKEND if weekday >= 5 else DayType.WEEKDAY), weekday
