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

The package: ``events`` (the line format and the fields of each event), ``table`` (the
realtime table's CSV layout), and here the reading of a file from a byte offset.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import tzinfo
from itertools import accumulate
from typing import BinaryIO

from kefu.telephony.queue_log.events import (
    CALL_EVENTS,
    KNOWN_EVENTS,
    MAX_POSITION,
    MAX_SECONDS,
    TERMINAL_EVENTS,
    Line,
    Malformed,
    QueueEvent,
    _clean,
    _records,
    caller_number,
    exit_key,
    format_line,
    orig_position,
    parse_line,
    pause_reason,
    position,
    problem,
    ring_seconds,
    talk_seconds,
    wait_seconds,
)
from kefu.telephony.queue_log.table import (
    _columns_from_header,
    _guess_columns,
    _looks_like_header,
    _parse_row,
    parse_table_row,
)

LAYOUTS = ("queue_log", "queue_log_table")
CHUNK_SIZE = 1 << 20

__all__ = [
    "CALL_EVENTS",
    "CHUNK_SIZE",
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
