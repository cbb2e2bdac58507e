"""The rules of outbound call lists without the database (issue 19 point 5): which fill
rules a purpose takes, whose activity changed enough for a care call, how a pasted list
of account numbers reads, and how the calls are shared out among the agents.

A care call goes to a high-value customer whose activity changed (003 一(二)3: 及时回访
异动客户). The seeds name no figure; ours is simple and stated here: over the last
`RECENT_DAYS` (30) days against the `BEFORE_DAYS` (90) before them, a customer who had
at least `SILENT_BEFORE` (3) contacts before and none now has gone silent, and one with
at least `SURGE_MIN` (3) contacts now and at least `SURGE_FACTOR` (3) times the monthly
rate of before has surged."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from kefu.satisfaction import callbacking

THANK_YOU, SURVEY, CARE, OTHER = "thank_you", "survey", "care", "other"
CLOSED_ORDERS, NEW_CUSTOMERS, ACTIVITY_CHANGE, SAMPLE, ACCOUNTS = (
    "closed_orders",
    "new_customers",
    "activity_change",
    "sample",
    "accounts",
)

#: The fill rules a purpose may use (every list also takes account numbers).
RULES_OF_PURPOSE: dict[str, tuple[str, ...]] = {
    THANK_YOU: (CLOSED_ORDERS, NEW_CUSTOMERS, ACCOUNTS),
    SURVEY: (SAMPLE, ACCOUNTS),
    CARE: (ACTIVITY_CHANGE, ACCOUNTS),
    OTHER: (ACCOUNTS,),
}

#: A thank-you goes within a week (002 第2篇 1: 在一周内发出感谢信、信息及电话).
THANK_YOU_DAYS = 7
#: Calls written by one fill at most; a second fill takes the next ones.
MAX_FILL = 5000

RECENT_DAYS = 30
BEFORE_DAYS = 90
SILENT_BEFORE = 3
SURGE_MIN = 3
SURGE_FACTOR = 3

SILENT = "silent"
SURGE = "surge"

#: An account number as the business systems write them.
ACCOUNT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_]{0,31}$")
_SEPARATORS = re.compile(r"[\s,;，；、]+")


def activity_change(recent: int, before: int) -> str | None:
    """SILENT, SURGE or None for a customer with `recent` contacts in the last 30 days and
    `before` in the 90 days before them."""
    if recent == 0 and before >= SILENT_BEFORE:
        return SILENT
    monthly_before = Fraction(before * RECENT_DAYS, BEFORE_DAYS)
    if recent >= SURGE_MIN and recent >= SURGE_FACTOR * monthly_before:
        return SURGE
    return None


@dataclass(frozen=True)
class BadRow:
    line: int  # counted from 1
    value: str
    reason: str  # "format", "unknown", "too_many"


def parse_accounts(text: str) -> tuple[list[tuple[int, str]], list[BadRow]]:
    """The account numbers of a pasted or uploaded list, one or more a line (separated by
    spaces, commas or semicolons; a CSV's first column reads the same), each with its
    line; the rows that are not account numbers. A number given twice is taken once."""
    found: list[tuple[int, str]] = []
    bad: list[BadRow] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for value in _SEPARATORS.split(line.strip().lstrip("\ufeff")):
            if not value:
                continue
            if not ACCOUNT.match(value):
                bad.append(BadRow(number, value[:40], "format"))
            elif value not in seen:
                seen.add(value)
                found.append((number, value))
    return found, bad


def share_out(
    count: int,
    candidates: Sequence[int],
    *,
    in_turn: bool,
    last: int | None,
    open_tasks: dict[int, int],
) -> list[int]:
    """Who takes each of `count` new calls: in turn after `last`, or each to whoever has
    the fewest open (counting the calls given out so far), as the callback rules do."""
    if not candidates:
        return []
    load = dict(open_tasks)
    chosen: list[int] = []
    for _n in range(count):
        if in_turn:
            last = callbacking.next_in_turn(candidates, last)
            person = last
        else:
            person = callbacking.least_loaded(candidates, load)
        load[person] = load.get(person, 0) + 1
        chosen.append(person)
    return chosen
