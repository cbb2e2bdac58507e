"""queue_log events: the line format ``epoch|callid|queuename|agent|event|data...``, the
event sets, the fields each event carries and the bounds a real line keeps (pure Python)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kefu.core.validation import EARLIEST, LATEST

#: Events that end a queued call: each call id gets exactly one of them.
TERMINAL_EVENTS: frozenset[str] = frozenset(
    {
        "COMPLETEAGENT",
        "COMPLETECALLER",
        "TRANSFER",
        "BLINDTRANSFER",
        "ATTENDEDTRANSFER",
        "ABANDON",
        "EXITWITHTIMEOUT",
        "EXITWITHKEY",
        "EXITEMPTY",
        "WITHDRAW",
    }
)

#: Events about one queued call (the call id is the caller channel's uniqueid).
CALL_EVENTS: frozenset[str] = TERMINAL_EVENTS | {
    "ENTERQUEUE",
    "CONNECT",
    "RINGNOANSWER",
    "RINGCANCELED",
    "AGENTDUMP",
    "SYSCOMPAT",
    # Written by FreePBX / Issabel dialplans through QueueLog() before Queue().
    "DID",
    "INFO",
}

#: Every event app_queue, app_agent_pool / chan_agent and the logger write, plus the
#: few that common distributions (FreePBX, Wazo) write through QueueLog().
KNOWN_EVENTS: frozenset[str] = CALL_EVENTS | {
    "ADDMEMBER",
    "REMOVEMEMBER",
    "PAUSE",
    "UNPAUSE",
    "PAUSEALL",
    "UNPAUSEALL",
    "PENALTY",
    "RINGINUSE",
    "OUTCALL",
    "AGENTLOGIN",
    "AGENTLOGOFF",
    "AGENTCALLBACKLOGIN",
    "AGENTCALLBACKLOGOFF",
    "QUEUESTART",
    "CONFIGRELOAD",
    # Wazo's dialplan logs the calls its queues refuse before app_queue sees them.
    "FULL",
    "JOINEMPTY",
    "LEAVEEMPTY",
    "JOINUNAVAIL",
    "LEAVEUNAVAIL",
    "CLOSED",
    "DIVERT_CA_RATIO",
    "DIVERT_HOLDTIME",
}

# Times outside kefu's span (kefu.core.validation: 1970 to 2099) are garbled digits.
_MIN_TIME = EARLIEST.timestamp()
_MAX_TIME = LATEST.timestamp()
#: The longest a call can wait, ring or talk: a line saying more is malformed. Every roll-up
#: a call adds to then spans at most 96 quarter hours.
MAX_SECONDS = 24 * 3600
#: No queue holds more callers than this; a larger position is a garbled field.
MAX_POSITION = 100_000


@dataclass(frozen=True, slots=True)
class QueueEvent:
    time: float
    call_id: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Line:
    end: int
    event: QueueEvent | None
    error: str = ""


class Malformed(Exception):
    """A line or row that is not a queue event; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A frozen dataclass assigns each field through object.__setattr__, which costs more
# than parsing the line. These twins have the same slots, so an instance built
# through one of them can be given the real class afterwards, at half the cost.
class _EventTwin:
    __slots__ = QueueEvent.__slots__

    def __init__(
        self, time: float, call_id: str, queue: str, agent: str, event: str, data: tuple[str, ...]
    ) -> None:
        self.time = time
        self.call_id = call_id
        self.queue = queue
        self.agent = agent
        self.event = event
        self.data = data


class _LineTwin:
    __slots__ = Line.__slots__

    def __init__(self, end: int, event: QueueEvent | None, error: str) -> None:
        self.end = end
        self.event = event
        self.error = error


def _records(lines: Iterable[str], ends: Iterable[int]) -> Iterator[Line]:
    """The hot loop: one Line per non-blank text line, paired with its end offset."""
    known = KNOWN_EVENTS
    event_twin = _EventTwin
    line_twin = _LineTwin
    event_cls = QueueEvent
    line_cls = Line
    for text, end in zip(lines, ends, strict=True):
        if not text:
            continue
        parts = text.split("|")
        error = ""
        if len(parts) < 5:
            error = "too few fields"
        else:
            name = parts[4]
            if name not in known:
                upper = name.strip().upper()
                if upper in known:
                    name = upper
                else:
                    error = "unknown event " + name[:40] if name else "no event"
            if not error:
                try:
                    when = float(parts[0])
                except ValueError:
                    error = "bad time"
                else:
                    # Also refuses nan and inf, for which every comparison is false.
                    if not _MIN_TIME < when < _MAX_TIME:
                        error = "bad time"
        if error:
            rec = line_twin(end, None, error)
            rec.__class__ = line_cls  # type: ignore[assignment]
            yield rec  # type: ignore[misc]
            continue
        call_id = parts[1]
        queue = parts[2]
        agent = parts[3]
        data = tuple(parts[5:])
        # The file writes "event|" for events without data and the table pads to
        # five columns; trailing empty fields carry nothing in either.
        if data and not data[-1]:
            data = _trim(data)
        ev = event_twin(
            when,
            "" if call_id == "NONE" else call_id,
            "" if queue == "NONE" else queue,
            "" if agent == "NONE" else agent,
            name,
            data,
        )
        ev.__class__ = event_cls  # type: ignore[assignment]
        rec = line_twin(end, ev, "")  # type: ignore[arg-type]
        rec.__class__ = line_cls  # type: ignore[assignment]
        yield rec  # type: ignore[misc]


def _trim(data: tuple[str, ...]) -> tuple[str, ...]:
    n = len(data)
    while n and not data[n - 1]:
        n -= 1
    return data[:n]


def _clean(lines: list[str]) -> list[str]:
    return [t.replace("\x00", "").replace("\r", "") for t in lines]


def parse_line(line: str) -> QueueEvent:
    """Parse one pipe-format line (its newline optional); raises :class:`Malformed`."""
    if "\x00" in line or "\r" in line:
        line = line.replace("\x00", "").replace("\r", "")
    text = line[:-1] if line[-1:] == "\n" else line
    if "\n" in text:
        raise Malformed("more than one line")
    rec = next(_records((text,), (0,)), None)
    if rec is None:
        raise Malformed("empty line")
    if rec.event is None:
        raise Malformed(rec.error)
    return rec.event


def format_line(event: QueueEvent) -> str:
    """The pipe-format line (with newline) Asterisk would have written for ``event``."""
    when = event.time
    stamp = str(int(when)) if when.is_integer() else repr(when)
    fields = [
        stamp,
        event.call_id or "NONE",
        event.queue or "NONE",
        event.agent or "NONE",
        event.event,
        *event.data,
    ]
    if not event.data:
        fields.append("")
    return "|".join(fields) + "\n"


# ---------------------------------------------------------------- accessors

_HOLD_FIRST = frozenset({"CONNECT", "COMPLETEAGENT", "COMPLETECALLER"})
_XFER = frozenset({"TRANSFER", "BLINDTRANSFER"})
# position|origposition|waittime, EXITWITHKEY having the key in front.
_EXITS = frozenset({"ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "WITHDRAW"})
_WAIT_THIRD = _EXITS | _XFER


def _num(data: tuple[str, ...], index: int) -> float | None:
    try:
        value = float(data[index])
    except (IndexError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _int(data: tuple[str, ...], index: int) -> int | None:
    try:
        return int(data[index])
    except (IndexError, ValueError):
        return None


def _attended(data: tuple[str, ...]) -> bool:
    # method|one or two method fields|holdtime|calltime|origposition: the numbers are
    # only findable from the end, and only once the method fields are all there.
    return len(data) >= 5


def wait_seconds(event: QueueEvent) -> float | None:
    """Seconds the caller waited in the queue, on the events that report it."""
    name = event.event
    data = event.data
    if name in _HOLD_FIRST:
        return _num(data, 0)
    if name in _WAIT_THIRD:
        return _num(data, 2)
    if name == "EXITWITHKEY":
        return _num(data, 3)
    if name == "ATTENDEDTRANSFER" and _attended(data):
        return _num(data, -3)
    return None


def talk_seconds(event: QueueEvent) -> float | None:
    """Seconds from answer to hang-up or transfer (hold included), on the end events."""
    name = event.event
    data = event.data
    if name == "COMPLETEAGENT" or name == "COMPLETECALLER":
        return _num(data, 1)
    if name in _XFER:
        return _num(data, 3)
    if name == "ATTENDEDTRANSFER" and _attended(data):
        return _num(data, -2)
    return None


def ring_seconds(event: QueueEvent) -> float | None:
    """Seconds a member's phone rang: CONNECT logs seconds, the ring events milliseconds."""
    name = event.event
    if name == "CONNECT":
        return _num(event.data, 2)
    if name == "RINGNOANSWER" or name == "RINGCANCELED":
        ms = _num(event.data, 0)
        return None if ms is None else ms / 1000.0
    return None


def caller_number(event: QueueEvent) -> str:
    """The caller id number an ENTERQUEUE line carries, else ""."""
    if event.event == "ENTERQUEUE" and len(event.data) > 1:
        return event.data[1]
    return ""


def position(event: QueueEvent) -> int | None:
    """Queue position: on entry for ENTERQUEUE, on leaving for ABANDON and the EXITs.

    The end events of answered calls only carry the original position, which
    :func:`orig_position` gives.
    """
    name = event.event
    if name == "ENTERQUEUE":
        return _int(event.data, 2)
    if name in _EXITS:
        return _int(event.data, 0)
    if name == "EXITWITHKEY":
        return _int(event.data, 1)
    return None


def orig_position(event: QueueEvent) -> int | None:
    """The position the caller had on entering the queue, where the event repeats it."""
    name = event.event
    data = event.data
    if name == "ENTERQUEUE":
        return _int(data, 2)
    if name in _EXITS:
        return _int(data, 1)
    if name == "EXITWITHKEY":
        return _int(data, 2)
    if name == "COMPLETEAGENT" or name == "COMPLETECALLER":
        return _int(data, 2)
    if name in _XFER:
        return _int(data, 4)
    if name == "ATTENDEDTRANSFER" and _attended(data):
        return _int(data, -1)
    return None


def exit_key(event: QueueEvent) -> str:
    """The digit an EXITWITHKEY caller pressed, else ""."""
    if event.event == "EXITWITHKEY" and event.data:
        return event.data[0]
    return ""


def pause_reason(event: QueueEvent) -> str:
    """The reason given to PAUSE / UNPAUSE / PAUSEALL / UNPAUSEALL, else ""."""
    if event.event in ("PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL") and event.data:
        return event.data[0]
    return ""


_DURATIONS = (("wait", wait_seconds), ("talk", talk_seconds), ("ring", ring_seconds))


def problem(event: QueueEvent) -> str:
    """Why a well-formed line cannot be about a real call ("" if it can): a wait, ring or
    talk time below zero or over :data:`MAX_SECONDS`, or a position out of range. Only
    the fields the accessors read are judged; a field that is not a number reads as absent."""
    if event.event not in CALL_EVENTS:
        return ""
    for name, seconds in _DURATIONS:
        value = seconds(event)
        if value is not None and not 0 <= value <= MAX_SECONDS:
            return f"{name} time out of range (0 to {MAX_SECONDS} s)"
    for where in (position(event), orig_position(event)):
        if where is not None and not 0 <= where <= MAX_POSITION:
            return "position out of range"
    return ""
