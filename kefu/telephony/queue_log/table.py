"""The realtime-table layout of queue_log: a CSV export of ``time, callid, queuename,
agent, event, data1..data5`` (or one ``data`` column), with or without a header."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache

from kefu.telephony.queue_log.events import (
    _MAX_TIME,
    _MIN_TIME,
    KNOWN_EVENTS,
    Malformed,
    QueueEvent,
    _trim,
)

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
