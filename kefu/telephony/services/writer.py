"""A batch's writes as a few multi-row SQL statements, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from kefu.contacts.models import Contact
from kefu.telephony import calls
from kefu.telephony.calls import Call, Contribution, Outcome
from kefu.telephony.intervals import day_of, to_datetime
from kefu.telephony.models import (
    FollowCursor,
)
from kefu.telephony.presence import Activity as Stretch

if TYPE_CHECKING:
    from kefu.telephony.services.folding import Ingester

# A contact belongs to a call when it starts this close to the call's time in the queue.
CONTACT_SLACK = dt.timedelta(minutes=10)


def _seconds(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def _from_row(row: Mapping[str, Any], queue: str, agents: dict[int, str]) -> Call:
    return Call(
        call_id=row["call_id"],
        queue=queue,
        entered_at=int(row["entered_at"].timestamp()),
        caller_number=row["caller_number"],
        position=row["position"],
        outcome=Outcome(row["outcome"]),
        agent=agents.get(row["agent_id"], "") if row["agent_id"] else "",
        connected_at=_seconds(row["connected_at"]),
        ended_at=_seconds(row["ended_at"]),
        wait=row["wait_seconds"],
        talk=row["talk_seconds"],
        ring=row["ring_seconds"],
        hold=row["hold_seconds"],
        acw=row["acw_seconds"],
        missed=frozenset((at, agent) for at, agent in row["missed"]),
    )


@lru_cache(maxsize=1024)
def _queue_list(queues: frozenset[str]) -> str:
    return json.dumps(sorted(queues), ensure_ascii=False)


def _sqlite_when(seconds: int | None) -> str | None:
    return None if seconds is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


def _aware_when(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else to_datetime(seconds)


_ORDER = {
    "queue": {name: index for index, name in enumerate(calls.QUEUE_COUNTERS)},
    "agent": {name: index for index, name in enumerate(calls.AGENT_COUNTERS)},
}


Statement = tuple[str, list[tuple[Any, ...]]]  # SQL with its rows of parameters
# The first key of the PostgreSQL advisory lock a centre's roll-up writes take.
ROLLUP_LOCK = 7001


def _execute(statements: list[Statement]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, rows in statements:
            if rows:
                cursor.executemany(sql, rows)


class _Writer:
    """The batch's writes as a few multi-row statements: ORM saves row by row would spend
    the whole ingestion budget on Python overhead."""

    def __init__(self) -> None:
        self._date = connection.ops.adapt_datefield_value
        self._when: Callable[[int | None], Any]
        if connection.vendor == "sqlite":
            # Django keeps SQLite datetimes as UTC text; writing the text directly saves
            # a datetime object and two conversions per value.
            self._when = _sqlite_when
        else:
            self._when = _aware_when

    def calls(self, batch: list[Call], ingester: Ingester) -> list[Statement]:
        if not batch:
            return []
        customers, contacts = _matches(batch, ingester)
        columns = (
            "queue_id, call_id, entered_at, caller_number, position, outcome, agent_id, "
            "connected_at, ended_at, wait_seconds, talk_seconds, ring_seconds, hold_seconds, "
            "acw_seconds, missed, customer_id, contact_id"
        )
        updates = ", ".join(f"{name} = excluded.{name}" for name in columns.split(", ")[3:15])
        # Every name in these statements is ours, never the data's: values go as parameters.
        sql = (
            "INSERT INTO telephony_call "  # noqa: S608
            f"({columns}) VALUES ({', '.join(['%s'] * 17)}) "
            "ON CONFLICT (call_id, queue_id, entered_at) DO UPDATE SET "
            f"{updates}, "
            "customer_id = COALESCE(telephony_call.customer_id, excluded.customer_id), "
            "contact_id = COALESCE(telephony_call.contact_id, excluded.contact_id)"
        )
        rows = [
            (
                ingester.queues[call.queue],
                call.call_id,
                self._when(call.entered_at),
                call.caller_number[:32],
                call.position,
                call.outcome.value,
                ingester.agents[call.agent] if call.agent else None,
                self._when(call.connected_at),
                self._when(call.ended_at),
                call.wait,
                call.talk,
                call.ring,
                call.hold,
                call.acw,
                json.dumps(sorted(call.missed)) if call.missed else "[]",
                customers.get(call.caller_number),
                contacts.get(call.key),
            )
            for call in batch
        ]
        return [(sql, rows)]

    def stretches(self, batch: Iterable[Stretch], ingester: Ingester) -> list[Statement]:
        rows = [
            (
                ingester.agents[stretch.agent],
                stretch.kind.value,
                self._when(stretch.started_at),
                self._when(stretch.ended_at),
                stretch.reason[:64],
                _queue_list(stretch.queues),
            )
            for stretch in batch
        ]
        if not rows:
            return []
        sql = (
            "INSERT INTO telephony_activity (agent_id, kind, started_at, ended_at, reason, queues) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (agent_id, kind, started_at) DO UPDATE "
            "SET ended_at = excluded.ended_at, reason = excluded.reason, queues = excluded.queues"
        )
        return [(sql, rows)]

    def rollups(self, total: Contribution, ingester: Ingester) -> list[Statement]:
        by_table: dict[str, dict[tuple[Any, int], dict[str, int]]] = {
            "queueinterval": defaultdict(lambda: defaultdict(int)),
            "queueday": defaultdict(lambda: defaultdict(int)),
            "agentinterval": defaultdict(lambda: defaultdict(int)),
            "agentday": defaultdict(lambda: defaultdict(int)),
        }
        for (table, (interval, name)), counts in total.items():
            owner = ingester.queues[name] if table == "queue" else ingester.agents[name]
            day = day_of(interval, ingester.zone)
            for target, when in ((f"{table}interval", interval), (f"{table}day", day)):
                row = by_table[target][(when, owner)]
                for counter, amount in counts.items():
                    row[counter] += amount
        statements = [
            statement
            for table, rows in by_table.items()
            for statement in self._increment(table, rows)
        ]
        if statements and connection.vendor == "postgresql":
            # The parts of a split import add to the same queue rows, each in the order of
            # its own batch: two of them could each hold a row the other waits for, which
            # PostgreSQL ends as a deadlock. One part at a time adds its roll-ups, to the
            # end of its transaction. (SQLite has one writer at a time anyway.)
            lock = "SELECT pg_advisory_xact_lock(%s, %s)"
            statements.insert(0, (lock, [(ROLLUP_LOCK, ingester.centre.pk)]))
        return statements

    def _increment(
        self, table: str, rows: dict[tuple[Any, int], dict[str, int]]
    ) -> list[Statement]:
        owner = "queue_id" if table.startswith("queue") else "agent_id"
        when = "start" if table.endswith("interval") else "day"
        # One statement per set of counters a row changes keeps each statement short;
        # most rows of a batch change the same few.
        shapes: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        order = _ORDER[table[:5]]
        for (moment, owner_id), counts in rows.items():
            changed = tuple(
                sorted((name for name, n in counts.items() if n), key=order.__getitem__)
            )
            if not changed:
                continue
            key = self._date(moment) if when == "day" else self._when(moment)
            shapes[changed].append((owner_id, key, *(counts[counter] for counter in changed)))
        statements = []
        for changed, values in shapes.items():
            names = ", ".join(changed)
            # Our table and column names; the values go as parameters.
            sql = (
                f"INSERT INTO telephony_{table} "  # noqa: S608
                f"({owner}, {when}, {names}) "
                f"VALUES ({', '.join(['%s'] * (len(changed) + 2))}) "
                f"ON CONFLICT ({owner}, {when}) DO UPDATE SET "
                + ", ".join(
                    f"{name} = telephony_{table}.{name} + excluded.{name}" for name in changed
                )
            )
            statements.append((sql, values))
        return statements

    def cursor(self, cursor: FollowCursor, offset: int) -> list[Statement]:
        cursor.offset = offset
        column = connection.ops.quote_name("offset")
        sql = f"UPDATE telephony_followcursor SET {column} = %s, updated_at = %s WHERE id = %s"  # noqa: S608
        return [(sql, [(offset, self._when(int(time.time())), cursor.pk)])]


def _matches(batch: list[Call], ingester: Ingester) -> tuple[dict[str, int], dict[tuple, int]]:
    """Customers by caller number, and the contact each call became, by number and time."""
    numbers = {call.caller_number for call in batch if call.caller_number}
    if not numbers:
        return {}, {}
    customers: dict[str, int] = {}
    contacts: dict[tuple, int] = {}
    listed = sorted(numbers)
    # Raw SQL: an ORM `__in` of thousands of numbers costs more to compile than to run.
    with connection.cursor() as cursor:
        for start in range(0, len(listed), 900):
            chunk = listed[start : start + 900]
            cursor.execute(
                "SELECT phone.number, phone.customer_id "  # noqa: S608
                "FROM customers_customerphone phone "
                "JOIN customers_customer customer ON customer.id = phone.customer_id "
                "WHERE customer.centre_id = %s "
                f"AND phone.number IN ({', '.join(['%s'] * len(chunk))}) "
                "ORDER BY phone.customer_id",
                [ingester.centre.pk, *chunk],
            )
            for number, customer_id in cursor.fetchall():
                customers.setdefault(number, customer_id)
    if not customers:
        return customers, contacts
    first = to_datetime(min(call.entered_at for call in batch)) - CONTACT_SLACK
    last = to_datetime(max(call.ended_at or call.entered_at for call in batch)) + CONTACT_SLACK
    found: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for number, started, contact_id in Contact.objects.filter(
        centre=ingester.centre,
        caller_number__in=list(customers),
        started_at__range=(first, last),
    ).values_list("caller_number", "started_at", "id"):
        found[number].append((started, contact_id))
    for call in batch:
        options = found.get(call.caller_number)
        if not options:
            continue
        entered = to_datetime(call.entered_at)
        best = min(options, key=lambda option: abs(option[0] - entered))
        if abs(best[0] - entered) <= CONTACT_SLACK:
            contacts[call.key] = best[1]
    return customers, contacts


# -- sources -------------------------------------------------------------------------------
