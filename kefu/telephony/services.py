"""Ingestion: telephone-platform events into calls, agent activities and roll-ups.

Events arrive in batches (a slice of a file, or one API request). Each batch is one
transaction: the calls and activities it touched are written with the roll-up changes they
cause (`calls.change`) and, when following a file, the offset read up to. A batch is whole
or absent, so an interrupted import loses nothing and a repeated one counts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.models import Contact
from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.validation import seconds_in_range
from kefu.telephony import calls, cdr_csv, presence, queue_log
from kefu.telephony.calls import CALL_EVENTS, ENTRY_SLACK, FINAL, Call, Contribution, Outcome
from kefu.telephony.intervals import day_of, to_datetime
from kefu.telephony.models import (
    Activity,
    Agent,
    AgentDay,
    AgentInterval,
    FollowCursor,
    ImportRun,
    Queue,
    QueueDay,
    QueueInterval,
)
from kefu.telephony.models import (
    Call as CallRow,
)
from kefu.telephony.presence import PAUSES, PRESENCE_EVENTS, Kind, Presence
from kefu.telephony.presence import Activity as Stretch

FORMATS = ("queue_log", "queue_log_table", "cdr_csv")
UNKNOWN = "unknown event"
BATCH_LINES = 50_000
# How many refused lines an import keeps to show the operator; the rest are only counted.
ERRORS_KEPT = 50
# A contact belongs to a call when it starts this close to the call's time in the queue.
CONTACT_SLACK = dt.timedelta(minutes=10)
# A call whose end was never read is forgotten by the ingester after this long (it stays
# stored as it is, and a late end read later still finds it in the database).
OPEN_CALL_HORIZON = 24 * 3600


@dataclass
class Report:
    lines: int = 0
    events: int = 0
    malformed: int = 0
    ignored: int = 0
    calls: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    offset: int = 0
    # Byte offsets just past each kept refused line of a file, to find its line number.
    ends: list[int] = field(default_factory=list)

    def refuse(self, line: int, reason: str, *, ignored: bool = False, end: int = -1) -> None:
        if ignored:
            self.ignored += 1
        else:
            self.malformed += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append((line, reason))
            self.ends.append(end)

    def number_lines(self, path: Path) -> None:
        """Give each kept refused line of `path` its line number in the file, as an editor
        counts them (blank lines and a header included), for the operator to go to."""
        if not self.errors or min(self.ends) < 0:
            return
        wanted = sorted(set(self.ends))
        numbers: dict[int, int] = {}
        newlines, read, index = 0, 0, 0
        with path.open("rb") as stream:
            while index < len(wanted) and (chunk := stream.read(1 << 20)):
                while index < len(wanted) and wanted[index] <= read + len(chunk):
                    numbers[wanted[index]] = newlines + chunk.count(b"\n", 0, wanted[index] - read)
                    index += 1
                newlines += chunk.count(b"\n")
                read += len(chunk)
        self.errors = [
            (numbers.get(end, line), reason)
            for (line, reason), end in zip(self.errors, self.ends, strict=True)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "events": self.events,
            "malformed": self.malformed,
            "ignored": self.ignored,
            "calls": self.calls,
            "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
        }


# The longest names the tables hold (SQLite would store longer ones, PostgreSQL refuse them).
_LIMITS = (
    ("call id", "call_id", CallRow._meta.get_field("call_id").max_length or 0),
    ("queue", "queue", Queue._meta.get_field("name").max_length or 0),
    ("agent", "agent", Agent._meta.get_field("name").max_length or 0),
)


def line_problem(event: queue_log.QueueEvent) -> str:
    """Why an event kefu would fold in cannot be stored ("" if it can): a time outside
    kefu's span, a name longer than its column, or a duration or position no call has.
    The line is then refused as malformed, with this reason."""
    if not seconds_in_range(event.time):
        return "bad time"
    for label, attribute, limit in _LIMITS:
        if len(getattr(event, attribute)) > limit:
            return f"{label} longer than {limit} characters"
    return queue_log.problem(event)


def _agent_user(name: str, users: dict[str, User]) -> User | None:
    """`Agent/1001`, `PJSIP/1001` or `1001` is the user whose employee number or user name
    is 1001; a member named by the agent's name is that user."""
    tail = name.rsplit("/", 1)[-1].split("@", 1)[0]
    return users.get(tail) or users.get(name)


class Ingester:
    """Feeds batches of events for one centre. It remembers calls still in progress and
    agents' open activities between batches, so a call spread over two batches is one call;
    all else it needs it reads back from the database."""

    def __init__(self, centre: OrgUnit, *, part: int = 0, parts: int = 1) -> None:
        self.centre = centre
        # An import split over processes gives each the calls and agents of its part.
        self.part, self.parts = part, parts
        self.zone = settings.TIME_ZONE
        self.queues = dict(Queue.objects.filter(centre=centre).values_list("name", "id"))
        self.agents = dict(Agent.objects.filter(centre=centre).values_list("name", "id"))
        self._agent_names = {pk: name for name, pk in self.agents.items()}
        self._open_calls: dict[tuple[str, str], Call] = {}
        self._open_stretches: dict[tuple[str, str, int], Stretch] = {}
        carried = [
            self._stretch(row)
            for row in Activity.objects.filter(agent__centre=centre, ended_at__isnull=True)
        ]
        self._open_stretches = {stretch.key: stretch for stretch in carried}
        self.presence = Presence(carried=[stretch.copy() for stretch in carried])
        self._db = _Writer()

    def _stretch(self, row: Activity) -> Stretch:
        return Stretch(
            agent=self._agent_names[row.agent_id],
            kind=Kind(row.kind),
            started_at=int(row.started_at.timestamp()),
            ended_at=int(row.ended_at.timestamp()) if row.ended_at else None,
            reason=row.reason,
            queues=frozenset(row.queues),
        )

    # -- one batch -----------------------------------------------------------------------

    def feed(
        self,
        events: Sequence[queue_log.QueueEvent],
        *,
        details: dict[tuple[str, str], tuple[int | None, int | None]] | None = None,
        cursor: FollowCursor | None = None,
        offset: int = 0,
    ) -> int:
        """Fold one batch in, in one transaction; `details` are hold and after-call-work
        seconds by (call id, queue) that call-record formats carry. Returns how many calls
        the batch touched."""
        known = self._load_calls(events)
        touched: dict[tuple[str, str, int], tuple[Call | None, Call]] = {}
        latest: dict[tuple[str, str], Call] = {}
        stretches: dict[tuple[str, str, int], Stretch] = {}
        last_pause: tuple[Any, ...] = ()
        for event in events:
            name = event.event
            if name in CALL_EVENTS:
                if not event.call_id or not event.queue:
                    continue
                call = self._call_for(event, latest, known, touched)
                calls.apply(call, event)
            elif name in PRESENCE_EVENTS:
                if name in PAUSES:
                    # Asterisk writes a pause once for each queue the agent serves.
                    same = (event.agent, name, event.time, event.data)
                    if same == last_pause:
                        continue
                    last_pause = same
                for stretch in self.presence.apply(event):
                    stretches[stretch.key] = stretch
        for pair, (hold, acw) in (details or {}).items():
            if (recorded := latest.get(pair)) is not None:
                recorded.hold, recorded.acw = hold, acw
        self._ensure_names(touched.values(), stretches.values())
        total: Contribution = {}
        for before, after in touched.values():
            calls.change(before, after, total)
        previous = self._previous_stretches(stretches)
        for key, stretch in stretches.items():
            if (stored := previous.get(key)) is not None:
                presence.contribute(stored, total, -1)
            presence.contribute(stretch, total)
        # The rows are made here, not where they are written: the calls and activities
        # still open go on changing as the next batch is folded.
        statements = [
            *self._db.calls([after for _, after in touched.values()], self),
            *self._db.stretches(stretches.values(), self),
            *self._db.rollups(total, self),
        ]
        if cursor is not None:
            statements.extend(self._db.cursor(cursor, offset))
        _execute(statements)
        self._remember(latest, stretches, events)
        return len(touched)

    def _load_calls(
        self, events: Sequence[queue_log.QueueEvent]
    ) -> dict[tuple[str, str], list[Call]]:
        """Stored calls this batch's events may be about, by (call id, queue): those that
        entered during the batch's span, by one range read, then by id the few whose entry
        came before it and is not in memory."""
        found: dict[tuple[str, str], list[Call]] = defaultdict(list)
        call_events = [event for event in events if event.event in CALL_EVENTS and event.call_id]
        if not call_events:
            return found
        names = {pk: name for name, pk in self.queues.items()}
        entries = [event.time for event in call_events if event.event == "ENTERQUEUE"]
        first = min(entries, default=min(event.time for event in call_events)) - ENTRY_SLACK
        if entries:
            rows = CallRow.objects.filter(
                queue_id__in=list(self.queues.values()),
                entered_at__gte=to_datetime(int(first)),
                entered_at__lte=to_datetime(int(max(entries) + ENTRY_SLACK) + 1),
            ).values()
            for row in rows:
                if self.parts > 1 and zlib.crc32(row["call_id"].encode()) % self.parts != self.part:
                    continue  # another part's call
                call = self._stored(row, names)
                found[(call.call_id, call.queue)].append(call)
        entering = {
            (event.call_id, event.queue) for event in call_events if event.event == "ENTERQUEUE"
        }
        earlier = list(
            {
                event.call_id
                for event in call_events
                if (event.call_id, event.queue) not in entering
                and (event.call_id, event.queue) not in found
                and (event.call_id, event.queue) not in self._open_calls
            }
        )
        for start in range(0, len(earlier), 500):
            rows = CallRow.objects.filter(
                call_id__in=earlier[start : start + 500], queue__centre=self.centre
            ).values()
            for row in rows:
                call = self._stored(row, names)
                if call not in found[(call.call_id, call.queue)]:
                    found[(call.call_id, call.queue)].append(call)
        return found

    def _stored(self, row: Mapping[str, Any], names: dict[int, str]) -> Call:
        """A stored call; its queue or agent may be one another process of a split import
        created since this one last looked."""
        if row["queue_id"] not in names or (
            row["agent_id"] is not None and row["agent_id"] not in self._agent_names
        ):
            self.queues.update(Queue.objects.filter(centre=self.centre).values_list("name", "id"))
            for name, pk in Agent.objects.filter(centre=self.centre).values_list("name", "id"):
                self.agents[name] = pk
                self._agent_names[pk] = name
            names.update({pk: name for name, pk in self.queues.items()})
        return _from_row(row, names[row["queue_id"]], self._agent_names)

    def _call_for(
        self,
        event: queue_log.QueueEvent,
        latest: dict[tuple[str, str], Call],
        known: dict[tuple[str, str], list[Call]],
        touched: dict[tuple[str, str, int], tuple[Call | None, Call]],
    ) -> Call:
        pair = (event.call_id, event.queue)
        at = round(event.time)
        entering = event.event == "ENTERQUEUE"
        call = latest.get(pair)
        if call is not None and calls.belongs(call, at, entering=entering):
            return call
        stored = self._open_calls.get(pair)
        if stored is None or not calls.belongs(stored, at, entering=entering):
            stored = self._stored_call(known.get(pair, ()), at, entering)
        call = stored or (Call(event.call_id, event.queue, at) if entering else calls.start(event))
        if call.key in touched:
            call = touched[call.key][1]
        else:
            touched[call.key] = (call.copy() if stored else None, call)
        latest[pair] = call
        return call

    @staticmethod
    def _stored_call(candidates: Iterable[Call], at: int, entering: bool) -> Call | None:
        """Of the stored stays of a call in a queue, the one the event is about: the latest
        that entered before it."""
        fitting = [call for call in candidates if calls.belongs(call, at, entering=entering)]
        return max(fitting, key=lambda call: call.entered_at, default=None)

    def _remember(self, latest, stretches, events) -> None:
        for pair, call in latest.items():
            if call.outcome in FINAL:
                self._open_calls.pop(pair, None)
            else:
                self._open_calls[pair] = call
        if events:
            horizon = round(events[-1].time) - OPEN_CALL_HORIZON
            stale = [pair for pair, call in self._open_calls.items() if call.entered_at < horizon]
            for pair in stale:
                del self._open_calls[pair]
        for key, stretch in stretches.items():
            if stretch.ended_at is None:
                # A copy: the tracker goes on changing its own, and this is what is stored.
                self._open_stretches[key] = stretch.copy()
            else:
                self._open_stretches.pop(key, None)

    def _previous_stretches(self, stretches: dict[tuple[str, str, int], Stretch]) -> dict:
        """The stored state of each activity the batch touched, to take its old part out."""
        previous = {key: known for key in stretches if (known := self._open_stretches.get(key))}
        unknown = {key for key in stretches if key not in previous}
        if unknown:
            starts = [key[2] for key in unknown]
            rows = Activity.objects.filter(
                agent__centre=self.centre,
                started_at__gte=to_datetime(min(starts)),
                started_at__lte=to_datetime(max(starts)),
            )
            for row in rows:
                if row.agent_id not in self._agent_names:
                    continue  # not an agent of this part: another process created it
                stretch = self._stretch(row)
                if stretch.key in unknown:
                    previous[stretch.key] = stretch
        return previous

    def _ensure_names(self, touched, stretches) -> None:
        queues = {after.queue for _, after in touched} - self.queues.keys()
        agents = {after.agent for _, after in touched if after.agent}
        agents |= {agent for _, after in touched for _, agent in after.missed}
        agents |= {stretch.agent for stretch in stretches}
        agents -= self.agents.keys()
        if queues:
            Queue.objects.bulk_create(
                [Queue(centre=self.centre, name=name) for name in sorted(queues)],
                ignore_conflicts=True,
            )
            self.queues.update(
                Queue.objects.filter(centre=self.centre, name__in=queues).values_list("name", "id")
            )
        if agents:
            users = self._users()
            found = []
            for name in sorted(agents):
                user = _agent_user(name, users)
                found.append(
                    Agent(
                        centre=self.centre,
                        name=name,
                        user=user,
                        team_id=user.team_id if user else None,
                    )
                )
            Agent.objects.bulk_create(found, ignore_conflicts=True)
            for name, pk in Agent.objects.filter(centre=self.centre, name__in=agents).values_list(
                "name", "id"
            ):
                self.agents[name] = pk
                self._agent_names[pk] = name

    def _users(self) -> dict[str, User]:
        users: dict[str, User] = {}
        for user in User.objects.filter(centre=self.centre, is_active=True):
            for handle in (user.username, user.employee_number, user.full_name):
                if handle:
                    users.setdefault(handle, user)
        return users


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


def _lines(stream: BinaryIO, fmt: str, start: int) -> Iterator[Any]:
    """Objects with `end`, `event` (a queue event, a call record or None) and `error`."""
    if fmt == "cdr_csv":
        for end, record, error in cdr_csv.read(
            stream, start=start, tz=timezone.get_default_timezone()
        ):
            yield queue_log.Line(end, record, error)  # type: ignore[arg-type]
        return
    layout = "queue_log_table" if fmt == "queue_log_table" else "queue_log"
    yield from queue_log.read(
        stream, start=start, table_tz=timezone.get_default_timezone(), layout=layout
    )


def _consume(
    ingester: Ingester,
    stream: BinaryIO,
    fmt: str,
    report: Report,
    *,
    start: int = 0,
    cursor: FollowCursor | None = None,
    batch_lines: int = BATCH_LINES,
) -> int:
    """Read from `start` to the end of what is written, feeding full batches; returns the
    offset read up to."""
    events: list[queue_log.QueueEvent] = []
    details: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    wanted = CALL_EVENTS | PRESENCE_EVENTS
    cdr = fmt == "cdr_csv"
    parts, part, calls_only, crc32 = ingester.parts, ingester.part, CALL_EVENTS, zlib.crc32
    count, offset, line = report.lines, start, None
    for count, line in enumerate(_lines(stream, fmt, start), start=report.lines + 1):
        item = line.event
        if item is None:
            # A well-formed line about an event kefu does not know is ignored, not broken.
            report.refuse(count, line.error, ignored=line.error.startswith(UNKNOWN), end=line.end)
        elif cdr:
            made = cdr_csv.to_events(item)
            # Judged before the part is chosen, so every part counts the same refusals.
            if reason := next(filter(None, map(line_problem, made)), ""):
                report.refuse(count, reason, end=line.end)
                continue
            if parts > 1 and zlib.crc32(item.call_id.encode()) % parts != ingester.part:
                continue
            events.extend(made)
            details[(item.call_id, item.queue)] = (
                calls.whole_seconds(item.hold_seconds),
                calls.whole_seconds(item.acw_seconds),
            )
        elif item.event in wanted:
            if reason := line_problem(item):
                report.refuse(count, reason, end=line.end)
                continue
            if parts > 1:
                # A call's events go to the part of its call id, an agent's time to the
                # part of the agent (crc32: the same in every process).
                owner = item.call_id if item.event in calls_only else item.agent
                if crc32(owner.encode()) % parts != part:
                    continue
            events.append(item)
            if len(events) >= batch_lines:
                report.events += len(events)
                report.calls += ingester.feed(events, cursor=cursor, offset=line.end)
                events = []
    if line is not None:
        offset = line.end
    report.lines = count
    if events or (cursor is not None and offset != cursor.offset):
        report.events += len(events)
        report.calls += ingester.feed(events, details=details, cursor=cursor, offset=offset)
    report.offset = offset
    return offset


def _run(centre: OrgUnit, source: str, fmt: str) -> ImportRun:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return ImportRun.objects.create(centre=centre, source=source[:500], format=fmt)


# The first bytes of the compressed and archive formats an operator may hand over by mistake.
_PACKED = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)


def _refuse_file(path: Path, message: str) -> Invalid:
    return Invalid(message, code="import_file_refused", detail={"file": str(path)})


def import_file_check(*, path: Path, fmt: str) -> None:
    """Refuse, before anything is written, a file that cannot be imported at all: one that
    is missing, a directory or a device, unreadable, compressed, or (call records) whose
    header lacks a required column. Bad lines are not this: they are refused one by one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if path.is_dir():
        raise _refuse_file(path, _("%(file)s is a directory, not a file.") % {"file": path})
    if path.exists() and not path.is_file():
        raise _refuse_file(path, _("%(file)s is not a regular file.") % {"file": path})
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
            for magic, kind in _PACKED:
                if head.startswith(magic):
                    raise _refuse_file(
                        path,
                        _("%(file)s is a %(kind)s file: unpack it and import the text inside.")
                        % {"file": path, "kind": kind},
                    )
            if fmt == "cdr_csv":
                next(cdr_csv.read(stream, tz=timezone.get_default_timezone()), None)
    except OSError as error:
        raise _refuse_file(
            path,
            _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": error.strerror},
        ) from error
    except ValueError as error:  # a call-record header without its required columns
        raise _refuse_file(
            path, _("%(file)s, line 1: %(reason)s") % {"file": path, "reason": error}
        ) from error


def _finish(run: ImportRun, report: Report) -> None:
    run.lines, run.events = report.lines, report.events
    run.malformed, run.ignored = report.malformed, report.ignored
    run.errors = [list(error) for error in report.errors]
    run.finished_at = timezone.now()
    run.save()


@contextmanager
def _unmapped() -> Iterator[None]:
    """Memory-mapped pages of the database count as the importing process's memory, and a
    file import reads little: it keeps to SQLite's page cache while it runs."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        (mapped,) = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(mapped)}")


def import_workers() -> int:
    """Processes a file import is split over: one per core, at most four (the database
    takes one batch at a time, so more would only wait), and KEFU_IMPORT_WORKERS decides."""
    default = min(4, os.cpu_count() or 1)
    return max(1, int(os.environ.get("KEFU_IMPORT_WORKERS", str(default))))


def telephony_import(
    *,
    centre: OrgUnit,
    path: Path,
    fmt: str = "queue_log",
    batch_lines: int = BATCH_LINES,
    workers: int | None = None,
) -> Report:
    """Import a whole file. Safe to repeat: what was read before changes nothing.

    Folding events is Python and takes one core, so a large file is split over processes:
    each reads the whole file and folds the calls and agents of its part (see `_consume`),
    writing its own batches. The parts touch different calls and activities, and add to
    the roll-ups, which does not depend on their order. Inside a caller's transaction (the
    demo loader, the tests) everything runs here, in that transaction. A file that cannot
    be read at all is refused before anything is written (`import_file_check`)."""
    import_file_check(path=path, fmt=fmt)
    run = _run(centre, str(path), fmt)
    parts = 1 if connection.in_atomic_block else (workers or import_workers())
    if parts > 1 and path.stat().st_size > PARALLEL_BYTES:
        report = _import_parallel(centre, path, fmt, batch_lines, parts)
    else:
        report = _import_part(centre, path, fmt, batch_lines, 0, 1)
    report.number_lines(path)
    _finish(run, report)
    return report


# Below this a file is read in one process: starting others costs more than they save.
PARALLEL_BYTES = 4 * 1024 * 1024


def _import_part(
    centre: OrgUnit, path: Path, fmt: str, batch_lines: int, part: int, parts: int
) -> Report:
    report = Report()
    ingester = Ingester(centre, part=part, parts=parts)
    with path.open("rb") as stream, _unmapped():
        _consume(ingester, stream, fmt, report, batch_lines=batch_lines)
    return report


def _part_process(centre_id: int, path: str, fmt: str, batch_lines: int, part: int, parts: int):
    try:
        centre = OrgUnit.objects.get(pk=centre_id)
        report = _import_part(centre, Path(path), fmt, batch_lines, part, parts)
        return report
    finally:
        connections.close_all()


def _default_signals() -> None:
    """A part process ends when the pool terminates it, whatever handlers its parent had."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _import_parallel(centre: OrgUnit, path: Path, fmt: str, batch_lines: int, parts: int) -> Report:
    # A forked process must not use the connections it inherits: they are the parent's.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(parts, initializer=_default_signals) as pool:
        reports = pool.starmap(
            _part_process,
            [(centre.pk, str(path), fmt, batch_lines, part, parts) for part in range(parts)],
        )
    # Every part read every line: lines and refusals are counted once, events and calls
    # are each part's own.
    report = reports[0]
    report.events = sum(part.events for part in reports)
    report.calls = sum(part.calls for part in reports)
    return report


def _fingerprint(path: Path) -> str:
    with path.open("rb") as stream:
        return stream.readline(4096)[:64].decode("utf-8", "replace")


def telephony_follow(
    *,
    centre: OrgUnit,
    path: Path,
    fmt: str = "queue_log",
    poll_seconds: float = 1.0,
    idle_limit: float | None = None,
    batch_lines: int = BATCH_LINES,
    stop: Callable[[], bool] = lambda: False,
) -> Report:
    """Tail a file the platform keeps writing, as `tail -F` does. The offset read up to is
    stored with each batch, so a restart goes on from there; a file rotated under the same
    name (its first line differs, or it is shorter than the offset) is read from its start.
    Returns when `stop()` says so, or after `idle_limit` seconds with nothing new."""
    if path.exists():
        import_file_check(path=path, fmt=fmt)
    run = _run(centre, str(path), fmt)
    report = Report()
    ingester = Ingester(centre)
    cursor, _ = FollowCursor.objects.get_or_create(
        centre=centre, path=str(path.resolve())[:500], format=fmt, defaults={"fingerprint": ""}
    )
    idle_since = time.monotonic()
    try:
        with _unmapped():
            while not stop():
                if path.exists() and path.stat().st_size > 0:
                    fingerprint = _fingerprint(path)
                    if fingerprint != cursor.fingerprint or path.stat().st_size < cursor.offset:
                        cursor.fingerprint, cursor.offset = fingerprint, 0
                        cursor.save(update_fields=["fingerprint", "offset", "updated_at"])
                    before = cursor.offset
                    with path.open("rb") as stream:
                        _consume(
                            ingester,
                            stream,
                            fmt,
                            report,
                            start=cursor.offset,
                            cursor=cursor,
                            batch_lines=batch_lines,
                        )
                    if cursor.offset != before:
                        idle_since = time.monotonic()
                if idle_limit is not None and time.monotonic() - idle_since >= idle_limit:
                    break
                time.sleep(poll_seconds)
    finally:
        _finish(run, report)
    return report


def telephony_events_post(*, centre: OrgUnit, events: Sequence[queue_log.QueueEvent]) -> Report:
    """A batch pushed by a platform through the API: one transaction, like a file batch."""
    report = Report(lines=len(events))
    accepted = []
    for number, event in enumerate(events, start=1):
        if event.event in CALL_EVENTS or event.event in PRESENCE_EVENTS:
            if reason := line_problem(event):
                report.refuse(number, reason)
                continue
            accepted.append(event)
        elif event.event not in queue_log.KNOWN_EVENTS:
            report.refuse(number, f"{UNKNOWN} {event.event}", ignored=True)
    report.events = len(accepted)
    report.calls = Ingester(centre).feed(accepted)
    return report


@transaction.atomic
def telephony_rollups_rebuild(*, centre: OrgUnit) -> int:
    """Recompute the centre's roll-ups from its stored calls and activities. Ingestion keeps
    them current on its own; this is for an operator who restored raw rows from a backup,
    and it is what the tests compare the incremental roll-ups with. Returns the calls read."""
    ingester = Ingester(centre)
    names = {pk: name for name, pk in ingester.queues.items()}
    total: Contribution = {}
    count = 0
    for row in CallRow.objects.filter(queue__centre=centre).values().iterator(chunk_size=5000):
        calls.contribute(_from_row(row, names[row["queue_id"]], ingester._agent_names), total)
        count += 1
    for activity in Activity.objects.filter(agent__centre=centre).iterator(chunk_size=5000):
        presence.contribute(ingester._stretch(activity), total)
    QueueInterval.objects.filter(queue__centre=centre).delete()
    QueueDay.objects.filter(queue__centre=centre).delete()
    AgentInterval.objects.filter(agent__centre=centre).delete()
    AgentDay.objects.filter(agent__centre=centre).delete()
    _execute(ingester._db.rollups(total, ingester))
    return count
