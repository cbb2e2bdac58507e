"""Ingestion: telephone-platform events into calls, agent activities and roll-ups.

Events arrive in batches (a slice of a file, or one API request). Each batch is one
transaction: the calls and activities it touched are written with the roll-up changes they
cause (`calls.change`) and, when following a file, the offset read up to. A batch is whole
or absent, so an interrupted import loses nothing and a repeated one counts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.customers.models import CustomerPhone
from kefu.telephony import calls, cdr_csv, queue_log
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
from kefu.telephony.presence import PRESENCE_EVENTS, Kind, Presence
from kefu.telephony.presence import Activity as Stretch
from kefu.telephony.presence import contribution as stretch_contribution

FORMATS = ("queue_log", "queue_log_table", "cdr_csv")
UNKNOWN = "unknown event"
BATCH_LINES = 20_000
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

    def refuse(self, line: int, reason: str, *, ignored: bool = False) -> None:
        if ignored:
            self.ignored += 1
        else:
            self.malformed += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append((line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "events": self.events,
            "malformed": self.malformed,
            "ignored": self.ignored,
            "calls": self.calls,
            "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
        }


def _agent_user(name: str, users: dict[str, User]) -> User | None:
    """`Agent/1001`, `PJSIP/1001` or `1001` is the user whose employee number or user name
    is 1001; a member named by the agent's name is that user."""
    tail = name.rsplit("/", 1)[-1].split("@", 1)[0]
    return users.get(tail) or users.get(name)


class Ingester:
    """Feeds batches of events for one centre. It remembers calls still in progress and
    agents' open activities between batches, so a call spread over two batches is one call;
    all else it needs it reads back from the database."""

    def __init__(self, centre: OrgUnit) -> None:
        self.centre = centre
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
        for event in events:
            name = event.event
            if name in CALL_EVENTS:
                if not event.call_id or not event.queue:
                    continue
                call = self._call_for(event, latest, known, touched)
                calls.apply(call, event)
            elif name in PRESENCE_EVENTS:
                for stretch in self.presence.apply(event):
                    stretches[stretch.key] = stretch.copy()
        for pair, (hold, acw) in (details or {}).items():
            if (recorded := latest.get(pair)) is not None:
                recorded.hold, recorded.acw = hold, acw
        with transaction.atomic():
            self._ensure_names(touched.values(), stretches.values())
            total: Contribution = {}
            for before, after in touched.values():
                calls.change(before, after, total)
            previous = self._previous_stretches(stretches)
            for key, stretch in stretches.items():
                if (stored := previous.get(key)) is not None:
                    calls.add(total, stretch_contribution(stored), -1)
                calls.add(total, stretch_contribution(stretch), 1)
            self._db.calls([after for _, after in touched.values()], self)
            self._db.stretches(stretches.values(), self)
            self._db.rollups(total, self)
            if cursor is not None:
                cursor.offset = offset
                cursor.save(update_fields=["offset", "updated_at"])
        self._remember(latest, stretches, events)
        return len(touched)

    def _load_calls(
        self, events: Sequence[queue_log.QueueEvent]
    ) -> dict[tuple[str, str], list[Call]]:
        """Stored calls this batch's events may be about, by (call id, queue)."""
        wanted = {
            event.call_id
            for event in events
            if event.event in CALL_EVENTS and (event.call_id, event.queue) not in self._open_calls
        }
        wanted.discard("")
        found: dict[tuple[str, str], list[Call]] = defaultdict(list)
        if not wanted:
            return found
        names = {pk: name for name, pk in self.queues.items()}
        ids = list(wanted)
        for start in range(0, len(ids), 5000):
            rows = CallRow.objects.filter(
                call_id__in=ids[start : start + 5000], queue__centre=self.centre
            ).values()
            for row in rows:
                call = _from_row(row, names[row["queue_id"]], self._agent_names)
                found[(call.call_id, call.queue)].append(call)
        return found

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

        def fits(call: Call) -> bool:
            if entering:
                return abs(call.entered_at - at) <= ENTRY_SLACK
            return call.entered_at <= at + ENTRY_SLACK

        call = latest.get(pair)
        if call is None or not fits(call):
            stored = self._open_calls.get(pair)
            if stored is None or not fits(stored):
                stored = self._stored_call(known.get(pair, ()), at, entering)
            call = stored or (
                Call(event.call_id, event.queue, at) if entering else calls.start(event)
            )
            if call.key in touched:
                call = touched[call.key][1]
            else:
                touched[call.key] = (call.copy() if stored else None, call)
        latest[pair] = call
        return call

    @staticmethod
    def _stored_call(candidates: Iterable[Call], at: int, entering: bool) -> Call | None:
        best = None
        for call in candidates:
            if entering:
                if abs(call.entered_at - at) <= ENTRY_SLACK:
                    return call
            elif call.entered_at <= at + ENTRY_SLACK and (
                best is None or call.entered_at > best.entered_at
            ):
                best = call
        return best

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
                self._open_stretches[key] = stretch
            else:
                self._open_stretches.pop(key, None)

    def _previous_stretches(self, stretches: dict[tuple[str, str, int], Stretch]) -> dict:
        """The stored state of each activity the batch touched, to take its old part out."""
        previous = {
            key: self._open_stretches[key] for key in stretches if key in self._open_stretches
        }
        unknown = [key for key in stretches if key not in previous]
        if unknown:
            starts = {to_datetime(key[2]) for key in unknown}
            wanted = set(unknown)
            rows = Activity.objects.filter(agent__centre=self.centre, started_at__in=starts)
            for row in rows:
                stretch = self._stretch(row)
                if stretch.key in wanted:
                    previous[stretch.key] = stretch
        return previous

    def _ensure_names(self, touched, stretches) -> None:
        queues = {after.queue for _, after in touched} - self.queues.keys()
        agents = {after.agent for _, after in touched if after.agent}
        agents |= {agent for _, after in touched for _, agent in after.missed}
        agents |= {stretch.agent for stretch in stretches}
        agents -= self.agents.keys()
        for name in sorted(queues):
            queue, _ = Queue.objects.get_or_create(centre=self.centre, name=name)
            self.queues[name] = queue.pk
        if agents:
            users = self._users()
            for name in sorted(agents):
                user = _agent_user(name, users)
                agent, _ = Agent.objects.get_or_create(
                    centre=self.centre,
                    name=name,
                    defaults={"user": user, "team_id": user.team_id if user else None},
                )
                self.agents[name] = agent.pk
                self._agent_names[agent.pk] = name

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


class _Writer:
    """The batch's writes as a few multi-row statements: ORM saves row by row would spend
    the whole ingestion budget on Python overhead."""

    def __init__(self) -> None:
        self._datetime = connection.ops.adapt_datetimefield_value
        self._date = connection.ops.adapt_datefield_value

    def _when(self, seconds: int | None) -> Any:
        return None if seconds is None else self._datetime(to_datetime(seconds))

    def calls(self, batch: list[Call], ingester: Ingester) -> None:
        if not batch:
            return
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
                json.dumps(sorted(call.missed)),
                customers.get(call.caller_number),
                contacts.get(call.key),
            )
            for call in batch
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def stretches(self, batch: Iterable[Stretch], ingester: Ingester) -> None:
        rows = [
            (
                ingester.agents[stretch.agent],
                stretch.kind.value,
                self._when(stretch.started_at),
                self._when(stretch.ended_at),
                stretch.reason[:64],
                json.dumps(sorted(stretch.queues)),
            )
            for stretch in batch
        ]
        if not rows:
            return
        sql = (
            "INSERT INTO telephony_activity (agent_id, kind, started_at, ended_at, reason, queues) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (agent_id, kind, started_at) DO UPDATE "
            "SET ended_at = excluded.ended_at, reason = excluded.reason, queues = excluded.queues"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def rollups(self, total: Contribution, ingester: Ingester) -> None:
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
        for table, rows in by_table.items():
            self._increment(table, rows)

    def _increment(self, table: str, rows: dict[tuple[Any, int], dict[str, int]]) -> None:
        counters = calls.QUEUE_COUNTERS if table.startswith("queue") else calls.AGENT_COUNTERS
        owner = "queue_id" if table.startswith("queue") else "agent_id"
        when = "start" if table.endswith("interval") else "day"
        # One statement per set of counters a row changes keeps each statement short;
        # most rows of a batch change the same few.
        shapes: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for (moment, owner_id), counts in rows.items():
            changed = tuple(counter for counter in counters if counts.get(counter))
            if not changed:
                continue
            key = self._date(moment) if when == "day" else self._when(moment)
            shapes[changed].append((owner_id, key, *(counts[counter] for counter in changed)))
        with connection.cursor() as cursor:
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
                cursor.executemany(sql, values)


def _matches(batch: list[Call], ingester: Ingester) -> tuple[dict[str, int], dict[tuple, int]]:
    """Customers by caller number, and the contact each call became, by number and time."""
    numbers = {call.caller_number for call in batch if call.caller_number}
    if not numbers:
        return {}, {}
    customers: dict[str, int] = {}
    contacts: dict[tuple, int] = {}
    listed = list(numbers)
    for start in range(0, len(listed), 5000):
        chunk = listed[start : start + 5000]
        for number, customer_id in CustomerPhone.objects.filter(
            number__in=chunk, customer__centre=ingester.centre
        ).values_list("number", "customer_id"):
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


def _items(stream: BinaryIO, fmt: str, start: int) -> Iterator[tuple[int, Any, str]]:
    """(end offset, event or call record or None, refusal reason) for each line."""
    if fmt == "cdr_csv":
        yield from cdr_csv.read(stream, start=start, tz=timezone.get_default_timezone())
        return
    layout = "queue_log_table" if fmt == "queue_log_table" else "queue_log"
    for line in queue_log.read(
        stream, start=start, table_tz=timezone.get_default_timezone(), layout=layout
    ):
        yield line.end, line.event, line.error


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
    offset = start
    for end, item, error in _items(stream, fmt, start):
        report.lines += 1
        offset = end
        if item is None:
            # A well-formed line about an event kefu does not know is ignored, not broken.
            report.refuse(report.lines, error, ignored=error.startswith(UNKNOWN))
        elif isinstance(item, queue_log.QueueEvent):
            if item.event in CALL_EVENTS or item.event in PRESENCE_EVENTS:
                events.append(item)
            elif item.event not in queue_log.KNOWN_EVENTS:
                report.refuse(report.lines, f"{UNKNOWN} {item.event}", ignored=True)
        else:
            events.extend(cdr_csv.to_events(item))
            details[(item.call_id, item.queue)] = (
                _whole(item.hold_seconds),
                _whole(item.acw_seconds),
            )
        if len(events) >= batch_lines:
            report.events += len(events)
            report.calls += ingester.feed(events, details=details, cursor=cursor, offset=offset)
            events, details = [], {}
    if events or (cursor is not None and offset != cursor.offset):
        report.events += len(events)
        report.calls += ingester.feed(events, details=details, cursor=cursor, offset=offset)
    report.offset = offset
    return offset


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _run(centre: OrgUnit, source: str, fmt: str) -> ImportRun:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return ImportRun.objects.create(centre=centre, source=source[:500], format=fmt)


def _finish(run: ImportRun, report: Report) -> None:
    run.lines, run.events = report.lines, report.events
    run.malformed, run.ignored = report.malformed, report.ignored
    run.errors = [list(error) for error in report.errors]
    run.finished_at = timezone.now()
    run.save()


def telephony_import(
    *, centre: OrgUnit, path: Path, fmt: str = "queue_log", batch_lines: int = BATCH_LINES
) -> Report:
    """Import a whole file. Safe to repeat: what was read before changes nothing."""
    run = _run(centre, str(path), fmt)
    report = Report()
    with path.open("rb") as stream:
        _consume(Ingester(centre), stream, fmt, report, batch_lines=batch_lines)
    _finish(run, report)
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
    run = _run(centre, str(path), fmt)
    report = Report()
    ingester = Ingester(centre)
    cursor, _ = FollowCursor.objects.get_or_create(
        centre=centre, path=str(path.resolve())[:500], format=fmt, defaults={"fingerprint": ""}
    )
    idle_since = time.monotonic()
    try:
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
        calls.add(
            total,
            calls.contribution(_from_row(row, names[row["queue_id"]], ingester._agent_names)),
            1,
        )
        count += 1
    for activity in Activity.objects.filter(agent__centre=centre).iterator(chunk_size=5000):
        calls.add(total, stretch_contribution(ingester._stretch(activity)), 1)
    QueueInterval.objects.filter(queue__centre=centre).delete()
    QueueDay.objects.filter(queue__centre=centre).delete()
    AgentInterval.objects.filter(agent__centre=centre).delete()
    AgentDay.objects.filter(agent__centre=centre).delete()
    ingester._db.rollups(total, ingester)
    return count
