"""Repeat contacts (重复来电): the one rule, used by the first-contact-resolution figure
(`kefu.metrics.indicators`), by the mark each contact carries (`Contact.repeat_of`) and by
the repeat counts of insights.

002 第7篇 一次性解决问题的呼叫率: a problem settled the first time is one the caller
"不需要呼叫者再呼". A contact repeats an earlier one when it comes from the same caller
(the same customer, or the same number when there is one) on the same call reason
(service content), later and within the centre's window (`fcr_window_days`).

Pure: no database. Rows are searched by bisection over each caller's sorted times, so a
month of a large centre is marked or counted in one pass.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

#: How far back the mark on a contact looks for the contact it repeats. The centre's window
#: (`fcr_window_days`, a metrics setting) is applied where the mark is read, so changing it
#: needs no new marking; a window longer than this reads as this.
LOOKBACK = dt.timedelta(days=90)

#: A contact for the repeat search: (customer id, caller number, call reason, started,
#: settled on the contact).
RepeatRow = tuple[int | None, str, int, dt.datetime, bool]


class CallerTimes:
    """The rows' start times per (caller, reason), the caller being the customer or the
    number: both keys are searched, as one caller may call once from a known number
    before the customer is found and once as the customer.

    Counting (`followed`) needs the times alone; marking (`previous`) needs which row each
    time is, kept only when asked for (`positions=True`): a month of a large centre has
    hundreds of thousands of callers, and the counting pass stays as lean as it was."""

    def __init__(self, rows: Iterable[RepeatRow], *, positions: bool = False) -> None:
        self.positions = positions
        self.by_customer: dict[tuple[int, int], list[Any]] = defaultdict(list)
        self.by_number: dict[tuple[str, int], list[Any]] = defaultdict(list)
        for position, (customer, number, reason, at, _settled) in enumerate(rows):
            item = (at, position) if positions else at
            if customer is not None:
                self.by_customer[(customer, reason)].append(item)
            if number:
                self.by_number[(number, reason)].append(item)
        for items in (*self.by_customer.values(), *self.by_number.values()):
            items.sort()

    def _lists(self, row: RepeatRow) -> list[list[Any]]:
        customer, number, reason, _at, _settled = row
        found = []
        if customer is not None:
            found.append(self.by_customer.get((customer, reason), []))
        if number:
            found.append(self.by_number.get((number, reason), []))
        return found

    def followed(self, row: RepeatRow, window: dt.timedelta) -> bool:
        """Is the contact followed by another from the same caller on the same reason,
        strictly later and within `window`?"""
        at = row[3]
        for items in self._lists(row):
            if self.positions:
                after = bisect_right(items, (at, _LAST))
                if after < len(items) and items[after][0] <= at + window:
                    return True
            else:
                after = bisect_right(items, at)
                if after < len(items) and items[after] <= at + window:
                    return True
        return False

    def previous(self, row: RepeatRow, window: dt.timedelta) -> int | None:
        """The position of the latest contact that this one repeats: from the same caller
        on the same reason, strictly earlier and within `window`; None if there is none.
        Needs `positions=True`."""
        if not self.positions:
            raise ValueError("previous() needs the rows' positions")
        at = row[3]
        best: tuple[dt.datetime, int] | None = None
        for items in self._lists(row):
            before = bisect_left(items, (at, _FIRST)) - 1
            if (
                before >= 0
                and items[before][0] >= at - window
                and (best is None or items[before] > best)
            ):
                best = items[before]
        return None if best is None else best[1]


_FIRST, _LAST = -1, 1 << 62  # every row's position sorts between these


def repeat_counts(
    rows: Iterable[RepeatRow], start: dt.datetime, end: dt.datetime, window: dt.timedelta
) -> tuple[int, int]:
    """The contacts of [start, end) followed by a repeat within `window`: how many, and
    how many of them the agent had settled. `rows` are the contacts with a call reason
    from `start` to `end + window`."""
    rows = list(rows)
    index = CallerTimes(rows)
    repeated = settled = 0
    for row in rows:
        if start <= row[3] < end and index.followed(row, window):
            repeated += 1
            settled += row[4]
    return repeated, settled


def repeats_of(rows: Sequence[RepeatRow], window: dt.timedelta) -> dict[int, int]:
    """For each row that repeats an earlier one within `window`, the position of the
    contact it repeats (the latest such): {position: earlier position}."""
    index = CallerTimes(rows, positions=True)
    found: dict[int, int] = {}
    for position, row in enumerate(rows):
        earlier = index.previous(row, window)
        if earlier is not None:
            found[position] = earlier
    return found
