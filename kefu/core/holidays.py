"""The State Council's holiday notice for a year, as an administrator types it (pure Python).

Each December the General Office of the State Council publishes next year's statutory
holidays (放假) and the weekend days worked instead (调休上班). Until the calendar package
kefu ships covers that year, an administrator enters the notice, one holiday a line:

    元旦：1月1日至3日放假，1月4日（周日）上班
    春节 2027-02-06~2027-02-13 上班 2027-02-14, 2027-02-20

A line is a holiday's name, then the days off (single days or ranges, "至", "~" or "-"
between their ends) and 放假, then the make-up working days and 上班; or, without 放假,
the days off, then 上班 and the make-up working days. Dates are
``M月D日`` or ``YYYY-MM-DD``; a day without a year belongs to the notice's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

__all__ = ["MAX_HOLIDAY_DAYS", "Notice", "parse_notice"]

#: The longest run of days off one holiday gives (the Spring Festival: 8 or 9 days).
MAX_HOLIDAY_DAYS = 10

_DAY = r"(?:(?:(?P<{p}y>\d{{4}})[-/.年])?(?P<{p}m>\d{{1,2}})[-/.月](?P<{p}d>\d{{1,2}})[日号]?)"
_RANGE = re.compile(
    _DAY.format(p="a")
    + r"(?:\s*(?:至|到|~|～|—|–|-)\s*"
    + r"(?:(?:(?P<by>\d{4})[-/.年])?(?:(?P<bm>\d{1,2})[-/.月])?(?P<bd>\d{1,2})[日号]?))?"
)
_WORK = re.compile(r"上班|调休|补班")
_OFF = re.compile(r"放假")
_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十\d]+[、.．]\s*")
_NOISE = re.compile(r"[（(][^）)]*[）)]")  # weekdays and remarks in brackets: （周日）


@dataclass
class Notice:
    year: int
    #: (day, holiday name) of every day off, in date order.
    holidays: list[tuple[date, str]] = field(default_factory=list)
    #: (day, holiday name) of every weekend day worked instead.
    workdays: list[tuple[date, str]] = field(default_factory=list)


def _day(year: int, y: str | None, m: str | None, d: str, line: int) -> date:
    try:
        return date(int(y) if y else year, int(m or 0), int(d))
    except ValueError:
        raise ValueError(
            _("Line %(line)s: %(text)s is not a date.")
            % {"line": line, "text": f"{m}月{d}日" if m else d}
        ) from None


def _days(text: str, year: int, line: int) -> list[date]:
    found: list[date] = []
    for match in _RANGE.finditer(text):
        first = _day(year, match["ay"], match["am"], match["ad"], line)
        if match["bd"] is None:
            found.append(first)
            continue
        last = _day(
            int(match["by"] or first.year), None, match["bm"] or str(first.month), match["bd"], line
        )
        if last < first:
            raise ValueError(_("Line %(line)s: a range ends before it starts.") % {"line": line})
        if (last - first).days + 1 > MAX_HOLIDAY_DAYS:
            raise ValueError(
                _("Line %(line)s: a holiday of more than %(days)s days is not a holiday notice.")
                % {"line": line, "days": MAX_HOLIDAY_DAYS}
            )
        found += [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return found


def parse_notice(year: int, text: str) -> Notice:
    """The notice's days off and make-up working days; ValueError names the line at fault."""
    if not 2000 <= year <= 2100:
        raise ValueError(_("Enter a year between 2000 and 2100."))
    notice = Notice(year)
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _NOISE.sub("", raw).strip()
        if not line:
            continue
        head = _RANGE.search(line)
        if head is None:
            raise ValueError(_("Line %(line)s has no date.") % {"line": number})
        name = _NUMBERING.sub("", line[: head.start()]).strip(" ：:，,、") or _("Holiday name")
        rest = line[head.start() :]
        # "…至13日放假调休，2月14日、2月20日上班": the days before 放假 are off, those after
        # it are worked; without 放假, the days after 上班 are.
        split = _OFF.search(rest) or _WORK.search(rest)
        off_text, work_text = (rest[: split.start()], rest[split.end() :]) if split else (rest, "")
        if work_text and not _WORK.search(rest):
            off_text, work_text = rest, ""
        off, work = _days(off_text, year, number), _days(work_text, year, number)
        if not off:
            raise ValueError(_("Line %(line)s gives no day off.") % {"line": number})
        for day in off + work:
            # 元旦 may start on the last days of the year before, or end in the next.
            if not date(year - 1, 12, 25) <= day <= date(year + 1, 1, 7):
                raise ValueError(
                    _("Line %(line)s: %(day)s is not in %(year)s.")
                    % {"line": number, "day": day.isoformat(), "year": year}
                )
            if day in seen:
                raise ValueError(
                    _("Line %(line)s: %(day)s is already given on line %(other)s.")
                    % {"line": number, "day": day.isoformat(), "other": seen[day]}
                )
            seen[day] = number
        for day in work:
            if day.weekday() < 5:
                raise ValueError(
                    _("Line %(line)s: %(day)s is a weekday; make-up working days are weekends.")
                    % {"line": number, "day": day.isoformat()}
                )
        notice.holidays += [(day, name) for day in off]
        notice.workdays += [(day, name) for day in work]
    if not notice.holidays:
        raise ValueError(_("Enter the notice's holidays, one a line."))
    notice.holidays.sort()
    notice.workdays.sort()
    return notice
