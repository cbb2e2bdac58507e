"""Reminders for missing work reports (issue 20 point 6; seed 002 第14篇): which report
period of each kind is owed and when its reminder goes out. Pure: no database; the clock
and the centre's working calendar are passed in.

- A daily report is owed for each working day of the centre's calendar (日报: 每天早上9:00
  前将前一天的工作报告……提交), a weekly one for every week (每周六18:00前), a monthly one for
  every month (每月最后一日); the due moments are `drafting.due_of`.
- The reminder goes out at the first working moment of the centre's calendar at or after
  the due moment: a weekly report due Saturday 18:00 in an office-hours centre is asked for
  on Monday morning, not over the weekend.
- Only the latest period of each kind whose reminder time has come is reminded: a sweep
  does not dig up months-old gaps, and each period is reminded once (the notification's
  key).
- Someone away (on leave or out on business) is not reminded while away: 如因公外出或因私
  请假,在返回公司当天下班前提交未交的工作报告.
"""

from __future__ import annotations

import datetime as dt

from kefu.core.workcal import WorkingCalendar, is_working_day, working_intervals
from kefu.supervision import drafting

#: How far ahead of a due moment the first working moment is looked for.
LOOK_AHEAD = dt.timedelta(days=40)
#: How many days back the latest working day is looked for (a long holiday: 春节).
DAYS_BACK = 21


def _aware_due(kind: str, first: dt.date, cal: WorkingCalendar) -> dt.datetime:
    return drafting.due_of(kind, first).replace(tzinfo=cal.tz)


def remind_at(cal: WorkingCalendar, due: dt.datetime) -> dt.datetime | None:
    """The first working moment at or after `due` (None: no working time within 40 days)."""
    for start, _end in working_intervals(cal, due, due + LOOK_AHEAD):
        return max(start, due)
    return None


def period_to_remind(
    kind: str, cal: WorkingCalendar, now: dt.datetime
) -> tuple[dt.date, dt.date] | None:
    """The latest period of `kind` whose reminder time has come by `now` (aware), or None.
    For daily reports only working days of the calendar count."""
    today = now.astimezone(cal.tz).date()
    if kind == drafting.Kind.DAILY:
        candidates = [
            (day, day)
            for day in (today - dt.timedelta(days=n) for n in range(1, DAYS_BACK + 1))
            if is_working_day(cal, day)
        ]
    else:
        first = drafting.period_of(kind, today)[0]
        candidates = [drafting.period_of(kind, first)]
        candidates.append(drafting.previous_period(kind, first))
    for first, last in candidates:
        due = _aware_due(kind, first, cal)
        if due > now:
            continue
        moment = remind_at(cal, due)
        # The latest period already due decides: if its reminder waits for the next working
        # moment, nothing is reminded yet (the one before was reminded in its own time).
        return (first, last) if moment is not None and moment <= now else None
    return None


def due_moment(kind: str, first: dt.date, cal: WorkingCalendar) -> dt.datetime:
    return _aware_due(kind, first, cal)
