"""kefu's call-record CSV, for telephony platforms other than Asterisk (pure Python).

One row per queued call, UTF-8 (a byte-order mark is allowed), with a header::

    call_id,queue,entered_at,caller_number,agent,answered_at,ended_at,outcome,
    wait_seconds,ring_seconds,talk_seconds,hold_seconds,acw_seconds,transferred

Columns may come in any order and unknown ones are ignored; ``call_id``, ``queue``,
``entered_at`` and ``outcome`` are required. Times are ISO 8601, with an offset or
``Z``; a time without one is local time in the zone the caller of :func:`read`
gives. Durations are seconds, empty when unknown. ``outcome`` is one of
:data:`OUTCOMES`. The full description, with an example, is in
``docs/telephony-formats.md``.

:func:`to_events` turns a record into the queue_log events Asterisk would have
logged for it, so one ingestion handles both sources; hold and after-call work have
no place in queue_log and stay on the record.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import BinaryIO

from kefu.core.validation import instant_problem
from kefu.telephony.queue_log import MAX_SECONDS, QueueEvent

__all__ = ["COLUMNS", "OUTCOMES", "CallRecord", "parse_row", "read", "to_events"]

COLUMNS: tuple[str, ...] = (
    "call_id",
    "queue",
    "entered_at",
    "caller_number",
    "agent",
    "answered_at",
    "ended_at",
    "outcome",
    "wait_seconds",
    "ring_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "transferred",
)
_REQUIRED = ("call_id", "queue", "entered_at", "outcome")

#: answered: an agent took the call; transferred: an agent took it and passed it on;
#: abandoned: the caller hung up while waiting; timeout: the queue's time limit ran
#: out; key: the caller left the queue with a key (callback, voicemail); empty: no
#: agent was logged in to take it.
OUTCOMES: frozenset[str] = frozenset(
    {"answered", "abandoned", "timeout", "key", "empty", "transferred"}
)
_ANSWERED = frozenset({"answered", "transferred"})
_EXIT_EVENT = {
    "abandoned": "ABANDON",
    "timeout": "EXITWITHTIMEOUT",
    "empty": "EXITEMPTY",
}
_TRUE = frozenset({"1", "true", "t", "yes", "y", "是"})
_FALSE = frozenset({"", "0", "false", "f", "no", "n", "否"})
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class CallRecord:
    call_id: str
    queue: str
    entered_at: datetime
    caller_number: str
    agent: str
    answered_at: datetime | None
    ended_at: datetime | None
    outcome: str
    wait_seconds: float | None
    ring_seconds: float | None
    talk_seconds: float | None
    hold_seconds: float | None
    acw_seconds: float | None
    transferred: bool


class _Bad(Exception):
    pass


def _time(value: str, tz: tzinfo, column: str) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(f"bad {column}") from None
    if instant_problem(moment):
        raise _Bad(f"{column} out of range")
    moment = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
    if instant_problem(moment):
        raise _Bad(f"{column} out of range")
    return moment


def _seconds(value: str, column: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _Bad(f"bad {column}") from None
    if not math.isfinite(number) or number < 0:
        raise _Bad(f"bad {column}")
    if number > MAX_SECONDS:
        raise _Bad(f"{column} out of range (0 to {MAX_SECONDS} s)")
    return number


def _since(later: datetime, earlier: datetime) -> float:
    seconds = (later - earlier).total_seconds()
    if seconds > MAX_SECONDS:
        # No call waits or talks longer: the times are wrong, not the call.
        raise _Bad(f"times more than {MAX_SECONDS} s apart")
    return seconds


def _record(cells: dict[str, str], tz: tzinfo) -> CallRecord:
    for column in _REQUIRED:
        if not cells.get(column, "").strip():
            raise _Bad(f"no {column}")
    outcome = cells["outcome"].strip().lower()
    if outcome not in OUTCOMES:
        raise _Bad("unknown outcome " + outcome[:20])
    flag = cells.get("transferred", "").strip().lower()
    if flag in _TRUE:
        transferred = True
    elif flag in _FALSE:
        transferred = False
    else:
        raise _Bad("bad transferred")
    if transferred and outcome == "answered":
        outcome = "transferred"
    transferred = outcome == "transferred"

    entered = _time(cells["entered_at"], tz, "entered_at")
    if entered is None:
        raise _Bad("no entered_at")
    answered = _time(cells.get("answered_at", ""), tz, "answered_at")
    ended = _time(cells.get("ended_at", ""), tz, "ended_at")
    wait = _seconds(cells.get("wait_seconds", ""), "wait_seconds")
    ring = _seconds(cells.get("ring_seconds", ""), "ring_seconds")
    talk = _seconds(cells.get("talk_seconds", ""), "talk_seconds")
    hold = _seconds(cells.get("hold_seconds", ""), "hold_seconds")
    acw = _seconds(cells.get("acw_seconds", ""), "acw_seconds")
    agent = cells.get("agent", "").strip()

    # Whatever the row leaves out but implies is filled in, so the record and the
    # events made from it always carry a wait (and a talk time if answered).
    if outcome in _ANSWERED:
        if wait is None:
            if answered is None:
                raise _Bad("answered call without answered_at or wait_seconds")
            wait = _since(answered, entered)
        if answered is None:
            answered = datetime.fromtimestamp(entered.timestamp() + wait, entered.tzinfo)
        if talk is None:
            if ended is None:
                raise _Bad("answered call without ended_at or talk_seconds")
            talk = _since(ended, answered)
        if ended is None:
            ended = datetime.fromtimestamp(answered.timestamp() + talk, answered.tzinfo)
        if answered < entered or ended < answered or wait < 0 or talk < 0:
            raise _Bad("times out of order")
    else:
        if answered is not None:
            raise _Bad(f"{outcome} call with answered_at")
        if talk:
            raise _Bad(f"{outcome} call with talk_seconds")
        if wait is None:
            if ended is None:
                raise _Bad(f"{outcome} call without ended_at or wait_seconds")
            wait = _since(ended, entered)
        if ended is None:
            ended = datetime.fromtimestamp(entered.timestamp() + wait, entered.tzinfo)
        if ended < entered or wait < 0:
            raise _Bad("times out of order")
    if ended is not None:
        _since(ended, entered)  # a stay in the queue, conversation included, fits in a day
    if hold is not None and talk is not None and hold > talk:
        raise _Bad("hold_seconds longer than talk_seconds")

    return CallRecord(
        call_id=cells["call_id"].strip(),
        queue=cells["queue"].strip(),
        entered_at=entered,
        caller_number=cells.get("caller_number", "").strip(),
        agent=agent,
        answered_at=answered,
        ended_at=ended,
        outcome=outcome,
        wait_seconds=wait,
        ring_seconds=ring,
        talk_seconds=talk,
        hold_seconds=hold,
        acw_seconds=acw,
        transferred=transferred,
    )


def _columns(header: Sequence[str]) -> tuple[str, ...]:
    names = tuple(cell.strip().lstrip("\ufeff").lower() for cell in header)
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise ValueError("the call-record header lacks " + ", ".join(missing))
    return names


def parse_row(row: Sequence[str], *, tz: tzinfo, header: Sequence[str] = COLUMNS) -> CallRecord:
    """One data row as a :class:`CallRecord`; raises ``ValueError`` with a reason."""
    names = _columns(header)
    if len(row) > len(names) and any(cell.strip() for cell in row[len(names) :]):
        raise ValueError("more cells than columns")
    cells = dict(zip(names, row, strict=False))
    try:
        return _record(cells, tz)
    except _Bad as exc:
        raise ValueError(str(exc)) from None


def read(
    stream: BinaryIO, *, start: int = 0, tz: tzinfo
) -> Iterator[tuple[int, CallRecord | None, str]]:
    """Stream ``(end offset, record or None, error)`` for each data row from ``start``.

    The header is read from the top of the file whatever ``start`` is; a bad row is
    reported with its reason and reading goes on; a last line without its newline
    is left for later, as in :func:`kefu.telephony.queue_log.read`. A header that
    lacks a required column raises ``ValueError``: nothing in such a file can be read.
    """
    stream.seek(0)
    first = stream.readline(_CHUNK)
    if not first.endswith(b"\n"):
        return
    header_text = first.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    names = _columns(next(csv.reader([header_text])))
    width = len(names)
    pos = max(start, len(first))
    stream.seek(pos)
    tail = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return
        if tail:
            chunk = tail + chunk
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            tail = chunk
            continue
        tail = chunk[cut:]
        for raw in chunk[:cut].split(b"\n")[:-1]:
            pos += len(raw) + 1
            text = raw.decode("utf-8", errors="replace").replace("\x00", "").rstrip("\r")
            if not text.strip(", \t"):
                continue
            try:
                row = next(csv.reader([text], strict=True))
            except csv.Error:
                yield pos, None, "bad csv"
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                yield pos, None, "more cells than columns"
                continue
            try:
                yield pos, _record(dict(zip(names, row, strict=False)), tz), ""
            except _Bad as exc:
                yield pos, None, str(exc)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _trimmed(*fields: str) -> tuple[str, ...]:
    n = len(fields)
    while n and not fields[n - 1]:
        n -= 1
    return fields[:n]


def to_events(record: CallRecord) -> list[QueueEvent]:
    """The queue_log events for ``record``: ENTERQUEUE, then CONNECT and the end event.

    Positions, the key pressed, the transfer target and the bridged channel are not
    in the record and stay empty; the accessors of :mod:`kefu.telephony.queue_log`
    read them as absent.
    """
    entered = record.entered_at.timestamp()
    call_id, queue = record.call_id, record.queue
    wait = record.wait_seconds if record.wait_seconds is not None else 0.0
    events = [
        QueueEvent(entered, call_id, queue, "", "ENTERQUEUE", _trimmed("", record.caller_number))
    ]
    if record.outcome in _ANSWERED:
        if record.answered_at is None or record.ended_at is None:
            raise ValueError("an answered record needs answered_at and ended_at")
        talk = record.talk_seconds if record.talk_seconds is not None else 0.0
        ring = "" if record.ring_seconds is None else _fmt(record.ring_seconds)
        agent = record.agent
        events.append(
            QueueEvent(
                record.answered_at.timestamp(),
                call_id,
                queue,
                agent,
                "CONNECT",
                _trimmed(_fmt(wait), "", ring),
            )
        )
        ended = record.ended_at.timestamp()
        if record.transferred:
            data: tuple[str, ...] = ("", "", _fmt(wait), _fmt(talk))
            events.append(QueueEvent(ended, call_id, queue, agent, "TRANSFER", data))
        else:
            data = (_fmt(wait), _fmt(talk))
            events.append(QueueEvent(ended, call_id, queue, agent, "COMPLETEAGENT", data))
        return events
    if record.ended_at is None:
        raise ValueError("a record needs ended_at")
    ended = record.ended_at.timestamp()
    if record.outcome == "key":
        data = ("", "", "", _fmt(wait))
        events.append(QueueEvent(ended, call_id, queue, "", "EXITWITHKEY", data))
    else:
        data = ("", "", _fmt(wait))
        events.append(QueueEvent(ended, call_id, queue, "", _EXIT_EVENT[record.outcome], data))
    return events
