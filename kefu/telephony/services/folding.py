"""Folding a batch of events into calls, agent activities and roll-up changes, and the
batch's report."""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from kefu.core.models import OrgUnit, User
from kefu.core.validation import seconds_in_range
from kefu.telephony import calls, presence, queue_log
from kefu.telephony.calls import CALL_EVENTS, ENTRY_SLACK, FINAL, Call, Contribution
from kefu.telephony.intervals import to_datetime
from kefu.telephony.models import (
    Activity,
    Agent,
    FollowCursor,
    Queue,
)
from kefu.telephony.models import (
    Call as CallRow,
)
from kefu.telephony.presence import PAUSES, PRESENCE_EVENTS, Kind, Presence
from kefu.telephony.presence import Activity as Stretch
from kefu.telephony.services.writer import _execute, _from_row, _Writer

FORMATS = ("queue_log", "queue_log_table", "cdr_csv")
UNKNOWN = "unknown event"
BATCH_LINES = 50_000
# How many refused lines an import keeps to show the operator; the rest are only counted.
ERRORS_KEPT = 50
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


def users_by_handle(centre: OrgUnit) -> dict[str, User]:
    """The centre's active users by each name the platform may log them under: user name,
    employee number, full name."""
    users: dict[str, User] = {}
    for user in User.objects.filter(centre=centre, is_active=True):
        for handle in (user.username, user.employee_number, user.full_name):
            if handle:
                users.setdefault(handle, user)
    return users


def agents_link(centre: OrgUnit) -> int:
    """Agents the platform named before kefu knew their users (the users were imported or
    given their employee numbers afterwards) are matched now; how many were."""
    unlinked = list(Agent.objects.filter(centre=centre, user__isnull=True).only("name"))
    if not unlinked:
        return 0
    users = users_by_handle(centre)
    linked = 0
    for agent in unlinked:
        user = _agent_user(agent.name, users)
        if user is not None:
            linked += Agent.objects.filter(pk=agent.pk, user__isnull=True).update(
                user=user, team_id=user.team_id
            )
    return linked


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
        return users_by_handle(self.centre)
