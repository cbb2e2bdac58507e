"""Tests for kefu.telephony.queue_log: the queue_log reader, pure, no database."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import pickle
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kefu.telephony import queue_log
from kefu.telephony.queue_log import (
    CALL_EVENTS,
    KNOWN_EVENTS,
    TERMINAL_EVENTS,
    Line,
    Malformed,
    QueueEvent,
    caller_number,
    exit_key,
    format_line,
    orig_position,
    parse_line,
    parse_table_row,
    pause_reason,
    position,
    read,
    ring_seconds,
    talk_seconds,
    wait_seconds,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T = 1763600400  # 2025-11-20 09:00:00 in Shanghai


def lines_of(data: bytes, **kwargs: object) -> list[Line]:
    return list(read(io.BytesIO(data), **kwargs))  # type: ignore[arg-type]


# -------------------------------------------------------------- every event


# (line, event, data, {accessor: expected}) in the layouts app_queue.c writes.
EVENT_LINES = [
    (
        f"{T}|{T}.101|hotline|NONE|ENTERQUEUE||13812345678|1",
        "ENTERQUEUE",
        ("", "13812345678", "1"),
        {caller_number: "13812345678", position: 1, orig_position: 1, wait_seconds: None},
    ),
    (
        f"{T}|{T}.101|hotline|NONE|ENTERQUEUE|http://crm/1|13812345678|2|张三",
        "ENTERQUEUE",
        ("http://crm/1", "13812345678", "2", "张三"),
        {caller_number: "13812345678", position: 2},
    ),
    (
        f"{T + 12}|{T}.101|hotline|PJSIP/8001|CONNECT|12|{T + 9}.102|3",
        "CONNECT",
        ("12", f"{T + 9}.102", "3"),
        {wait_seconds: 12.0, ring_seconds: 3.0, talk_seconds: None, position: None},
    ),
    (
        f"{T + 192}|{T}.101|hotline|PJSIP/8001|COMPLETECALLER|12|180|1",
        "COMPLETECALLER",
        ("12", "180", "1"),
        {wait_seconds: 12.0, talk_seconds: 180.0, orig_position: 1, position: None},
    ),
    (
        f"{T + 192}|{T}.101|hotline|PJSIP/8001|COMPLETEAGENT|12|180|1",
        "COMPLETEAGENT",
        ("12", "180", "1"),
        {wait_seconds: 12.0, talk_seconds: 180.0, orig_position: 1},
    ),
    (
        f"{T + 45}|{T}.103|hotline|NONE|ABANDON|2|3|45",
        "ABANDON",
        ("2", "3", "45"),
        {wait_seconds: 45.0, position: 2, orig_position: 3, talk_seconds: None},
    ),
    (
        f"{T + 300}|{T}.104|hotline|NONE|EXITWITHTIMEOUT|1|4|300",
        "EXITWITHTIMEOUT",
        ("1", "4", "300"),
        {wait_seconds: 300.0, position: 1, orig_position: 4},
    ),
    (
        f"{T + 31}|{T}.105|hotline|NONE|EXITWITHKEY|1|2|3|31",
        "EXITWITHKEY",
        ("1", "2", "3", "31"),
        {exit_key: "1", position: 2, orig_position: 3, wait_seconds: 31.0},
    ),
    (
        f"{T + 1}|{T}.106|hotline|NONE|EXITEMPTY|1|1|1",
        "EXITEMPTY",
        ("1", "1", "1"),
        {wait_seconds: 1.0, position: 1},
    ),
    (
        f"{T + 20}|{T}.106|hotline|NONE|WITHDRAW|1|1|20|callback booked",
        "WITHDRAW",
        ("1", "1", "20", "callback booked"),
        {wait_seconds: 20.0, position: 1, orig_position: 1},
    ),
    (
        f"{T + 200}|{T}.107|hotline|PJSIP/8001|TRANSFER|8002|from-internal|10|190|1",
        "TRANSFER",
        ("8002", "from-internal", "10", "190", "1"),
        {wait_seconds: 10.0, talk_seconds: 190.0, orig_position: 1},
    ),
    (
        f"{T + 200}|{T}.107|hotline|PJSIP/8001|BLINDTRANSFER|8002|from-internal|10|190|1",
        "BLINDTRANSFER",
        ("8002", "from-internal", "10", "190", "1"),
        {wait_seconds: 10.0, talk_seconds: 190.0, orig_position: 1},
    ),
    (
        f"{T + 200}|{T}.108|hotline|PJSIP/8001|ATTENDEDTRANSFER|BRIDGE|3f2a-77|10|190|2",
        "ATTENDEDTRANSFER",
        ("BRIDGE", "3f2a-77", "10", "190", "2"),
        {wait_seconds: 10.0, talk_seconds: 190.0, orig_position: 2},
    ),
    (
        f"{T + 200}|{T}.108|hotline|PJSIP/8001|ATTENDEDTRANSFER|APP|Voicemail|10|190|2",
        "ATTENDEDTRANSFER",
        ("APP", "Voicemail", "10", "190", "2"),
        {wait_seconds: 10.0, talk_seconds: 190.0, orig_position: 2},
    ),
    (
        f"{T + 200}|{T}.108|hotline|PJSIP/8001|ATTENDEDTRANSFER|"
        "LINK|Local/8002@from-internal-0001;1|Local/8002@from-internal-0001;2|10|190|2",
        "ATTENDEDTRANSFER",
        (
            "LINK",
            "Local/8002@from-internal-0001;1",
            "Local/8002@from-internal-0001;2",
            "10",
            "190",
            "2",
        ),
        {wait_seconds: 10.0, talk_seconds: 190.0, orig_position: 2},
    ),
    (
        f"{T + 15}|{T}.109|hotline|PJSIP/8003|RINGNOANSWER|15000",
        "RINGNOANSWER",
        ("15000",),
        {ring_seconds: 15.0, wait_seconds: None},
    ),
    (
        f"{T + 7}|{T}.109|hotline|PJSIP/8003|RINGCANCELED|6542",
        "RINGCANCELED",
        ("6542",),
        {ring_seconds: 6.542},
    ),
    (f"{T}|{T}.110|hotline|PJSIP/8003|AGENTDUMP|", "AGENTDUMP", (), {}),
    (f"{T}|{T}.110|hotline|PJSIP/8003|SYSCOMPAT|", "SYSCOMPAT", (), {}),
    (f"{T}|MANAGER|hotline|PJSIP/8003|ADDMEMBER|", "ADDMEMBER", (), {}),
    (f"{T}|REALTIME|hotline|PJSIP/8003|ADDMEMBER|PAUSED", "ADDMEMBER", ("PAUSED",), {}),
    (f"{T}|CLI|hotline|PJSIP/8003|REMOVEMEMBER|", "REMOVEMEMBER", (), {}),
    (
        f"{T}|NONE|hotline|PJSIP/8003|PAUSE|午休",
        "PAUSE",
        ("午休",),
        {pause_reason: "午休", wait_seconds: None},
    ),
    (f"{T}|NONE|hotline|PJSIP/8003|UNPAUSE|", "UNPAUSE", (), {pause_reason: ""}),
    (f"{T}|NONE|NONE|PJSIP/8003|PAUSEALL|ACW", "PAUSEALL", ("ACW",), {pause_reason: "ACW"}),
    (f"{T}|NONE|NONE|PJSIP/8003|UNPAUSEALL|ACW", "UNPAUSEALL", ("ACW",), {pause_reason: "ACW"}),
    (f"{T}|NONE|hotline|PJSIP/8003|PENALTY|2", "PENALTY", ("2",), {}),
    (f"{T}|NONE|hotline|PJSIP/8003|RINGINUSE|0", "RINGINUSE", ("0",), {}),
    (f"{T}|{T}.111|hotline|Agent/1001|OUTCALL|ANSWER|65|", "OUTCALL", ("ANSWER", "65"), {}),
    (
        f"{T}|{T}.112|NONE|1001|AGENTLOGIN|PJSIP/8003-00000012",
        "AGENTLOGIN",
        ("PJSIP/8003-00000012",),
        {},
    ),
    (
        f"{T}|{T}.112|NONE|1001|AGENTLOGOFF|PJSIP/8003-00000012|28800",
        "AGENTLOGOFF",
        ("PJSIP/8003-00000012", "28800"),
        {},
    ),
    (
        f"{T}|{T}.113|NONE|Agent/3001|AGENTCALLBACKLOGIN|1002@from-internal",
        "AGENTCALLBACKLOGIN",
        ("1002@from-internal",),
        {},
    ),
    (
        f"{T}|NONE|NONE|Agent/3001|AGENTCALLBACKLOGOFF|1002@from-internal|43|CommandLogoff",
        "AGENTCALLBACKLOGOFF",
        ("1002@from-internal", "43", "CommandLogoff"),
        {},
    ),
    (f"{T}|NONE|NONE|NONE|QUEUESTART|", "QUEUESTART", (), {}),
    (f"{T}|NONE|NONE|NONE|CONFIGRELOAD|", "CONFIGRELOAD", (), {}),
    (f"{T}|{T}.114|hotline|NONE|DID|95598", "DID", ("95598",), {}),
    (f"{T}|{T}.114|hotline|NONE|INFO|CALLERONHOLD|", "INFO", ("CALLERONHOLD",), {}),
    (f"{T}|{T}.115|hotline|NONE|JOINEMPTY|", "JOINEMPTY", (), {}),
]


@pytest.mark.parametrize(("line", "name", "data", "checks"), EVENT_LINES)
def test_every_event_kind_parses_with_its_fields(line, name, data, checks):
    event = parse_line(line + "\n")
    assert event.event == name
    assert event.data == data
    assert event.time == float(line.split("|", 1)[0])
    for accessor, expected in checks.items():
        assert accessor(event) == expected, accessor.__name__


def test_every_event_has_a_line_above_and_the_groups_nest():
    assert {name for _, name, _, _ in EVENT_LINES} | {
        "FULL",
        "LEAVEEMPTY",
        "JOINUNAVAIL",
        "LEAVEUNAVAIL",
        "CLOSED",
        "DIVERT_CA_RATIO",
        "DIVERT_HOLDTIME",
    } == KNOWN_EVENTS
    assert TERMINAL_EVENTS < CALL_EVENTS < KNOWN_EVENTS


def test_none_fields_read_as_empty_and_real_ids_are_kept():
    event = parse_line(f"{T}|NONE|NONE|NONE|QUEUESTART|")
    assert (event.call_id, event.queue, event.agent, event.data) == ("", "", "", ())
    event = parse_line(f"{T}|{T}.5|售后|PJSIP/8001|CONNECT|3|{T}.6|1")
    assert (event.call_id, event.queue, event.agent) == (f"{T}.5", "售后", "PJSIP/8001")
    # Only the literal NONE means "none"; the pseudo ids of member events stay.
    assert parse_line(f"{T}|MANAGER|q|a|ADDMEMBER|").call_id == "MANAGER"


def test_fractional_times_of_newer_versions():
    assert parse_line("1763600400.123456|x.1|q|NONE|ENTERQUEUE||1|1").time == 1763600400.123456


def test_a_parsed_event_is_a_real_frozen_dataclass():
    event = parse_line(f"{T}|{T}.1|q|PJSIP/8001|COMPLETECALLER|10|120|2")
    built = QueueEvent(float(T), f"{T}.1", "q", "PJSIP/8001", "COMPLETECALLER", ("10", "120", "2"))
    assert type(event) is QueueEvent
    assert event == built and hash(event) == hash(built) and repr(event) == repr(built)
    assert dataclasses.asdict(event)["data"] == ("10", "120", "2")
    assert dataclasses.replace(event, agent="x").agent == "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.agent = "y"  # type: ignore[misc]
    (line,) = lines_of(f"{T}|NONE|q|a|PAUSE|x\n".encode())
    assert type(line) is Line and line == Line(line.end, line.event)
    # Round trip of our own object, not untrusted data.
    assert pickle.loads(pickle.dumps(line)) == line  # noqa: S301
    assert copy.deepcopy(event) == event


# ------------------------------------------------------------- old layouts


@pytest.mark.parametrize(
    ("line", "checks"),
    [
        # Asterisk 1.4 and older: ENTERQUEUE url|callerid, no position.
        (
            f"{T}|{T}.1|q|NONE|ENTERQUEUE||13800138000",
            {caller_number: "13800138000", position: None},
        ),
        (f"{T}|{T}.1|q|NONE|ENTERQUEUE|", {caller_number: "", position: None}),
        (f"{T}|{T}.1|q|NONE|ENTERQUEUE||", {caller_number: ""}),
        # CONNECT holdtime only (1.2), then holdtime|bridgedchanneluniqueid (1.4 to 11).
        (f"{T}|{T}.1|q|SIP/1|CONNECT|7", {wait_seconds: 7.0, ring_seconds: None}),
        (f"{T}|{T}.1|q|SIP/1|CONNECT|7|{T}.2", {wait_seconds: 7.0, ring_seconds: None}),
        # EXITWITHTIMEOUT position only (before 1.6).
        (f"{T}|{T}.1|q|NONE|EXITWITHTIMEOUT|3", {position: 3, wait_seconds: None}),
        # TRANSFER extension|context (1.2), with hold and call time but no position (1.4).
        (f"{T}|{T}.1|q|SIP/1|TRANSFER|8002|default", {wait_seconds: None, talk_seconds: None}),
        (
            f"{T}|{T}.1|q|SIP/1|TRANSFER|8002|default|5|60",
            {wait_seconds: 5.0, talk_seconds: 60.0, orig_position: None},
        ),
        (f"{T}|{T}.1|q|SIP/1|COMPLETEAGENT|5|60", {talk_seconds: 60.0, orig_position: None}),
        (f"{T}|{T}.1|q|SIP/1|ATTENDEDTRANSFER|BRIDGE|5|60", {wait_seconds: None}),
        (f"{T}|{T}.1|q|NONE|ABANDON|1|1", {wait_seconds: None, position: 1}),
        # A number where a number should be, or not.
        (f"{T}|{T}.1|q|NONE|ABANDON|x|y|nan", {wait_seconds: None, position: None}),
        (f"{T}|{T}.1|q|SIP/1|RINGNOANSWER|", {ring_seconds: None}),
    ],
)
def test_old_and_partial_layouts_read_as_absent_fields(line, checks):
    event = parse_line(line)
    for accessor, expected in checks.items():
        assert accessor(event) == expected, accessor.__name__


# -------------------------------------------------------- dirt and garbage


def test_nul_bytes_and_carriage_returns_are_stripped():
    clean = parse_line(f"{T}|{T}.1|q|NONE|ABANDON|1|1|9")
    assert parse_line(f"\x00\x00\x00{T}|{T}.1|q|NONE|ABANDON|1|1|9\r\n") == clean
    assert parse_line(f"{T}|{T}.1|q|NONE|ABAN\x00DON|1|1|9\x00") == clean
    data = b"\x00" * 300 + f"{T}|{T}.1|q|NONE|ABANDON|1|1|9\r\n".encode()
    (line,) = lines_of(data)
    assert line.event == clean and line.end == len(data)


def test_blank_and_nul_only_lines_are_skipped_but_counted_in_offsets():
    good = f"{T}|{T}.1|q|NONE|ABANDON|1|1|9\n".encode()
    data = b"\n\r\n" + b"\x00" * 4096 + b"\n" + good + b"\n\n"
    (line,) = lines_of(data)
    assert line.end == len(data) - 2
    assert lines_of(data, start=line.end) == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("hello world", "too few fields"),
        (f"{T}|{T}.1|q|NONE", "too few fields"),
        (f"{T}|{T}.1|q|NONE|CONNECTX|1", "unknown event CONNECTX"),
        (f"{T}|{T}.1|q|NONE|WENTONBREAK|600", "unknown event WENTONBREAK"),
        (f"{T}|{T}.1|q|NONE||1", "no event"),
        (f"abc|{T}.1|q|NONE|CONNECT|1", "bad time"),
        (f"|{T}.1|q|NONE|CONNECT|1", "bad time"),
        (f"nan|{T}.1|q|NONE|CONNECT|1", "bad time"),
        (f"inf|{T}.1|q|NONE|CONNECT|1", "bad time"),
        (f"0|{T}.1|q|NONE|CONNECT|1", "bad time"),
        (f"-{T}|{T}.1|q|NONE|CONNECT|1", "bad time"),
        (f"1{T}{T}|{T}.1|q|NONE|CONNECT|1", "bad time"),
        ("", "empty line"),
        ("\x00\x00\r\n", "empty line"),
        (f"{T}|a|b|c|PAUSE|x\n{T}|a|b|c|PAUSE|x", "more than one line"),
    ],
)
def test_garbage_lines_are_refused_with_a_reason(line, reason):
    with pytest.raises(Malformed) as caught:
        parse_line(line)
    assert caught.value.reason == reason
    assert str(caught.value) == reason


def test_event_names_are_read_in_upper_case():
    assert parse_line(f"{T}|{T}.1|q|NONE|abandon|1|1|9").event == "ABANDON"


def test_read_reports_bad_lines_in_place_and_goes_on():
    data = (
        f"{T}|{T}.1|q|NONE|ENTERQUEUE||138|1\n"
        "garbage\n"
        f"{T}|{T}.1|q|NONE|CONNECTX|1\n"
        f"{T + 9}|{T}.1|q|NONE|ABANDON|1|1|9\n"
    ).encode()
    got = lines_of(data)
    assert [(line.event.event if line.event else None, line.error) for line in got] == [
        ("ENTERQUEUE", ""),
        (None, "too few fields"),
        (None, "unknown event CONNECTX"),
        ("ABANDON", ""),
    ]
    assert got[-1].end == len(data)


def test_non_ascii_and_invalid_utf8_keep_byte_offsets():
    data = (
        f"{T}|NONE|售后|工号8001|PAUSE|午休\n".encode()
        + f"{T}|NONE|q|a|PAUSE|".encode()
        + b"\xff\xfe bad\n"
        + f"{T}|NONE|q|a|UNPAUSE|\n".encode()
    )
    got = lines_of(data)
    assert [line.event.data for line in got if line.event] == [("午休",), ("\ufffd\ufffd bad",), ()]
    assert got[0].end == len(f"{T}|NONE|售后|工号8001|PAUSE|午休\n".encode())
    assert got[-1].end == len(data)
    assert lines_of(data, start=got[0].end) == got[1:]


# ------------------------------------------------------- offsets and cuts


def sample_file() -> bytes:
    rows = [line for line, *_ in EVENT_LINES]
    rows[3:3] = ["", "junk", "\x00\x00\x00", f"{T}|x|q|NONE|NOPE|1"]
    return ("\n".join(rows) + "\n").encode()


def test_reading_from_any_line_end_gives_exactly_the_rest():
    data = sample_file()
    every = lines_of(data)
    assert every[-1].end == len(data)
    for i, line in enumerate(every):
        assert lines_of(data, start=line.end) == every[i + 1 :]


def test_small_chunks_read_the_same_as_one_big_one(monkeypatch):
    data = sample_file()
    whole = lines_of(data)
    for size in (1, 2, 7, 64):
        monkeypatch.setattr(queue_log, "CHUNK_SIZE", size)
        assert lines_of(data) == whole


def test_a_file_cut_mid_line_yields_the_line_once_when_it_is_complete():
    first = f"{T}|{T}.1|q|NONE|ENTERQUEUE||13800138000|1\n".encode()
    second = f"{T + 9}|{T}.1|q|NONE|ABANDON|1|1|9\n".encode()
    stream = io.BytesIO(first + second[:17])
    got = list(read(stream))
    assert [line.event.event for line in got if line.event] == ["ENTERQUEUE"]
    assert got[-1].end == len(first)
    stream.seek(0, io.SEEK_END)
    stream.write(second[17:])
    rest = list(read(stream, start=got[-1].end))
    assert [line.event.event for line in rest if line.event] == ["ABANDON"]
    assert rest[-1].end == len(first + second)
    assert list(read(stream, start=rest[-1].end)) == []


def test_a_lone_unterminated_line_is_never_yielded():
    assert lines_of(f"{T}|{T}.1|q|NONE|ABANDON|1|1|9".encode()) == []
    assert lines_of(b"") == []


# ----------------------------------------------------------------- property

_FIELD_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="|\n\r\x00"), max_size=12)
_ID = _FIELD_TEXT.filter(lambda s: s != "NONE")
_DATA = st.lists(_FIELD_TEXT, max_size=6).map(tuple).filter(lambda d: not d or d[-1] != "")
_TIME = st.one_of(
    st.integers(min_value=1, max_value=4_000_000_000).map(float),
    st.floats(min_value=1.0, max_value=4e9, allow_nan=False, allow_infinity=False),
)
EVENTS = st.builds(
    QueueEvent,
    time=_TIME,
    call_id=_ID,
    queue=_ID,
    agent=_ID,
    event=st.sampled_from(sorted(KNOWN_EVENTS)),
    data=_DATA,
)


@settings(max_examples=200)
@given(st.lists(EVENTS, max_size=30))
@example([QueueEvent(float(T), "", "", "", "QUEUESTART", ())])
def test_formatted_events_read_back_unchanged(events):
    data = "".join(format_line(event) for event in events).encode()
    got = lines_of(data)
    assert [line.event for line in got] == events
    assert all(not line.error for line in got)
    assert [parse_line(format_line(event)) for event in events] == events


@settings(max_examples=300)
@given(st.lists(EVENTS, min_size=1, max_size=12), st.data())
def test_reading_a_prefix_then_resuming_yields_every_line_once(events, draw):
    lines = [format_line(event) for event in events]
    lines.insert(draw.draw(st.integers(0, len(lines))), "garbage line\n")
    lines.insert(draw.draw(st.integers(0, len(lines))), "\n")
    data = "".join(lines).encode()
    cut = draw.draw(st.integers(0, len(data)))
    head = lines_of(data[:cut])
    start = head[-1].end if head else 0
    assert start <= cut
    assert head + lines_of(data, start=start) == lines_of(data)


# -------------------------------------------------------------- table layout

HEADER = "time,callid,queuename,agent,event,data1,data2,data3,data4,data5"
TABLE_ROWS = [
    "2025-11-20 08:00:03,1763596803.11,hotline,NONE,ENTERQUEUE,,13812345678,1,,",
    "2025-11-20 08:00:15.250000,1763596803.11,hotline,PJSIP/8001,CONNECT,12,1763596811.12,4,,",
    "2025-11-20 08:03:15,1763596803.11,hotline,PJSIP/8001,COMPLETECALLER,12,180,1,,",
    "2025-11-20 08:05:00,NONE,NONE,PJSIP/8001,PAUSEALL,ACW,,,,",
]
EXPECTED = [
    QueueEvent(
        1763596803.0, "1763596803.11", "hotline", "", "ENTERQUEUE", ("", "13812345678", "1")
    ),
    QueueEvent(
        1763596815.25,
        "1763596803.11",
        "hotline",
        "PJSIP/8001",
        "CONNECT",
        ("12", "1763596811.12", "4"),
    ),
    QueueEvent(
        1763596995.0, "1763596803.11", "hotline", "PJSIP/8001", "COMPLETECALLER", ("12", "180", "1")
    ),
    QueueEvent(1763597100.0, "", "", "PJSIP/8001", "PAUSEALL", ("ACW",)),
]


def table(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def events_of(data: bytes, **kwargs: object) -> list[QueueEvent | None]:
    return [line.event for line in lines_of(data, layout="queue_log_table", **kwargs)]


def test_shanghai_local_time_gives_the_right_epoch():
    assert datetime.fromtimestamp(EXPECTED[0].time, UTC) == datetime(
        2025, 11, 20, 0, 0, 3, tzinfo=UTC
    )
    assert events_of(table(HEADER, *TABLE_ROWS), table_tz=SHANGHAI) == EXPECTED


def test_table_without_header_is_read_by_its_width():
    assert events_of(table(*TABLE_ROWS), table_tz=SHANGHAI) == EXPECTED


def test_table_with_an_id_column_with_and_without_header():
    with_ids = [f"{i},{row}" for i, row in enumerate(TABLE_ROWS, start=1)]
    assert events_of(table("id," + HEADER, *with_ids), table_tz=SHANGHAI) == EXPECTED
    assert events_of(table(*with_ids), table_tz=SHANGHAI) == EXPECTED


def single_data(row: str) -> str:
    cells = next(csv.reader([row]))
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([*cells[:5], "|".join(cells[5:])])
    return out.getvalue()


def test_table_with_one_data_column_of_joined_fields():
    rows = [single_data(row) for row in TABLE_ROWS]
    header = "time,callid,queuename,agent,event,data"
    assert events_of(table(header, *rows), table_tz=SHANGHAI) == EXPECTED
    assert events_of(table(*rows), table_tz=SHANGHAI) == EXPECTED
    with_ids = [f"{i},{row}" for i, row in enumerate(rows)]
    assert events_of(table("id," + header, *with_ids), table_tz=SHANGHAI) == EXPECTED


def test_table_times_with_offsets_or_as_epochs_ignore_the_zone():
    rows = [
        "2025-11-20T08:00:03+08:00,a.1,q,NONE,ABANDON,1,1,3,,",
        "2025-11-20 00:00:03Z,a.1,q,NONE,ABANDON,1,1,3,,",
        "1763596803,a.1,q,NONE,ABANDON,1,1,3,,",
        "2025-11-20 08:00:03,a.1,q,NONE,ABANDON,1,1,3,,",
    ]
    got = events_of(table(HEADER, *rows), table_tz=SHANGHAI)
    assert {event.time for event in got if event} == {1763596803.0}
    utc = events_of(table(HEADER, rows[-1]), table_tz=UTC)
    assert utc[0] is not None and utc[0].time == 1763596803.0 + 8 * 3600


def test_table_fifth_column_keeps_the_rest_of_a_long_message():
    row = (
        "2025-11-20 08:10:00,a.1,q,PJSIP/8001,ATTENDEDTRANSFER,"
        "LINK,Local/8002@x-1;1,Local/8002@x-1;2,10,190|2"
    )
    (event,) = events_of(table(HEADER, row), table_tz=SHANGHAI)
    assert event is not None
    assert event.data == ("LINK", "Local/8002@x-1;1", "Local/8002@x-1;2", "10", "190", "2")
    assert (wait_seconds(event), talk_seconds(event), orig_position(event)) == (10.0, 190.0, 2)


def test_table_bad_rows_are_reported_and_reading_goes_on():
    rows = [
        TABLE_ROWS[0],
        "yesterday,a.1,q,NONE,ABANDON,1,1,3,,",
        "2025-11-20 08:00:04,a.1,q,NONE,NOPE,1,1,3,,",
        "2025-11-20 08:00:05,a.1",
        ",,,,",
        TABLE_ROWS[1],
    ]
    got = lines_of(table(HEADER, *rows), layout="queue_log_table", table_tz=SHANGHAI)
    assert [(bool(line.event), line.error) for line in got] == [
        (True, ""),
        (False, "bad time"),
        (False, "unknown event NOPE"),
        (False, "too few fields"),
        (True, ""),
    ]


def test_table_resumed_mid_file_still_uses_its_header():
    data = table("id," + HEADER, *[f"{i},{row}" for i, row in enumerate(TABLE_ROWS)])
    every = lines_of(data, layout="queue_log_table", table_tz=SHANGHAI)
    assert [line.event for line in every] == EXPECTED
    for i, line in enumerate(every):
        rest = lines_of(data, layout="queue_log_table", table_tz=SHANGHAI, start=line.end)
        assert rest == every[i + 1 :]


def test_table_with_a_byte_order_mark_and_crlf():
    data = b"\xef\xbb\xbf" + table(HEADER, *TABLE_ROWS).replace(b"\n", b"\r\n")
    assert events_of(data, table_tz=SHANGHAI) == EXPECTED


def test_parse_table_row_alone():
    row = next(csv.reader([TABLE_ROWS[1]]))
    assert parse_table_row(row, tz=SHANGHAI) == EXPECTED[1]
    header = HEADER.split(",")
    assert parse_table_row(row, tz=SHANGHAI, header=header) == EXPECTED[1]
    with pytest.raises(Malformed, match="header row"):
        parse_table_row(header, tz=SHANGHAI)
    with pytest.raises(Malformed, match="bad time"):
        parse_table_row(["soon", *row[1:]], tz=SHANGHAI)
    with pytest.raises(ValueError, match="no time and event"):
        parse_table_row(row, tz=SHANGHAI, header=["a", "b"])


def test_read_refuses_an_unknown_layout_or_a_table_without_zone():
    with pytest.raises(ValueError, match="unknown layout"):
        lines_of(b"", layout="csv")
    with pytest.raises(ValueError, match="table_tz"):
        lines_of(table(HEADER, *TABLE_ROWS), layout="queue_log_table")
