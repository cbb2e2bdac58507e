"""When a reminder falls due and what it says, pure (issue 19, point 4).

A rule reminds `days` days before a customer's date, or `days` days after a repair order
closes; counted on the calendar, or on the centre's working days (then it also goes on a
working day: the last one on or before the day for a reminder ahead of a date, the first
one on or after it for a reminder after a repair). It goes at a moment of the rule's
sending window picked from the customer's id, so a day's reminders are spread over it.

002 第2篇 asks for maintenance reminders four weeks, two weeks and one week ahead (by
letter, SMS and call) and a callback seven days after a repair: `SEED_RULES`."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass

IsWorkingDay = Callable[[dt.date], bool]

#: The placeholders a rule's text may hold.
PLACEHOLDERS = ("客户", "日期", "事项")


@dataclass(frozen=True)
class SeedRule:
    name: str
    event: str
    days: int
    channel: str
    template: str
    working_days: bool = False


#: 002 第2篇: maintenance reminders four weeks, two weeks and one week ahead; a callback
#: seven days after a repair.
SEED_RULES = (
    SeedRule(
        "计量校验提前四周提醒",
        "meter_calibration",
        28,
        "sms",
        "尊敬的{客户}：您的电能表将于{日期}进行{事项}，届时请予配合。",
    ),
    SeedRule(
        "计量校验提前两周提醒",
        "meter_calibration",
        14,
        "sms",
        "尊敬的{客户}：您的电能表将于{日期}进行{事项}，届时请予配合。",
    ),
    SeedRule(
        "计量校验提前一周提醒",
        "meter_calibration",
        7,
        "call",
        "致电{客户}，提醒{日期}的{事项}。",
    ),
    SeedRule(
        "报修后七天回访",
        "repair_closed",
        7,
        "call",
        "回访{客户}：{日期}处理完毕的报修，询问是否满意。",
    ),
)


def _step(day: dt.date, forward: bool) -> dt.date:
    return day + dt.timedelta(days=1 if forward else -1)


def _working_on_or(day: dt.date, is_working: IsWorkingDay, forward: bool) -> dt.date:
    for _ in range(60):  # the longest run of days off in China's calendar is nine
        if is_working(day):
            return day
        day = _step(day, forward)
    return day


def fire_date(
    anchor: dt.date, days: int, *, after: bool, working: bool, is_working: IsWorkingDay
) -> dt.date:
    """The day a reminder goes: `days` before `anchor` (after it when `after`), counted on
    the calendar or, when `working`, on working days and landing on one."""
    if not working:
        return anchor + dt.timedelta(days=days if after else -days)
    day = anchor
    for _ in range(days):
        day = _working_on_or(_step(day, after), is_working, after)
    return _working_on_or(day, is_working, after)


def anchors_firing_between(
    first: dt.date,
    last: dt.date,
    days: int,
    *,
    after: bool,
    working: bool,
    is_working: IsWorkingDay,
) -> tuple[dt.date, dt.date]:
    """The range of anchor dates (inclusive) whose reminder's fire date lies within
    [first, last]. Fire dates grow with anchors, so the range is found by stepping from
    an estimate; an empty range comes back with its start after its end."""
    sign = -1 if after else 1

    def fires(anchor: dt.date) -> dt.date:
        return fire_date(anchor, days, after=after, working=working, is_working=is_working)

    low = first + dt.timedelta(days=sign * days)
    while fires(low) >= first:
        low -= dt.timedelta(days=1)
    while fires(low) < first:
        low += dt.timedelta(days=1)
    high = last + dt.timedelta(days=sign * days)
    while fires(high) <= last:
        high += dt.timedelta(days=1)
    while fires(high) > last:
        high -= dt.timedelta(days=1)
    return low, high


def send_moment(
    day: dt.date, customer_id: int, *, send_from: dt.time, send_until: dt.time, tz: dt.tzinfo
) -> dt.datetime:
    """The moment in the rule's window on `day` at which this customer's reminder goes:
    spread evenly by the customer's id (a window of none sends at its start)."""
    start = dt.datetime.combine(day, send_from, tzinfo=tz)
    width = int(
        (dt.datetime.combine(day, send_until) - dt.datetime.combine(day, send_from)).total_seconds()
    )
    if width <= 0:
        return start
    return start + dt.timedelta(seconds=(customer_id * 7919) % width)


_FIELDS = re.compile(r"\{([^{}]*)\}")


def template_problem(template: str) -> str | None:
    """What is wrong with a rule's text (an unknown or unclosed placeholder), or None."""
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template)]
    except ValueError:
        return "unbalanced"
    for name in names:
        if name is not None and name not in PLACEHOLDERS:
            return name or "empty"
    return None


def render(template: str, values: Mapping[str, str]) -> str:
    """The rule's text with its placeholders filled; an unknown one stays as written."""
    return _FIELDS.sub(lambda match: values.get(match.group(1), match.group(0)), template)
