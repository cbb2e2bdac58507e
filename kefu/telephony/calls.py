"""A queued call as its events describe it, and what it adds to the roll-ups.

Ingestion never adds an event to a counter directly. It folds each event into the call's
state, and the roll-ups change by what the call adds after minus what it added before. An event
read twice leaves the state as it was, so it changes nothing: that is what makes imports
idempotent whatever the source, and it is why the roll-ups always equal a recomputation
from the stored calls.

The conventions for queue calls (fixed, so every report means the same thing):
- offered: the call entered a queue (ENTERQUEUE); everything about the call is counted in
  the 15-minute interval of its entry, so a period's answered calls are a subset of its
  offered calls;
- answered: connected to an agent (CONNECT), whatever happened after;
- abandoned: the caller hung up while queued (ABANDON); a short abandon is one whose wait
  is at most the centre's short-abandon threshold (20 s unless the centre sets another);
- exited: left the queue by EXITWITHTIMEOUT, EXITWITHKEY or EXITEMPTY (or was withdrawn
  from it by the platform, WITHDRAW);
- completed: the conversation ended (COMPLETEAGENT, COMPLETECALLER or a transfer), with
  its talk time;
- transferred: the agent transferred it (TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER);
- a call still in progress at the end of the data is offered and nothing else.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kefu.telephony import queue_log
from kefu.telephony.intervals import WAIT_THRESHOLDS, interval_of, split
from kefu.telephony.queue_log import MAX_SECONDS, QueueEvent


class Outcome(StrEnum):
    QUEUED = "queued"
    ANSWERED = "answered"  # connected, conversation not ended yet
    COMPLETED_AGENT = "completed_agent"
    COMPLETED_CALLER = "completed_caller"
    TRANSFERRED = "transferred"
    ABANDONED = "abandoned"
    TIMEOUT = "timeout"
    KEY = "key"
    EMPTY = "empty"
    WITHDRAWN = "withdrawn"  # taken out of the queue by the platform (WITHDRAW)


CONNECTED = frozenset(
    {Outcome.ANSWERED, Outcome.COMPLETED_AGENT, Outcome.COMPLETED_CALLER, Outcome.TRANSFERRED}
)
EXITED = frozenset({Outcome.TIMEOUT, Outcome.KEY, Outcome.EMPTY, Outcome.WITHDRAWN})
FINAL = CONNECTED - {Outcome.ANSWERED} | EXITED | {Outcome.ABANDONED}

_ENDS = {
    "COMPLETEAGENT": Outcome.COMPLETED_AGENT,
    "COMPLETECALLER": Outcome.COMPLETED_CALLER,
    "TRANSFER": Outcome.TRANSFERRED,
    "BLINDTRANSFER": Outcome.TRANSFERRED,
    "ATTENDEDTRANSFER": Outcome.TRANSFERRED,
    "ABANDON": Outcome.ABANDONED,
    "EXITWITHTIMEOUT": Outcome.TIMEOUT,
    "EXITWITHKEY": Outcome.KEY,
    "EXITEMPTY": Outcome.EMPTY,
    "WITHDRAW": Outcome.WITHDRAWN,
}
CALL_EVENTS = frozenset({"ENTERQUEUE", "CONNECT", "RINGNOANSWER", *_ENDS})

# Two lines about one call can disagree on its entry by a second (Asterisk rounds each
# time on its own); within this slack they are the same entry.
ENTRY_SLACK = 2


@dataclass(slots=True)
class Call:
    call_id: str
    queue: str
    entered_at: int
    caller_number: str = ""
    position: int | None = None
    outcome: Outcome = Outcome.QUEUED
    agent: str = ""
    connected_at: int | None = None
    ended_at: int | None = None
    wait: int | None = None
    talk: int | None = None
    ring: int | None = None
    hold: int | None = None  # only call-record formats carry hold and after-call work
    acw: int | None = None
    # (time, agent) of each ring the agent let go unanswered: a set, so reading the
    # same RINGNOANSWER twice counts it once.
    missed: frozenset[tuple[int, str]] = field(default_factory=frozenset)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.call_id, self.queue, self.entered_at)

    def copy(self) -> Call:
        return replace(self)


def whole_seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def belongs(call: Call, at: int, *, entering: bool) -> bool:
    """Whether an event at `at` is about this stay in the queue: an entry is the same
    stay within the slack; any other event belongs to a stay that entered before it, and
    not longer ago than a call can last (so a wait or talk time taken from the events'
    times is never longer than one a line may give)."""
    if entering:
        return abs(call.entered_at - at) <= ENTRY_SLACK
    return call.entered_at - ENTRY_SLACK <= at <= call.entered_at + MAX_SECONDS


def start(event: QueueEvent) -> Call:
    """A call first seen by an event after its entry (the data began mid-call): dated back
    by the wait the event carries, so it still counts in the interval where it entered."""
    wait = whole_seconds(queue_log.wait_seconds(event)) or 0
    return Call(call_id=event.call_id, queue=event.queue, entered_at=round(event.time) - wait)


def apply(call: Call, event: QueueEvent) -> None:
    """Fold one event into the call's state. Re-applying an event already folded in leaves
    the state unchanged; a later event never undoes an end already recorded (a stray
    CONNECT after ABANDON changes nothing)."""
    name = event.event
    at = round(event.time)
    if name == "ENTERQUEUE":
        call.caller_number = queue_log.caller_number(event) or call.caller_number
        if call.position is None:
            call.position = queue_log.position(event)
        return
    if name == "RINGNOANSWER":
        if event.agent:
            call.missed = call.missed | {(at, event.agent)}
        return
    if name == "CONNECT":
        if call.outcome in FINAL and call.outcome not in CONNECTED:
            return
        call.agent = event.agent or call.agent
        call.connected_at = at
        call.wait = whole_seconds(queue_log.wait_seconds(event))
        if call.wait is None:
            call.wait = max(0, at - call.entered_at)
        ring = whole_seconds(queue_log.ring_seconds(event))
        call.ring = ring if ring is not None else call.ring
        if call.outcome is Outcome.QUEUED:
            call.outcome = Outcome.ANSWERED
        return
    outcome = _ENDS.get(name)
    if outcome is None:
        return
    if call.outcome in FINAL and call.ended_at is not None and call.ended_at != at:
        return  # the call ended already; a second end is noise
    wait = whole_seconds(queue_log.wait_seconds(event))
    if outcome in CONNECTED:
        if call.connected_at is None:
            # The CONNECT line was lost: the end carries the wait, so connect from it.
            call.wait = wait if wait is not None else max(0, at - call.entered_at)
            call.connected_at = call.entered_at + call.wait
        call.agent = event.agent or call.agent
        talk = whole_seconds(queue_log.talk_seconds(event))
        call.talk = talk if talk is not None else max(0, at - call.connected_at)
    else:
        call.wait = wait if wait is not None else max(0, at - call.entered_at)
    call.outcome = outcome
    call.ended_at = at


# The counters each roll-up row holds, by table. Seconds are whole numbers, so a sum over
# intervals equals the sum over calls exactly.
# Waits are counted in buckets, one counter each, so a call adds one to one of them:
# answered_wait_T counts answered calls, and abandoned_wait_T abandons, whose wait was over
# the threshold before T and at most T. "Answered within T" and "abandoned within T" are the
# sums of the buckets up to T: a short abandon is one that waited T s or less, as the
# standard puts it ("20秒或者更少", seed 002 第7篇).
ANSWERED_WAIT = tuple(f"answered_wait_{t}" for t in WAIT_THRESHOLDS)
ABANDONED_WAIT = tuple(f"abandoned_wait_{t}" for t in WAIT_THRESHOLDS)
QUEUE_COUNTERS: tuple[str, ...] = (
    "offered",
    "answered",
    "abandoned",
    "exited_timeout",
    "exited_key",
    "exited_empty",
    "exited_withdrawn",
    "transferred",
    "completed",
    "queued",
    "wait_answered_sum",
    "wait_abandoned_sum",
    "wait_sum",
    "talk_sum",
    "ring_sum",
    "ring_count",
    "hold_sum",
    "hold_count",
    "acw_sum",
    "acw_count",
    "missed",
    *ANSWERED_WAIT,
    *ABANDONED_WAIT,
)
AGENT_COUNTERS: tuple[str, ...] = (
    "answered",
    "completed",
    "transferred",
    "talk_sum",
    "hold_sum",
    "acw_sum",
    "acw_count",
    "missed",
    "login_sum",
    "pause_sum",
)

_EXIT_COUNTER = {
    Outcome.TIMEOUT: "exited_timeout",
    Outcome.KEY: "exited_key",
    Outcome.EMPTY: "exited_empty",
    Outcome.WITHDRAWN: "exited_withdrawn",
}

Counts = dict[str, int]
# (table, key) → counters: table "queue" is keyed by (interval, queue name), table
# "agent" by (interval, agent name).
Contribution = dict[tuple[str, tuple[int, str]], Counts]


def row_of(total: Contribution, table: str, key: tuple[int, str]) -> Counts:
    row = total.get((table, key))
    if row is None:
        row = total[(table, key)] = defaultdict(int)
    return row


def contribute(call: Call, total: Contribution, sign: int = 1) -> None:
    """Add (sign 1) or take out (sign -1) everything this call adds to the roll-ups.
    Written out rather than as a list of parts: ingestion calls it for every call."""
    queue = row_of(total, "queue", (interval_of(call.entered_at), call.queue))
    queue["offered"] += sign
    wait = call.wait
    # Queued: the caller waited for an agent to be free, beyond the ringing of one.
    if wait is not None and wait - (call.ring or 0) >= 1:
        queue["queued"] += sign
    if call.missed:
        queue["missed"] += sign * len(call.missed)
        for at, name in call.missed:
            row_of(total, "agent", (interval_of(at), name))["missed"] += sign
    outcome = call.outcome
    if outcome in CONNECTED:
        wait = wait or 0
        queue["answered"] += sign
        queue["wait_answered_sum"] += sign * wait
        queue["wait_sum"] += sign * wait
        bucket = bisect_left(WAIT_THRESHOLDS, wait)
        if bucket < len(ANSWERED_WAIT):
            queue[ANSWERED_WAIT[bucket]] += sign
        if call.ring is not None:
            queue["ring_sum"] += sign * call.ring
            queue["ring_count"] += sign
        connected = call.connected_at if call.connected_at is not None else call.entered_at
        agent = row_of(total, "agent", (interval_of(connected), call.agent)) if call.agent else None
        if agent is not None:
            agent["answered"] += sign
        if outcome is Outcome.ANSWERED:
            return
        talk = call.talk or 0
        queue["completed"] += sign
        queue["talk_sum"] += sign * talk
        transferred = outcome is Outcome.TRANSFERRED
        queue["transferred"] += sign * transferred
        for counter, value in (("hold", call.hold), ("acw", call.acw)):
            if value is not None:
                queue[f"{counter}_sum"] += sign * value
                queue[f"{counter}_count"] += sign
                if agent is not None:
                    agent[f"{counter}_sum"] += sign * value
        if agent is not None:
            agent["completed"] += sign
            agent["transferred"] += sign * transferred
            agent["acw_count"] += sign * (call.acw is not None)
            for interval, seconds in split(connected, connected + talk):
                row_of(total, "agent", (interval, call.agent))["talk_sum"] += sign * seconds
    elif outcome is Outcome.ABANDONED:
        wait = wait or 0
        queue["abandoned"] += sign
        queue["wait_abandoned_sum"] += sign * wait
        queue["wait_sum"] += sign * wait
        bucket = bisect_left(WAIT_THRESHOLDS, wait)
        if bucket < len(ABANDONED_WAIT):
            queue[ABANDONED_WAIT[bucket]] += sign
    elif outcome in EXITED:
        queue[_EXIT_COUNTER[outcome]] += sign
        queue["wait_sum"] += sign * (wait or 0)


def change(before: Call | None, after: Call, total: Contribution) -> None:
    """Add to `total` what moving the call from `before` to `after` changes."""
    if before is not None:
        contribute(before, total, -1)
    contribute(after, total, 1)
