"""A queued call as its events describe it, and what it adds to the roll-ups.

Ingestion never adds an event to a counter directly. It folds each event into the call's
state, and the roll-ups change by `contribution(after) - contribution(before)`. An event
read twice leaves the state as it was, so it changes nothing: that is what makes imports
idempotent whatever the source, and it is why the roll-ups always equal a recomputation
from the stored calls.

The conventions for queue calls (fixed, so every report means the same thing):
- offered: the call entered a queue (ENTERQUEUE); everything about the call is counted in
  the 15-minute interval of its entry, so a period's answered calls are a subset of its
  offered calls;
- answered: connected to an agent (CONNECT), whatever happened after;
- abandoned: the caller hung up while queued (ABANDON); a short abandon is one whose wait
  is under the centre's short-abandon threshold;
- exited: left the queue by EXITWITHTIMEOUT, EXITWITHKEY or EXITEMPTY;
- completed: the conversation ended (COMPLETEAGENT, COMPLETECALLER or a transfer), with
  its talk time;
- transferred: the agent transferred it (TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER);
- a call still in progress at the end of the data is offered and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kefu.telephony import queue_log
from kefu.telephony.intervals import WAIT_THRESHOLDS, interval_of, split
from kefu.telephony.queue_log import QueueEvent


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


CONNECTED = frozenset(
    {Outcome.ANSWERED, Outcome.COMPLETED_AGENT, Outcome.COMPLETED_CALLER, Outcome.TRANSFERRED}
)
EXITED = frozenset({Outcome.TIMEOUT, Outcome.KEY, Outcome.EMPTY})
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


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def start(event: QueueEvent) -> Call:
    """A call first seen by an event after its entry (the data began mid-call): dated back
    by the wait the event carries, so it still counts in the interval where it entered."""
    wait = _int(queue_log.wait_seconds(event)) or 0
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
        call.wait = _int(queue_log.wait_seconds(event))
        if call.wait is None:
            call.wait = max(0, at - call.entered_at)
        ring = _int(queue_log.ring_seconds(event))
        call.ring = ring if ring is not None else call.ring
        if call.outcome is Outcome.QUEUED:
            call.outcome = Outcome.ANSWERED
        return
    outcome = _ENDS.get(name)
    if outcome is None:
        return
    if call.outcome in FINAL and call.ended_at is not None and call.ended_at != at:
        return  # the call ended already; a second end is noise
    wait = _int(queue_log.wait_seconds(event))
    if outcome in CONNECTED:
        if call.connected_at is None:
            # The CONNECT line was lost: the end carries the wait, so connect from it.
            call.wait = wait if wait is not None else max(0, at - call.entered_at)
            call.connected_at = call.entered_at + call.wait
        call.agent = event.agent or call.agent
        talk = _int(queue_log.talk_seconds(event))
        call.talk = talk if talk is not None else max(0, at - call.connected_at)
    else:
        call.wait = wait if wait is not None else max(0, at - call.entered_at)
    call.outcome = outcome
    call.ended_at = at


# The counters each roll-up row holds, by table. Seconds are whole numbers, so a sum over
# intervals equals the sum over calls exactly.
ANSWERED_BY = tuple(f"answered_by_{t}" for t in WAIT_THRESHOLDS)
ABANDONED_UNDER = tuple(f"abandoned_under_{t}" for t in WAIT_THRESHOLDS)
QUEUE_COUNTERS: tuple[str, ...] = (
    "offered",
    "answered",
    "abandoned",
    "exited_timeout",
    "exited_key",
    "exited_empty",
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
    *ANSWERED_BY,
    *ABANDONED_UNDER,
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
}

Counts = dict[str, int]
# (table, key) → counters: table "queue" is keyed by (interval, queue name), table
# "agent" by (interval, agent name).
Contribution = dict[tuple[str, tuple[int, str]], Counts]
Part = tuple[str, tuple[int, str], str, int]  # (table, key, counter, amount)


def contribution(call: Call) -> Iterator[Part]:
    """(table, key, counter, amount) for everything this call adds to the roll-ups."""
    slot = (interval_of(call.entered_at), call.queue)
    yield "queue", slot, "offered", 1
    wait = call.wait
    # Queued: the caller waited for an agent to be free, beyond the ringing of one.
    if wait is not None and wait - (call.ring or 0) >= 1:
        yield "queue", slot, "queued", 1
    if call.missed:
        yield "queue", slot, "missed", len(call.missed)
        for at, agent in call.missed:
            yield "agent", (interval_of(at), agent), "missed", 1
    outcome = call.outcome
    if outcome in CONNECTED:
        wait = wait or 0
        yield "queue", slot, "answered", 1
        yield "queue", slot, "wait_answered_sum", wait
        yield "queue", slot, "wait_sum", wait
        for name, threshold in zip(ANSWERED_BY, WAIT_THRESHOLDS, strict=True):
            if wait <= threshold:
                yield "queue", slot, name, 1
        if call.ring is not None:
            yield "queue", slot, "ring_sum", call.ring
            yield "queue", slot, "ring_count", 1
        connected = call.connected_at if call.connected_at is not None else call.entered_at
        agent_slot = (interval_of(connected), call.agent)
        if call.agent:
            yield "agent", agent_slot, "answered", 1
        if outcome is not Outcome.ANSWERED:
            talk = call.talk or 0
            yield "queue", slot, "completed", 1
            yield "queue", slot, "talk_sum", talk
            if call.agent:
                yield "agent", agent_slot, "completed", 1
                for interval, seconds in split(connected, connected + talk):
                    yield "agent", (interval, call.agent), "talk_sum", seconds
            if outcome is Outcome.TRANSFERRED:
                yield "queue", slot, "transferred", 1
                if call.agent:
                    yield "agent", agent_slot, "transferred", 1
            for counter, value in (("hold", call.hold), ("acw", call.acw)):
                if value is not None:
                    yield "queue", slot, f"{counter}_sum", value
                    yield "queue", slot, f"{counter}_count", 1
                    if call.agent:
                        yield "agent", agent_slot, f"{counter}_sum", value
                        if counter == "acw":
                            yield "agent", agent_slot, "acw_count", 1
    elif outcome is Outcome.ABANDONED:
        wait = wait or 0
        yield "queue", slot, "abandoned", 1
        yield "queue", slot, "wait_abandoned_sum", wait
        yield "queue", slot, "wait_sum", wait
        for name, threshold in zip(ABANDONED_UNDER, WAIT_THRESHOLDS, strict=True):
            if wait < threshold:
                yield "queue", slot, name, 1
    elif outcome in EXITED:
        yield "queue", slot, _EXIT_COUNTER[outcome], 1
        yield "queue", slot, "wait_sum", wait or 0


def add(total: Contribution, parts: Iterable[Part], sign: int) -> None:
    for table, key, counter, amount in parts:
        if amount:
            row = total.setdefault((table, key), defaultdict(int))
            row[counter] += sign * amount


def change(before: Call | None, after: Call, total: Contribution) -> None:
    """Add to `total` what moving the call from `before` to `after` changes."""
    if before is not None:
        add(total, contribution(before), -1)
    add(total, contribution(after), 1)
