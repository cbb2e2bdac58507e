"""Working-time arithmetic on a working calendar (pure Python, no Django).

Deadlines of work orders are computed here: "2 working hours after acceptance",
"3 working days later", with China's official holidays and make-up working days
(调休), the centre's own overrides, and suspension intervals during which the
clock stops. All arithmetic is done on integer microseconds since the Unix epoch,
so results are exact; local days are walked one by one with zoneinfo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "DAY_SECONDS",
    "DEFAULT_PERIODS",
    "MAX_EMPTY_DAYS",
    "SHANGHAI",
    "WorkingCalendar",
    "add_duration",
    "add_working_days",
    "add_working_time",
    "is_working_day",
    "official_calendar_covers",
    "parse_iso_duration",
    "parse_periods",
    "uncovered_years",
    "working_intervals",
    "working_time_between",
]

DAY_SECONDS = 86_400
DEFAULT_PERIODS: tuple[tuple[int, int], ...] = (
    (8 * 3600 + 30 * 60, 12 * 3600),
    (13 * 3600 + 30 * 60, 17 * 3600 + 30 * 60),
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Consecutive days without working time after which an open-ended search gives up.
MAX_EMPTY_DAYS = 3700

Interval = tuple[datetime, datetime]
Suspensions = Iterable[tuple[datetime, datetime]]
ParsedDuration = tuple[int, timedelta]

_US = timedelta(microseconds=1)
_US_PER_S = 1_000_000
_DAY_US = DAY_SECONDS * _US_PER_S
_ONE_DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
_MIDNIGHT = time(0)

# chinese_calendar.is_workday() recomputes min()/max() over its whole table on every
# call (~20 µs), far too slow for day-by-day loops. These public tables plus the rule
# below are exactly what it evaluates; a test checks equality for every covered day.
_CC_HOLIDAYS: Mapping[date, object] = chinese_calendar.holidays
_CC_WORKDAYS: Mapping[date, object] = chinese_calendar.workdays


# --------------------------------------------------------------------------- periods


def _validate_periods(periods: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    prev_end = 0
    for item in periods:
        if len(item) != 2:
            raise ValueError(f"a working period must be a (start, end) pair, got {item!r}")
        start, end = item
        for v in (start, end):
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"period bounds must be whole seconds (int), got {v!r}")
        if not 0 <= start < end <= DAY_SECONDS:
            raise ValueError(
                f"period {_fmt_hms(start)}-{_fmt_hms(end)} must satisfy 0 <= start < end <= 24:00"
            )
        if start < prev_end:
            raise ValueError(
                f"period {_fmt_hms(start)}-{_fmt_hms(end)} overlaps or precedes the previous one"
                " (periods must be sorted and non-overlapping)"
            )
        out.append((start, end))
        prev_end = end
    return tuple(out)


def _fmt_hms(seconds: int) -> str:
    if not isinstance(seconds, int):
        return repr(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


_CLOCK_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")


def _parse_clock(text: str, *, is_end: bool) -> int:
    m = _CLOCK_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"bad time {text.strip()!r}: expected HH:MM or HH:MM:SS")
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if mi > 59 or s > 59 or h > 24:
        raise ValueError(f"bad time {text.strip()!r}: out of range")
    value = h * 3600 + mi * 60 + s
    if value > DAY_SECONDS or (value == DAY_SECONDS and not is_end):
        raise ValueError(f"bad time {text.strip()!r}: 24:00 is only allowed as an end time")
    return value


def parse_periods(text: str) -> tuple[tuple[int, int], ...]:
    """Parse ``"08:30-12:00,13:30-17:30"`` into seconds since local midnight.

    Periods are sorted; overlapping or empty periods raise ValueError. Adjacent
    periods (``"08:00-12:00,12:00-13:00"``) are allowed.
    """
    if not isinstance(text, str):
        raise ValueError(f"working periods must be a string, got {type(text).__name__}")
    # Admins type the full-width comma on Chinese keyboards.
    chunks = [c.strip() for c in text.replace("\uff0c", ",").split(",")]
    if not any(chunks):
        raise ValueError("no working periods given (expected e.g. '08:30-12:00,13:30-17:30')")
    pairs: list[tuple[int, int]] = []
    for chunk in chunks:
        if not chunk:
            raise ValueError(f"empty period in {text!r}")
        parts = chunk.split("-")
        if len(parts) != 2:
            raise ValueError(f"bad period {chunk!r}: expected HH:MM-HH:MM")
        start = _parse_clock(parts[0], is_end=False)
        end = _parse_clock(parts[1], is_end=True)
        if end <= start:
            raise ValueError(f"bad period {chunk!r}: end must be after start")
        pairs.append((start, end))
    pairs.sort()
    return _validate_periods(pairs)


# -------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days and which hours of them are working time."""

    name: str
    tz: ZoneInfo
    periods: tuple[tuple[int, int], ...]
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    official_holidays: bool = True
    # Excluded from the hash so the frozen calendar stays hashable; frozen into a
    # read-only copy in __post_init__ so later edits of the caller's dict do not leak in.
    overrides: Mapping[date, bool] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"tz must be a tzinfo, e.g. ZoneInfo('Asia/Shanghai'), got {self.tz!r}")
        object.__setattr__(self, "periods", _validate_periods(self.periods))
        weekdays = frozenset(self.weekdays)
        if not weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays must be weekday() numbers 0..6, got {sorted(weekdays)}")
        object.__setattr__(self, "weekdays", weekdays)
        overrides: dict[date, bool] = {}
        for day, working in self.overrides.items():
            if isinstance(day, datetime) or not isinstance(day, date):
                raise TypeError(f"override keys must be dates, got {day!r}")
            overrides[day] = bool(working)
        object.__setattr__(self, "overrides", MappingProxyType(overrides))

    @classmethod
    def always(cls, name: str = "24x7", tz: ZoneInfo = SHANGHAI) -> WorkingCalendar:
        """Every second of every day is working time."""
        return cls(
            name=name,
            tz=tz,
            periods=((0, DAY_SECONDS),),
            weekdays=frozenset(range(7)),
            official_holidays=False,
        )

    @classmethod
    def working_hours(
        cls,
        name: str = "workhours",
        tz: ZoneInfo = SHANGHAI,
        periods: tuple[tuple[int, int], ...] = DEFAULT_PERIODS,
        overrides: Mapping[date, bool] | None = None,
        *,
        weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4}),
        official_holidays: bool = True,
    ) -> WorkingCalendar:
        """Office hours on official working days (default 08:30-12:00, 13:30-17:30)."""
        return cls(
            name=name,
            tz=tz,
            periods=periods,
            weekdays=weekdays,
            official_holidays=official_holidays,
            overrides=dict(overrides or {}),
        )


@lru_cache(maxsize=256)
def official_calendar_covers(year: int) -> bool:
    """Whether the installed chinese_calendar has data for ``year``."""
    if not 1 <= year <= 9999:
        return False
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def uncovered_years(start: date, end: date) -> list[int]:
    """Years in ``start.year..end.year`` (inclusive) the official calendar does not cover."""
    return [y for y in range(start.year, end.year + 1) if not official_calendar_covers(y)]


def is_working_day(cal: WorkingCalendar, day: date) -> bool:
    """Overrides, else the official calendar when it covers the year, else cal.weekdays."""
    if isinstance(day, datetime):
        raise TypeError("is_working_day() takes a date, not a datetime")
    override = cal.overrides.get(day)
    if override is not None:
        return override
    if cal.official_holidays and official_calendar_covers(day.year):
        return day in _CC_WORKDAYS or (day.weekday() <= 4 and day not in _CC_HOLIDAYS)
    return day.weekday() in cal.weekdays


# ----------------------------------------------------------------- instant helpers


def _aware(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value


def _to_us(value: datetime) -> int:
    # _EPOCH is in UTC, so the subtraction honours value's UTC offset (an aware minus an
    # aware of the *same* tzinfo would be wall-clock arithmetic instead).
    return (value - _EPOCH) // _US


def _from_us(us: int, tz: tzinfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)


def _local_date(us: int, tz: tzinfo) -> date:
    return _from_us(us, tz).date()


def _midnight_offset_us(tz: tzinfo, day: date) -> int:
    offset = datetime.combine(day, _MIDNIGHT, tzinfo=tz).utcoffset()
    if offset is None:
        raise ValueError(f"time zone {tz!r} gives no UTC offset for {day}")
    return offset // _US


def _merge_suspensions(suspensions: Suspensions) -> list[tuple[int, int]]:
    raw: list[tuple[int, int]] = []
    for pair in suspensions:
        if len(pair) != 2:
            raise ValueError(f"a suspension must be a (start, end) pair, got {pair!r}")
        a = _to_us(_aware(pair[0], "suspension start"))
        b = _to_us(_aware(pair[1], "suspension end"))
        if b < a:
            raise ValueError(f"suspension ends before it starts: {pair[0]} .. {pair[1]}")
        if b > a:
            raw.append((a, b))
    raw.sort()
    merged: list[tuple[int, int]] = []
    for a, b in raw:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


# ------------------------------------------------------------------------ day walk


def _dst_day_intervals(cal: WorkingCalendar, day: date) -> list[tuple[int, int]]:
    """Periods of a day whose UTC offset changes: resolve each wall-clock bound on its own."""
    midnight = datetime.combine(day, _MIDNIGHT, tzinfo=cal.tz)
    out: list[tuple[int, int]] = []
    floor: int | None = None
    for s, e in cal.periods:
        # Aware + timedelta is wall-clock arithmetic; _to_us then applies the offset in
        # force at that wall time (fold=0), the same as astimezone() would.
        a = _to_us(midnight + timedelta(seconds=s))
        b = _to_us(midnight + timedelta(seconds=e))
        if floor is not None:
            # A bound inside a spring-forward gap maps past later wall times.
            a = max(a, floor)
        if b > a:
            out.append((a, b))
            floor = b
    return out


def _walk_days(
    cal: WorkingCalendar, first: date
) -> Iterator[tuple[date, list[tuple[int, int]], int]]:
    """Yield (day, working intervals in µs, next local midnight in µs) from ``first`` on."""
    tz = cal.tz
    periods = cal.periods
    day = first
    offset = _midnight_offset_us(tz, day)
    while True:
        if day == date.max:
            raise ValueError("working-time arithmetic ran past the year 9999")
        nxt = day + _ONE_DAY
        next_offset = _midnight_offset_us(tz, nxt)
        next_midnight = (nxt.toordinal() - _EPOCH_ORDINAL) * _DAY_US - next_offset
        intervals: list[tuple[int, int]]
        if not periods or not is_working_day(cal, day):
            intervals = []
        elif offset == next_offset:
            # No offset change during the day (zones change at most once a day), so
            # wall-clock seconds map linearly onto instants: the cheap common case.
            base = next_midnight - _DAY_US
            intervals = [(base + s * _US_PER_S, base + e * _US_PER_S) for s, e in periods]
        else:
            intervals = _dst_day_intervals(cal, day)
        yield day, intervals, next_midnight
        day, offset = nxt, next_offset


def _pieces(
    cal: WorkingCalendar,
    start: int,
    end: int | None,
    suspensions: list[tuple[int, int]],
) -> Iterator[tuple[int, int]]:
    """Working time minus suspensions within [start, end) (end=None: open-ended), in µs."""
    floor = start
    si = 0
    n_susp = len(suspensions)
    empty_days = 0
    # Start a day early: a period ending at 24:00 the day before may end after ``start``
    # on days whose offset changes.
    first = _local_date(start, cal.tz)
    if first > date.min:
        first -= _ONE_DAY
    for _day, intervals, next_midnight in _walk_days(cal, first):
        if intervals:
            empty_days = 0
        elif end is None:
            empty_days += 1
            if empty_days > MAX_EMPTY_DAYS:
                raise ValueError(
                    f"calendar {cal.name!r} has no working time in {MAX_EMPTY_DAYS} consecutive"
                    " days; check its periods, weekdays and overrides"
                )
        for a, b in intervals:
            if end is not None:
                if a >= end:
                    return
                b = min(b, end)
            a = max(a, floor)
            if b <= a:
                continue
            while si < n_susp and suspensions[si][1] <= a:
                si += 1
            j = si
            while j < n_susp and suspensions[j][0] < b:
                sa, sb = suspensions[j]
                if sa > a:
                    yield a, sa
                a = max(a, sb)
                if a >= b:
                    break
                j += 1
            if a < b:
                yield a, b
            floor = b
        if end is not None and next_midnight >= end:
            return


# --------------------------------------------------------------------- public API


def working_intervals(
    cal: WorkingCalendar, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals clipped to [start, end), adjacent ones merged, in cal.tz."""
    s = _to_us(_aware(start, "start"))
    e = _to_us(_aware(end, "end"))
    return _merged_intervals(cal, s, e)


def _merged_intervals(cal: WorkingCalendar, s: int, e: int) -> Iterator[Interval]:
    if e <= s:
        return
    pending: tuple[int, int] | None = None
    for a, b in _pieces(cal, s, e, []):
        if pending is not None and pending[1] == a:
            pending = (pending[0], b)
            continue
        if pending is not None:
            yield _from_us(pending[0], cal.tz), _from_us(pending[1], cal.tz)
        pending = (a, b)
    if pending is not None:
        yield _from_us(pending[0], cal.tz), _from_us(pending[1], cal.tz)


def _between_us(cal: WorkingCalendar, s: int, e: int, susp: list[tuple[int, int]]) -> int:
    if e <= s:
        return 0
    return sum(b - a for a, b in _pieces(cal, s, e, susp))


def working_time_between(
    cal: WorkingCalendar,
    start: datetime,
    end: datetime,
    suspensions: Suspensions = (),
) -> timedelta:
    """Working time in [start, end) not covered by suspensions; zero if end <= start."""
    s = _to_us(_aware(start, "start"))
    e = _to_us(_aware(end, "end"))
    susp = _merge_suspensions(suspensions)
    return timedelta(microseconds=_between_us(cal, s, e, susp))


def _add_us(cal: WorkingCalendar, s: int, amount: int, susp: list[tuple[int, int]]) -> int:
    remaining = amount
    for a, b in _pieces(cal, s, None, susp):
        length = b - a
        if length >= remaining:
            # ">=" so a duration ending exactly at a period end returns that end.
            return a + remaining
        remaining -= length
    raise AssertionError("unreachable: _pieces(end=None) never stops on its own")


def add_working_time(
    cal: WorkingCalendar,
    start: datetime,
    duration: timedelta,
    suspensions: Suspensions = (),
) -> datetime:
    """Earliest t >= start with ``duration`` of unsuspended working time in [start, t)."""
    start = _aware(start, "start")
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    susp = _merge_suspensions(suspensions)
    if not duration:
        return start.astimezone(cal.tz)
    return _from_us(_add_us(cal, _to_us(start), duration // _US, susp), cal.tz)


def _add_days_us(cal: WorkingCalendar, s: int, days: int) -> int:
    if not cal.periods:
        raise ValueError(f"calendar {cal.name!r} has no working periods")
    start_day = _local_date(s, cal.tz)
    offset: int | None = None
    remaining = days
    empty_days = 0
    for day, intervals, _next in _walk_days(cal, start_day):
        if not intervals:
            empty_days += 1
            if empty_days > MAX_EMPTY_DAYS:
                raise ValueError(
                    f"calendar {cal.name!r} has no working day in {MAX_EMPTY_DAYS} consecutive days"
                )
            continue
        empty_days = 0
        if offset is None:
            # The first working day seen is the start's own date only if that is working;
            # otherwise the start snaps to the first working moment (offset 0).
            in_day = day == start_day
            offset = sum(max(0, min(b, s) - a) for a, b in intervals) if in_day else 0
            if offset == 0:
                # Before a day's first working moment is the same working moment as the end
                # of the previous working day; counting from there gives the end-of-day
                # answers people expect (Saturday + 1 working day = Monday 17:30).
                offset = sum(b - a for a, b in intervals)
                remaining -= 1
                if remaining == 0:
                    return _at_offset(intervals, offset)
            continue
        remaining -= 1
        if remaining == 0:
            return _at_offset(intervals, offset)
    raise AssertionError("unreachable: _walk_days never stops on its own")


def _at_offset(intervals: list[tuple[int, int]], offset: int) -> int:
    if offset <= 0:
        return intervals[0][0]
    remaining = offset
    for a, b in intervals:
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    # A shorter (DST) day than the start's: cap at the end of the working day.
    return intervals[-1][1]


def add_working_days(cal: WorkingCalendar, start: datetime, days: int) -> datetime:
    """The same working moment ``days`` working days later.

    The working time elapsed on the start's working day up to the start (capped at the
    day's total) is reproduced on the target day. A start outside working time before a
    day's first period counts as the end of the previous working day, so results land at
    the end of a working day rather than at the start of the next; 0 days returns
    ``start`` unchanged.
    """
    start = _aware(start, "start")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    if days == 0:
        return start.astimezone(cal.tz)
    return _from_us(_add_days_us(cal, _to_us(start), days), cal.tz)


_ISO_RE = re.compile(
    r"P(?:(?P<days>[0-9]+)D)?"
    r"(?:T(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?(?:(?P<seconds>[0-9]+)S)?)?"
)
_ISO_FORM = "expected ISO 8601 P[n]D[T[n]H[n]M[n]S] with whole numbers, e.g. 'P3D', 'PT4H30M'"


def parse_iso_duration(text: str) -> ParsedDuration:
    """Parse ``P[n]D[T[n]H[n]M[n]S]`` into (working days, working time)."""
    if not isinstance(text, str):
        raise ValueError(f"duration must be a string, got {type(text).__name__}")
    s = text.strip()
    m = _ISO_RE.fullmatch(s)
    if m is None:
        raise ValueError(f"invalid duration {text!r}: {_iso_problem(s)}")
    if s == "P" or s.endswith("T"):
        raise ValueError(f"invalid duration {text!r}: no value after 'P' or 'T'; {_ISO_FORM}")
    try:
        days = int(m["days"] or 0)
        time_part = timedelta(
            hours=int(m["hours"] or 0),
            minutes=int(m["minutes"] or 0),
            seconds=int(m["seconds"] or 0),
        )
    except OverflowError as exc:
        raise ValueError(f"invalid duration {text!r}: too large") from exc
    if days > 3_000_000:
        raise ValueError(f"invalid duration {text!r}: too many days")
    return days, time_part


def _iso_problem(s: str) -> str:
    if not s:
        return f"empty; {_ISO_FORM}"
    if s.startswith("-") or s.startswith("+-"):
        return "negative durations are not supported"
    if s[0] != "P":
        return f"must start with 'P'; {_ISO_FORM}"
    date_part = s.split("T", 1)[0]
    if "Y" in date_part or "M" in date_part:
        return "years and months are not supported (their length varies); use days, e.g. 'P30D'"
    if "W" in date_part:
        return "weeks are not supported; use days, e.g. 'P5D'"
    if "." in s or "," in s:
        return f"fractional values are not supported; {_ISO_FORM}"
    if "-" in s:
        return "negative values are not supported"
    return _ISO_FORM


def add_duration(
    cal: WorkingCalendar,
    start: datetime,
    duration: str | ParsedDuration,
    suspensions: Suspensions = (),
) -> datetime:
    """Add an ISO duration: whole working days first, then working time.

    Working time suspended between ``start`` and the end of the days part is added to the
    time part, so the clock stops while suspended in both parts.
    """
    start = _aware(start, "start")
    if isinstance(duration, str):
        days, time_part = parse_iso_duration(duration)
    else:
        days, time_part = duration
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"days must be a non-negative int, got {days!r}")
        if not isinstance(time_part, timedelta) or time_part < timedelta(0):
            raise ValueError(f"time part must be a non-negative timedelta, got {time_part!r}")
    susp = _merge_suspensions(suspensions)
    s = _to_us(start)
    mid = _add_days_us(cal, s, days) if days else s
    amount = time_part // _US
    if susp and mid > s:
        amount += _between_us(cal, s, mid, []) - _between_us(cal, s, mid, susp)
    if amount == 0:
        return _from_us(mid, cal.tz)
    return _from_us(_add_us(cal, mid, amount, susp), cal.tz)
