"""Time limits as people write them in a centre's spreadsheet: 2小时, 24小时, 90分钟,
3个工作日, 1个半小时, 1天4小时, and the product's own ISO 8601 form (PT2H, P3D). Pure: no
ORM.

A day is a working day of the policy's calendar (kefu/core/workcal.py): on a round-the-
clock calendar that is a day of 24 hours, on office hours a working day, so 24小时 and
1天 are different limits there (PT24H and P1D) and both are kept as written. Hours may
have a fraction that makes whole minutes (1.5小时 is 90 minutes); days may not, since a
fraction of a working day depends on the calendar.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.core.workcal import parse_iso_duration

__all__ = ["duration_iso", "duration_text", "same_duration"]

_DAY = "day"
_HOUR = "hour"
_MINUTE = "minute"
_SECOND = "second"
# What people write after a number, Chinese and English, longest first so that 分钟 wins
# over 分 and 工作日 over 日.
_UNITS = [
    ("个工作日", _DAY),
    ("工作日", _DAY),
    ("working days", _DAY),
    ("working day", _DAY),
    ("days", _DAY),
    ("day", _DAY),
    ("天", _DAY),
    ("日", _DAY),
    ("d", _DAY),
    ("个小时", _HOUR),
    ("个钟头", _HOUR),
    ("小时", _HOUR),
    ("钟头", _HOUR),
    ("hours", _HOUR),
    ("hour", _HOUR),
    ("hrs", _HOUR),
    ("hr", _HOUR),
    ("h", _HOUR),
    ("分钟", _MINUTE),
    ("minutes", _MINUTE),
    ("minute", _MINUTE),
    ("mins", _MINUTE),
    ("min", _MINUTE),
    ("分", _MINUTE),
    ("m", _MINUTE),
    ("秒钟", _SECOND),
    ("秒", _SECOND),
    ("seconds", _SECOND),
    ("second", _SECOND),
    ("s", _SECOND),
]
_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(" + "|".join(re.escape(unit) for unit, _kind in _UNITS) + r")",
    re.IGNORECASE,
)
_UNIT_KIND = {unit: kind for unit, kind in _UNITS}
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS |= {"八": 8, "九": 9}
_CHINESE_NUMBER = re.compile(r"[零一二两三四五六七八九十]+")
MAX_DAYS = 3650


def _arabic(match: re.Match[str]) -> str:
    """一 to 九十九 as digits (两小时, 二十四小时, 十五分钟)."""
    text = match.group(0)
    if "十" not in text:
        if len(text) != 1:
            return text  # 二四 is no number: left for the parser to refuse
        return str(_DIGITS[text])
    tens, _ten, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return text
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return str(value)


def _not_a_duration() -> ValueError:
    return ValueError(
        _("Not a duration: write it as 2小时, 90分钟, 3个工作日 or 1天4小时 (or PT2H, P3D).")
    )


def duration_iso(text: str) -> str:
    """The ISO 8601 form (`P3D`, `PT1H30M`) of a duration as a person wrote it; ValueError
    with a message for that person when it is none."""
    written = " ".join(text.split())
    if not written:
        raise _not_a_duration()
    if written[0] in "Pp" and written.isascii():
        try:
            days, time = parse_iso_duration(written.upper())
        except ValueError:
            raise _not_a_duration() from None
        return _iso(days, time)
    normal = written.replace("个半小时", ".5小时").replace("个半钟头", ".5小时")
    normal = normal.replace("半小时", "0.5小时").replace("半个小时", "0.5小时")
    normal = _CHINESE_NUMBER.sub(_arabic, normal)
    days, minutes, seconds = 0, 0.0, 0
    position = 0
    seen: set[str] = set()
    for part in _PART.finditer(normal):
        if normal[position : part.start()].strip(" ,，、又零"):
            raise _not_a_duration()
        position = part.end()
        number, unit = part.group(1), _UNIT_KIND[part.group(2).lower()]
        if unit in seen:
            raise _not_a_duration()
        seen.add(unit)
        if unit == _DAY:
            if "." in number:
                raise ValueError(
                    _(
                        "Days must be whole (a part of a working day depends on the "
                        "calendar): write hours instead, e.g. 4小时."
                    )
                )
            days = int(number)
        elif unit == _HOUR:
            minutes += float(number) * 60
        elif unit == _MINUTE:
            if "." in number:
                raise _not_a_duration()
            minutes += int(number)
        else:
            if "." in number:
                raise _not_a_duration()
            seconds = int(number)
    if not seen or normal[position:].strip():
        raise _not_a_duration()
    if minutes != int(minutes):
        raise ValueError(
            _("A limit is counted in whole minutes: 1.5小时 is fine, 1.01小时 is not.")
        )
    if days > MAX_DAYS or minutes > MAX_DAYS * 24 * 60:
        raise ValueError(_("A limit of more than ten years is not a time limit."))
    return _iso(days, timedelta(minutes=int(minutes), seconds=seconds))


def _iso(days: int, time: timedelta) -> str:
    total = int(time.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = (
        (f"{hours}H" if hours else "")
        + (f"{minutes}M" if minutes else "")
        + (f"{seconds}S" if seconds else "")
    )
    if clock:
        text += "T" + clock
    return text if text != "P" else "PT0S"


def same_duration(first: str, second: str) -> bool:
    """Whether two ISO durations are the same limit however written (PT90M and PT1H30M)."""
    try:
        return parse_iso_duration(first) == parse_iso_duration(second)
    except ValueError:
        return first == second


def duration_text(iso: str, *, working_days: bool = True) -> str:
    """How a person writes the ISO duration `iso`: 2小时, 1小时30分钟, 3个工作日 (3天 on a
    round-the-clock calendar, `working_days=False`); `duration_iso` reads it back."""
    days, time = parse_iso_duration(iso)
    total = int(time.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if days:
        if working_days:
            parts.append(
                ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}
            )
        else:
            parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    if seconds:
        parts.append(
            ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
        )
    if not parts:
        return ngettext("%(count)d minute", "%(count)d minutes", 0) % {"count": 0}
    return _join(parts)


def _join(parts: list[str]) -> str:
    # Chinese writes 1小时30分钟 as one word; English separates "1 hour 30 minutes".
    if all(part.isascii() for part in parts):
        return " ".join(parts)
    return "".join(parts)
