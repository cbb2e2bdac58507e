"""Reads of the workforce app: what the centre's own calls say for planning (the callers'
patience), and what the forecast plans from (the queues' history from the telephony
roll-ups, and China's working calendar)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum

from kefu.core.models import HolidayNotice, OrgUnit
from kefu.telephony.models import QueueInterval
from kefu.workforce import staffing
from kefu.workforce.forecast import ChinaCalendar, DayHistory, official_calendar, slots_per_day
from kefu.workforce.models import StaffingGoal
from kefu.workforce.models.planning import DEFAULT_ANSWER_SECONDS, DEFAULT_TARGET_PERCENT


def service_target(centre: OrgUnit) -> tuple[float, int]:
    """The service level the plans staff for, X % answered within Y s, as a share and
    seconds: the centre's staffing goal, else the standard's 80 % within 20 s (002 第7篇
    服务水平)."""
    goal = (
        StaffingGoal.objects.filter(centre=centre)
        .values_list("target_percent", "answer_seconds")
        .first()
    )
    percent, seconds = goal or (DEFAULT_TARGET_PERCENT, DEFAULT_ANSWER_SECONDS)
    return percent / 100, seconds


def observed_patience_seconds(
    *, centre: OrgUnit, start: dt.datetime, end: dt.datetime, queue: str | None = None
) -> float | None:
    """The callers' mean patience in the centre (or in one of its queues) over
    [start, end), from the interval roll-ups: the total wait of every call (answered,
    abandoned, and those the platform sent away, whose patience had not run out either) ÷
    the calls abandoned (staffing.patience_seconds). None when no call was abandoned."""
    rows = QueueInterval.objects.filter(queue__centre=centre, start__gte=start, start__lt=end)
    if queue:
        rows = rows.filter(queue__name=queue)
    totals = rows.aggregate(wait=Sum("wait_sum"), abandoned=Sum("abandoned"))
    return staffing.patience_seconds(
        total_wait_seconds=float(totals["wait"] or 0), abandoned=int(totals["abandoned"] or 0)
    )


_COUNTERS = ("offered", "completed", "talk_sum", "hold_sum", "acw_sum")


def queue_histories(
    centre: OrgUnit,
    *,
    first: dt.date,
    last: dt.date,
    interval_minutes: int,
    queues: list[str] | None = None,
) -> dict[str, list[DayHistory]]:
    """Each queue's calls offered (the 总呼叫数 of 002 第7篇: answered, abandoned or
    otherwise), calls handled and handle seconds (talk + hold + after-call work: the time an
    agent is taken) per local day and interval from `first` to `last`, summed from the
    15-minute roll-ups into the centre's interval; one query.

    A day between a queue's first and last day with data but without a row is a day
    without calls (the roll-ups write only intervals that had calls); days outside that
    span are unknown and left out."""
    tz = ZoneInfo(settings.TIME_ZONE)
    slots = slots_per_day(interval_minutes)
    rows = QueueInterval.objects.filter(
        queue__centre=centre,
        start__gte=dt.datetime.combine(first, dt.time(), tz),
        start__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz),
    )
    if queues is not None:
        rows = rows.filter(queue__name__in=queues)
    empty = [0.0] * (3 * slots)
    # queue → day → offered, handled and handle seconds, one after the other.
    found: dict[str, dict[dt.date, list[float]]] = defaultdict(dict)
    for name, start, offered, completed, talk, hold, acw in rows.values_list(
        "queue__name", "start", *_COUNTERS
    ).order_by("queue__name", "start"):
        local = start.astimezone(tz)
        slot = (local.hour * 60 + local.minute) // interval_minutes
        cells = found[name].get(local.date())
        if cells is None:
            cells = found[name][local.date()] = list(empty)
        cells[slot] += offered
        cells[slots + slot] += completed
        cells[2 * slots + slot] += talk + hold + acw
    result = {}
    for name, days in found.items():
        history = []
        day, end = min(days), max(days)
        while day <= end:
            values = days.get(day, empty)
            history.append(
                DayHistory(
                    day,
                    tuple(values[:slots]),
                    tuple(values[slots : 2 * slots]),
                    tuple(values[2 * slots :]),
                )
            )
            day += dt.timedelta(days=1)
        result[name] = history
    return result


def china_calendar(first: dt.date, last: dt.date) -> ChinaCalendar:
    """Statutory holidays and make-up working days from `first` to `last`: the official
    calendar kefu ships, and for the years it does not cover yet, the State Council's
    notices an administrator entered (`kefu/core/holidays.py`).

    The centre's own calendar overrides are not read: they say when the centre's back
    office works, while the callers' behaviour follows the national calendar."""
    holidays: dict[dt.date, str] = {}
    workdays: set[dt.date] = set()
    for notice in HolidayNotice.objects.filter(year__range=(first.year - 1, last.year + 1)):
        holidays.update((dt.date.fromisoformat(day), name) for day, name in notice.holidays)
        workdays.update(dt.date.fromisoformat(day) for day, _name in notice.workdays)
    return official_calendar(first, last, holidays=holidays, workdays=workdays)
