"""The contract rules checked on one agent's shifts as they stand after a change (a swap
or leave, issue 17 point 4), before the team leader decides: pure, no ORM.

Each shift is a `WorkedShift` (its day, start, end, kind and paid minutes); the rules are
the agent's `rota.Contract`, the same the solver plans by: weekly hours and rest days
(7-day blocks from the rota's first day, a shorter block pro rata, an approved leave day
counting as an average working day towards the minimum), days in a row, the least rest
between two shifts, nights in a row and in runs, and no morning shift the day after a
night (two nights in a row stay allowed). Only the weeks and runs that hold one of the
`days` asked about are judged, so a rule the rota already broke elsewhere is not laid
at the change's door.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kefu.workforce.rota.problem import Contract, ShiftKind


@dataclass(frozen=True)
class WorkedShift:
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    kind: ShiftKind
    # Paid minutes (the length less unpaid breaks); None: the whole length.
    paid_minutes: int | None = None

    @property
    def paid(self) -> int:
        if self.paid_minutes is not None:
            return self.paid_minutes
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Breach:
    """One broken rule: its code, the day it shows, and the sentence a leader reads."""

    rule: str
    day: dt.date
    message: str


def _runs(days: set[dt.date]) -> list[list[dt.date]]:
    """The runs of consecutive days, each in order."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] + dt.timedelta(days=1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def broken_rules(
    shifts: Iterable[WorkedShift],
    contract: Contract,
    *,
    first_day: dt.date,
    last_day: dt.date,
    days: Iterable[dt.date],
    leave: Iterable[dt.date] = (),
) -> list[Breach]:
    """The rules `shifts` break around `days`, within the rota [first_day, last_day]
    (shifts outside it count for days and nights in a row and for rest)."""
    items = sorted(shifts, key=lambda item: item.start)
    concerned = set(days)
    leave_days = set(leave)
    worked = {item.day: item for item in items}
    found: list[Breach] = []

    # Weekly hours and rest days, per 7-day block from the rota's first day.
    length_days = (last_day - first_day).days + 1
    for offset in range(0, length_days, 7):
        block = [
            first_day + dt.timedelta(days=offset + n) for n in range(min(7, length_days - offset))
        ]
        if not concerned & set(block):
            continue
        size = len(block)
        minutes = sum(worked[day].paid for day in block if day in worked)
        most = math.ceil(contract.max_minutes_per_week * size / 7)
        working_days = 7 - contract.rest_days_per_week
        least = math.floor(contract.min_minutes_per_week * size / 7)
        if working_days:
            on_leave = sum(1 for day in block if day in leave_days)
            least -= math.floor(on_leave * contract.min_minutes_per_week / working_days)
        start = block[0]
        if minutes > most:
            found.append(
                Breach(
                    "max_hours",
                    start,
                    _("%(hours)s hours in the week from %(day)s, above the contract's %(most)s")
                    % {"hours": _hours(minutes), "day": _day(start), "most": _hours(most)},
                )
            )
        if minutes < least:
            found.append(
                Breach(
                    "min_hours",
                    start,
                    _("%(hours)s hours in the week from %(day)s, below the contract's %(least)s")
                    % {"hours": _hours(minutes), "day": _day(start), "least": _hours(least)},
                )
            )
        off = sum(1 for day in block if day not in worked)
        rest_needed = math.floor(contract.rest_days_per_week * size / 7)
        if off < rest_needed:
            found.append(
                Breach(
                    "rest_days",
                    start,
                    _("%(off)s rest days in the week from %(day)s, fewer than %(needed)s")
                    % {"off": off, "day": _day(start), "needed": rest_needed},
                )
            )

    # Days in a row.
    for run in _runs(set(worked)):
        if len(run) > contract.max_consecutive_days and concerned & set(run):
            found.append(  # noqa: PERF401 (one sentence a run)
                Breach(
                    "days_in_a_row",
                    run[0],
                    _("%(count)s working days in a row from %(day)s, more than %(most)s")
                    % {
                        "count": len(run),
                        "day": _day(run[0]),
                        "most": contract.max_consecutive_days,
                    },
                )
            )

    # Nights in a row and in runs: a run cut by the rota's end is not too short.
    nights = {day for day, item in worked.items() if item.kind is ShiftKind.NIGHT}
    for run in _runs(nights):
        touched = concerned & set(run) or concerned & {
            run[0] - dt.timedelta(days=1),
            run[-1] + dt.timedelta(days=1),
        }
        if not touched:
            continue
        if len(run) > contract.max_consecutive_nights:
            found.append(
                Breach(
                    "nights_in_a_row",
                    run[0],
                    _("%(count)s nights in a row from %(day)s, more than %(most)s")
                    % {
                        "count": len(run),
                        "day": _day(run[0]),
                        "most": contract.max_consecutive_nights,
                    },
                )
            )
        if len(run) < contract.min_consecutive_nights and run[-1] < last_day:
            found.append(
                Breach(
                    "night_run",
                    run[0],
                    _(
                        "a run of %(count)s nights from %(day)s, nights come in runs of at least "
                        "%(least)s"
                    )
                    % {
                        "count": len(run),
                        "day": _day(run[0]),
                        "least": contract.min_consecutive_nights,
                    },
                )
            )

    # Rest between one shift's end and the next one's start.
    for before, after in itertools.pairwise(items):
        if not concerned & {before.day, after.day}:
            continue
        rest = int((after.start - before.end).total_seconds() // 60)
        if rest < contract.min_rest_minutes:
            found.append(
                Breach(
                    "rest",
                    after.day,
                    _(
                        "only %(hours)s hours between the shifts of %(before)s and %(after)s, at "
                        "least %(least)s"
                    )
                    % {
                        "hours": _hours(max(rest, 0)),
                        "before": _day(before.day),
                        "after": _day(after.day),
                        "least": _hours(contract.min_rest_minutes),
                    },
                )
            )

    # No morning shift the day after a night; two nights in a row are allowed.
    if contract.no_morning_after_night:
        for day, item in worked.items():
            previous = worked.get(day - dt.timedelta(days=1))
            if (
                item.kind is ShiftKind.MORNING
                and previous is not None
                and previous.kind is ShiftKind.NIGHT
                and concerned & {day, previous.day}
            ):
                found.append(
                    Breach(
                        "morning_after_night",
                        day,
                        _("a morning shift on %(day)s right after a night shift")
                        % {"day": _day(day)},
                    )
                )
    found.sort(key=lambda breach: (breach.day, breach.rule))
    return found


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:g}" if hours == int(hours) else f"{hours:.1f}"


def _day(day: dt.date) -> str:
    return f"{day.month}/{day.day}"
