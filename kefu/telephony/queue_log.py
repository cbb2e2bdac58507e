"""Reader for Asterisk's queue_log (pure Python, no Django).

app_queue writes one line per queue event to ``/var/log/asterisk/queue_log``::

    1763600403|1763600400.17|hotline|Agent/1001|CONNECT|3|1763600400.18|2

that is ``epoch|callid|queuename|agent|event|data1|data2|...``. The same events can
be stored in a realtime table (``time, callid, queuename, agent, event, data1..data5``
or a single ``data`` column), usually exported as CSV; both layouts are read here
into :class:`QueueEvent`. Field layouts were checked against ``apps/app_queue.c``
(Asterisk 13 to 18) and ``main/logger.c``; see ``docs/telephony-formats.md``.

:func:`read` streams a file from a byte offset and never yields a line that has no
newline yet, so a follower can remember the last ``Line.end`` and resume there.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from itertools import accumulate
from typing import BinaryIO

from kefu.core.validation import EARLIEST, LATEST

__all__ = [
    "CALL_EVENTS",
    "KNOWN_EVENTS",
    "LAYOUTS",
    "MAX_POSITION",
    "MAX_SECONDS",
    "TERMINAL_EVENTS",
    "Line",
    "Malformed",
    "QueueEvent",
    "caller_number",
    "exit_key",
    "format_line",
    "orig_position",
    "parse_line",
    "parse_table_row",
    "pause_reason",
    "position",
    "problem",
    "read",
    "ring_seconds",
    "talk_seconds",
    "wait_seconds",
]

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

LAYOUTS = ("queue_log", "queue_log_table")

CHUNK_SIZE = 1 << 20
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


# ------------------------------------------------------------ table layout

_ALIASES = {
    "time": "time",
    "created": "time",
    "timestamp": "time",
    "datetime": "time",
    "callid": "callid",
    "call_id": "callid",
    "uniqueid": "callid",
    "queuename": "queuename",
    "queue_name": "queuename",
    "queue": "queuename",
    "agent": "agent",
    "membername": "agent",
    "event": "event",
    "data": "data",
    "data1": "data1",
    "data2": "data2",
    "data3": "data3",
    "data4": "data4",
    "data5": "data5",
}


@dataclass(frozen=True, slots=True)
class _Columns:
    time: int
    callid: int
    queuename: int
    agent: int
    event: int
    data: tuple[int, ...]
    single_data: bool
    width: int


def _columns_from_header(header: Sequence[str]) -> _Columns | None:
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _ALIASES.get(cell.strip().strip('"').lstrip("\ufeff").lower())
        if key is not None and key not in index:
            index[key] = i
    if "time" not in index or "event" not in index:
        return None
    numbered = tuple(index[k] for k in ("data1", "data2", "data3", "data4", "data5") if k in index)
    single = not numbered and "data" in index
    data = (index["data"],) if single else numbered
    return _Columns(
        time=index["time"],
        callid=index.get("callid", -1),
        queuename=index.get("queuename", -1),
        agent=index.get("agent", -1),
        event=index["event"],
        data=data,
        single_data=single,
        width=max(index.values()) + 1,
    )


def _looks_like_header(row: Sequence[str]) -> bool:
    keys = {_ALIASES.get(cell.strip().lstrip("\ufeff").lower()) for cell in row}
    return "event" in keys and "time" in keys


# Without a header, the column count tells the variant: Asterisk's own tables are
# 6 (one data column) or 10 (data1..data5) wide, and exports add an id in front.
def _guess_columns(row: Sequence[str]) -> _Columns | None:
    width = len(row)
    if width >= 10 and row[4].strip().upper() in KNOWN_EVENTS:
        return _FIVE_DATA
    if width >= 11 and row[5].strip().upper() in KNOWN_EVENTS:
        return _ID_FIVE_DATA
    if width in (6, 7) and row[4].strip().upper() in KNOWN_EVENTS:
        return _ONE_DATA
    if width in (7, 8) and row[5].strip().upper() in KNOWN_EVENTS:
        return _ID_ONE_DATA
    if width >= 11:
        return _ID_FIVE_DATA
    if width == 10:
        return _FIVE_DATA
    if width == 7:
        return _ID_ONE_DATA
    if width == 6:
        return _ONE_DATA
    return None


def _fixed(offset: int, single: bool) -> _Columns:
    data = (offset + 5,) if single else tuple(range(offset + 5, offset + 10))
    return _Columns(
        offset, offset + 1, offset + 2, offset + 3, offset + 4, data, single, offset + 6
    )


_FIVE_DATA = _fixed(0, False)
_ID_FIVE_DATA = _fixed(1, False)
_ONE_DATA = _fixed(0, True)
_ID_ONE_DATA = _fixed(1, True)


@lru_cache(maxsize=64)
def _cached_header(header: tuple[str, ...]) -> _Columns | None:
    return _columns_from_header(header)


def _table_time(value: str, tz: tzinfo) -> float:
    text = value.strip()
    try:
        when = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise Malformed("bad time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        when = moment.timestamp()
    if not _MIN_TIME < when < _MAX_TIME:
        raise Malformed("bad time")
    return when


def _cell(row: Sequence[str], index: int) -> str:
    if 0 <= index < len(row):
        value = row[index]
        return "" if value == "NONE" or value == "NULL" else value
    return ""


def _parse_row(row: Sequence[str], columns: _Columns, tz: tzinfo) -> QueueEvent:
    if len(row) < min(columns.width, columns.event + 1):
        raise Malformed("too few fields")
    raw_event = _cell(row, columns.event)
    name = raw_event.strip().upper()
    if name not in KNOWN_EVENTS:
        raise Malformed("unknown event " + raw_event[:40] if raw_event else "no event")
    when = _table_time(_cell(row, columns.time), tz)
    if columns.single_data:
        data = tuple(_cell(row, columns.data[0]).split("|"))
    else:
        cells = [_cell(row, i) for i in columns.data]
        # Asterisk splits the message into at most five columns and leaves any rest,
        # pipes and all, in the fifth (LINK attended transfers have six fields).
        if cells and "|" in cells[-1]:
            cells[-1:] = cells[-1].split("|")
        data = tuple(cells)
    if data and not data[-1]:
        data = _trim(data)
    return QueueEvent(
        time=when,
        call_id=_cell(row, columns.callid),
        queue=_cell(row, columns.queuename),
        agent=_cell(row, columns.agent),
        event=name,
        data=data,
    )


def parse_table_row(
    row: Sequence[str], *, tz: tzinfo, header: Sequence[str] | None = None
) -> QueueEvent:
    """Parse one row of the realtime ``queue_log`` table as exported to CSV.

    ``time`` may be a local timestamp (read in ``tz``), one with an offset, or Unix
    seconds. Give the export's ``header`` when there is one; without it the layout
    is told from the row's width. Raises :class:`Malformed`.
    """
    if header is not None:
        columns = _cached_header(tuple(header))
        if columns is None:
            raise ValueError("the header names no time and event columns")
    else:
        if _looks_like_header(row):
            raise Malformed("header row")
        columns = _guess_columns(row)
        if columns is None:
            raise Malformed("too few fields")
    return _parse_row(row, columns, tz)


# ------------------------------------------------------------------- reading


def _chunks(stream: BinaryIO, start: int) -> Iterator[tuple[list[str], Iterator[int]]]:
    """Complete lines of the file from ``start``, a chunk at a time, with end offsets."""
    stream.seek(start)
    read_chunk = stream.read
    pos = start
    tail = b""
    while True:
        chunk = read_chunk(CHUNK_SIZE)
        if not chunk:
            return
        if tail:
            chunk = tail + chunk
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            # A line longer than a chunk: keep gathering until its newline comes.
            tail = chunk
            continue
        body = chunk[:cut]
        tail = chunk[cut:]
        if body.isascii():
            lines = body.decode("ascii").split("\n")
            lines.pop()
            # Byte and character counts agree on ASCII, so the ends come from the
            # text; accumulate/map keep the arithmetic out of the Python loop.
            ends = accumulate(map((1).__add__, map(len, lines)), initial=pos)
        else:
            raw = body.split(b"\n")
            raw.pop()
            # Replacement never swallows a newline byte, so the decoded lines pair
            # one to one with the raw ones.
            lines = body.decode("utf-8", errors="replace").split("\n")
            lines.pop()
            ends = accumulate(map((1).__add__, map(len, raw)), initial=pos)
        next(ends)
        if b"\x00" in body or b"\r" in body:
            lines = _clean(lines)
        pos += cut
        yield lines, ends


def read(
    stream: BinaryIO,
    *,
    start: int = 0,
    table_tz: tzinfo | None = None,
    layout: str = "queue_log",
) -> Iterator[Line]:
    """Stream the complete lines of a queue_log file from byte offset ``start``.

    One :class:`Line` per non-blank line ending in a newline; a last piece without
    one is left for a later call, resumed from the last ``Line.end``. ``layout`` is
    ``"queue_log"`` (pipes) or ``"queue_log_table"`` (CSV export of the realtime
    table, whose naive times are read in ``table_tz``).
    """
    if layout == "queue_log":
        for lines, ends in _chunks(stream, start):
            yield from _records(lines, ends)
        return
    if layout != "queue_log_table":
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    if table_tz is None:
        raise ValueError("the queue_log_table layout needs table_tz for its local times")
    yield from _read_table(stream, start, table_tz)


def _first_row(stream: BinaryIO) -> list[str] | None:
    stream.seek(0)
    first = stream.readline(CHUNK_SIZE)
    if not first.endswith(b"\n"):
        return None
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff")
    return next(csv.reader([text.replace("\x00", "").rstrip("\r\n")]), None)


def _read_table(stream: BinaryIO, start: int, tz: tzinfo) -> Iterator[Line]:
    # The header is at the top of the file even when reading resumes further on.
    first = _first_row(stream)
    header = first if first is not None and _looks_like_header(first) else None
    columns = _columns_from_header(header) if header is not None else None
    for lines, ends in _chunks(stream, start):
        for text, end in zip(lines, ends, strict=True):
            if text.startswith("\ufeff"):
                text = text[1:]
            if not text.strip(", \t"):
                continue
            try:
                row = next(csv.reader([text], strict=True))
            except csv.Error:
                yield Line(end, None, "bad csv")
                continue
            if header is not None and row == header:
                continue
            try:
                if columns is not None:
                    event = _parse_row(row, columns, tz)
                else:
                    if _looks_like_header(row):
                        continue
                    guessed = _guess_columns(row)
                    if guessed is None:
                        raise Malformed("too few fields")
                    event = _parse_row(row, guessed, tz)
            except Malformed as exc:
                yield Line(end, None, exc.reason)
                continue
            yield Line(end, event)
