"""The time grid roll-ups are kept on: 15-minute intervals and local days.

Pure arithmetic on Unix seconds, so ingestion can bucket a million events without building
a datetime per event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from zoneinfo import ZoneInfo

INTERVAL_SECONDS = 15 * 60
# The longest span `split` divides: two days, 192 intervals. Calls last at most a day
# (queue_log.MAX_SECONDS) and agents' activities count at most a day (presence.MAX_COUNTED).
MAX_SPAN = 2 * 24 * 3600

# Service level and short abandons are asked "within T seconds" for a T the centre
# configures; the roll-ups count calls under each of these thresholds so any of them can be
# reported without reading raw calls. A centre's T must be one of them.
WAIT_THRESHOLDS: tuple[int, ...] = (3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300)


def interval_of(seconds: float) -> int:
    """Start (Unix seconds) of the 15-minute interval holding `seconds`. Every zone kefu
    serves is a whole number of quarter hours from UTC, so intervals are the same grid in
    local time."""
    whole = int(seconds)
    return whole - whole % INTERVAL_SECONDS


def split(start: float, end: float) -> Iterator[tuple[int, int]]:
    """(interval start, whole seconds of [start, end) inside it), for durations such as a
    login or a conversation that run across interval boundaries. The seconds add up to
    round(end) - round(start) exactly, so sums over intervals equal the whole duration."""
    first, last = round(start), round(end)
    if last - first > MAX_SPAN:
        # Ingestion never asks for more (durations and activities are bounded): a longer
        # span would write a roll-up row for every quarter hour of it.
        raise ValueError(f"a span of {last - first} s is longer than {MAX_SPAN} s")
    at = first
    while at < last:
        boundary = interval_of(at) + INTERVAL_SECONDS
        upto = min(boundary, last)
        yield interval_of(at), upto - at
        at = upto


@lru_cache(maxsize=4096)
def _day_of_interval(interval_start: int, zone: str) -> dt.date:
    return dt.datetime.fromtimestamp(interval_start, ZoneInfo(zone)).date()


def day_of(interval_start: int, zone: str) -> dt.date:
    """Local calendar day of an interval (reports are read by the centre's day)."""
    return _day_of_interval(interval_start, zone)


def to_datetime(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def threshold_index(seconds: int) -> int:
    """Position of a configured threshold among WAIT_THRESHOLDS; ValueError if it is not one."""
    try:
        return WAIT_THRESHOLDS.index(seconds)
    except ValueError:
        allowed = ", ".join(str(t) for t in WAIT_THRESHOLDS)
        raise ValueError(f"threshold {seconds} s is not one of {allowed}") from None
