"""The rules of callback tasks and the dissatisfied list, without the database: which
settled contacts a sample takes, who gets the next task, what an attempt does to a task,
and the figures of the results and of the list (issue 19 points 1 and 3)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

SATISFIED = "satisfied"
FAIRLY_SATISFIED = "fairly_satisfied"
DISSATISFIED = "dissatisfied"
UNREACHABLE = "unreachable"
OUTCOMES = (SATISFIED, FAIRLY_SATISFIED, DISSATISFIED, UNREACHABLE)


def sampled(contact_id: int, rate: Decimal, salt: str = "") -> bool:
    """Whether a sample at `rate` per cent takes the contact. Decided by a hash of the
    contact, so a sweep that runs twice draws the same contacts, and any share of a large
    number of contacts comes out close to the rate."""
    if rate <= 0:
        return False
    if rate >= 100:
        return True
    digest = hashlib.sha256(f"{salt}:{contact_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % 10_000  # 0.00 … 99.99 per cent
    return Decimal(point) < rate * 100


def next_in_turn(candidates: Sequence[int], last: int | None) -> int:
    """Round robin: the candidate after the last one served, in the candidates' order."""
    if last is not None and last in candidates:
        return candidates[(list(candidates).index(last) + 1) % len(candidates)]
    later = [candidate for candidate in candidates if last is not None and candidate > last]
    return later[0] if later else candidates[0]


def least_loaded(candidates: Sequence[int], open_tasks: dict[int, int]) -> int:
    """The candidate with the fewest open tasks; the first in order among equals."""
    return min(
        candidates,
        key=lambda candidate: (open_tasks.get(candidate, 0), candidates.index(candidate)),
    )


@dataclass(frozen=True)
class AfterAttempt:
    closed: bool
    state: str  # open / done / unreachable
    next_try_at: dt.datetime | None


def after_attempt(
    outcome: str, *, attempts: int, max_attempts: int, at: dt.datetime, retry_hours: int
) -> AfterAttempt:
    """What an attempt (the `attempts`-th, counted with it) does to its task: a customer
    reached closes it as done; one not reached is called again `retry_hours` later, until
    the rule's limit of attempts, when the task closes as unreachable (counted neither
    satisfied nor dissatisfied, as the work order's callback)."""
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    if outcome != UNREACHABLE:
        return AfterAttempt(True, "done", None)
    if attempts >= max_attempts:
        return AfterAttempt(True, "unreachable", None)
    return AfterAttempt(False, "open", at + dt.timedelta(hours=retry_hours))


@dataclass(frozen=True)
class Tally:
    """The outcomes of the closed tasks of one group, and its two rates:
    satisfaction = (满意 + 基本满意) / customers reached; reached = reached / closed."""

    satisfied: int = 0
    fairly_satisfied: int = 0
    dissatisfied: int = 0
    unreachable: int = 0

    @property
    def closed(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.dissatisfied + self.unreachable

    @property
    def reached(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.dissatisfied

    @property
    def satisfaction(self) -> Decimal | None:
        if not self.reached:
            return None
        return percent(self.satisfied + self.fairly_satisfied, self.reached)

    @property
    def reach_rate(self) -> Decimal | None:
        return percent(self.reached, self.closed) if self.closed else None


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def tally(outcomes: Iterable[tuple[str, int]]) -> Tally:
    """A tally from (outcome, count) pairs."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome, count in outcomes:
        counts[outcome] += count
    return Tally(**counts)


@dataclass(frozen=True)
class ListFigures:
    """The dissatisfied list over one period [start, end): its size at the end, the
    customers who entered and who left in it, and the repair rate = repaired / left."""

    start: dt.datetime
    end: dt.datetime
    size: int
    entries: int
    exits: int
    repaired: int

    @property
    def repair_rate(self) -> Decimal | None:
        return percent(self.repaired, self.exits) if self.exits else None


def list_figures(
    rows: Iterable[tuple[dt.datetime, dt.datetime | None, bool]],
    periods: Sequence[tuple[dt.datetime, dt.datetime]],
) -> list[ListFigures]:
    """The figures of each period from the entries as (entered, exited or None, repaired)."""
    rows = list(rows)
    figures = []
    for start, end in periods:
        size = entries = exits = repaired = 0
        for entered, exited, was_repaired in rows:
            if entered < end and (exited is None or exited >= end):
                size += 1
            if start <= entered < end:
                entries += 1
            if exited is not None and start <= exited < end:
                exits += 1
                repaired += was_repaired
        figures.append(ListFigures(start, end, size, entries, exits, repaired))
    return figures


def repeated(times: Sequence[dt.datetime], at: dt.datetime, *, count: int, days: int) -> bool:
    """Whether a complaint at `at` is the customer's `count`-th (or later) within `days`
    days: `times` are their complaints' times, this one included."""
    since = at - dt.timedelta(days=days)
    return sum(1 for time in times if since < time <= at) >= count
