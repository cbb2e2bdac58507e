"""Tests for kefu.telephony.cdr_csv: the call-record CSV, pure, no database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.telephony import cdr_csv, queue_log
from kefu.telephony.cdr_csv import COLUMNS, OUTCOMES, CallRecord, parse_row, read, to_events

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = ",".join(COLUMNS)


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 20, hour, minute, second, tzinfo=SHANGHAI)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def records(data: bytes, **kwargs: object) -> list[tuple[int, CallRecord | None, str]]:
    return list(read(io.BytesIO(data), tz=kwargs.pop("tz", SHANGHAI), **kwargs))  # type: ignore[arg-type]


GOOD = [
    # Answered, every column given.
    "c1,hotline,2026-11-20T08:00:00+08:00,13800138000,8001,2026-11-20T08:00:15+08:00,"
    "2026-11-20T08:05:15+08:00,answered,15,4,300,20,40,false",
    # Answered, local times and only what implies the rest.
    "c2,hotline,2026-11-20 09:00:00,13900139000,8002,2026-11-20 09:00:30,,answered,,,120,,,",
    # Transferred by the column, and by the outcome.
    "c3,billing,2026-11-20T01:10:00Z,,8003,,,answered,5,,60,,,true",
    "c4,billing,2026-11-20T09:10:00+08:00,,8003,,2026-11-20T09:11:05+08:00,transferred,5,,,,,",
    # Unanswered outcomes.
    "c5,hotline,2026-11-20 10:00:00,13700137000,,,2026-11-20 10:00:45,abandoned,,,,,,0",
    "c6,hotline,2026-11-20 10:00:00,13700137001,,,,timeout,300,,,,,no",
    "c7,hotline,2026-11-20 10:00:00,13700137002,,,2026-11-20 10:00:31,key,31,,,,,",
    "c8,complaints,2026-11-20 23:00:00,13700137003,,,2026-11-20 23:00:01,empty,,,,,,",
]


def test_good_rows_become_complete_records():
    got = records(csv_file(*GOOD))
    assert [error for _, _, error in got] == [""] * len(GOOD)
    by_id = {record.call_id: record for _, record, _ in got if record}
    c1 = by_id["c1"]
    assert c1 == CallRecord(
        call_id="c1",
        queue="hotline",
        entered_at=at(8, 0),
        caller_number="13800138000",
        agent="8001",
        answered_at=at(8, 0, 15),
        ended_at=at(8, 5, 15),
        outcome="answered",
        wait_seconds=15.0,
        ring_seconds=4.0,
        talk_seconds=300.0,
        hold_seconds=20.0,
        acw_seconds=40.0,
        transferred=False,
    )
    c2 = by_id["c2"]
    assert (c2.wait_seconds, c2.talk_seconds, c2.ended_at) == (30.0, 120.0, at(9, 2, 30))
    assert c2.entered_at.utcoffset() == timedelta(hours=8)
    assert (by_id["c3"].outcome, by_id["c3"].transferred) == ("transferred", True)
    assert by_id["c3"].answered_at == datetime(2026, 11, 20, 1, 10, 5, tzinfo=UTC)
    assert (by_id["c4"].outcome, by_id["c4"].talk_seconds) == ("transferred", 60.0)
    assert by_id["c5"].wait_seconds == 45.0 and by_id["c5"].answered_at is None
    assert by_id["c6"].ended_at == at(10, 5)
    assert (by_id["c7"].outcome, by_id["c8"].outcome) == ("key", "empty")
    assert {record.outcome for record in by_id.values()} == OUTCOMES


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",hotline,2026-11-20 10:00:00,,,,,abandoned,3,,,,,", "no call_id"),
        ("x,,2026-11-20 10:00:00,,,,,abandoned,3,,,,,", "no queue"),
        ("x,q,,,,,,abandoned,3,,,,,", "no entered_at"),
        ("x,q,2026-11-20 10:00:00,,,,,,3,,,,,", "no outcome"),
        ("x,q,2026-11-20 10:00:00,,,,,hungup,3,,,,,", "unknown outcome hungup"),
        ("x,q,20/11/2026 10:00,,,,,abandoned,3,,,,,", "bad entered_at"),
        ("x,q,2026-11-20 10:00:00,,,,,abandoned,-3,,,,,", "bad wait_seconds"),
        ("x,q,2026-11-20 10:00:00,,,,,abandoned,three,,,,,", "bad wait_seconds"),
        ("x,q,2026-11-20 10:00:00,,,,,abandoned,inf,,,,,", "bad wait_seconds"),
        ("x,q,2026-11-20 10:00:00,,,,,abandoned,3,,,,,maybe", "bad transferred"),
        (
            "x,q,2026-11-20 10:00:00,,,,,abandoned,,,,,,",
            "abandoned call without ended_at or wait_seconds",
        ),
        (
            "x,q,2026-11-20 10:00:00,,a,,,answered,,,60,,,",
            "answered call without answered_at or wait_seconds",
        ),
        (
            "x,q,2026-11-20 10:00:00,,a,,,answered,5,,,,,",
            "answered call without ended_at or talk_seconds",
        ),
        ("x,q,2026-11-20 10:00:00,,a,2026-11-20 09:59:00,,answered,,,60,,,", "times out of order"),
        ("x,q,2026-11-20 10:00:00,,,,2026-11-20 09:00:00,abandoned,,,,,,", "times out of order"),
        (
            "x,q,2026-11-20 10:00:00,,a,2026-11-20 10:00:10,,abandoned,10,,,,,",
            "abandoned call with answered_at",
        ),
        ("x,q,2026-11-20 10:00:00,,,,,timeout,300,,10,,,", "timeout call with talk_seconds"),
        (
            "x,q,2026-11-20 10:00:00,,a,,,answered,5,,60,90,,",
            "hold_seconds longer than talk_seconds",
        ),
        ("x,q,2026-11-20 10:00:00,,,,,abandoned,3,,,,,,extra", "more cells than columns"),
        ('x,q,"2026-11-20 10:00:00,,,,,abandoned,3,,,,,', "bad csv"),
        ("broken,row", "no entered_at"),
    ],
)
def test_bad_rows_are_reported_with_a_reason(row, reason):
    data = csv_file(GOOD[0], row, GOOD[4])
    got = records(data)
    assert [(record is not None, error) for _, record, error in got] == [
        (True, ""),
        (False, reason),
        (True, ""),
    ]
    assert got[-1][0] == len(data)


def test_columns_in_any_order_with_extra_ones_and_a_byte_order_mark():
    header = "outcome,entered_at,queue,call_id,wait_seconds,ended_at,note"
    row = "abandoned,2026-11-20 10:00:00,hotline,z1,12,,客户挂机"
    data = b"\xef\xbb\xbf" + csv_file(row, header=header).replace(b"\n", b"\r\n")
    ((end, record, error),) = records(data)
    assert error == "" and end == len(data)
    assert record is not None
    assert (record.call_id, record.wait_seconds, record.ended_at) == ("z1", 12.0, at(10, 0, 12))
    assert (record.caller_number, record.agent, record.hold_seconds) == ("", "", None)


def test_a_header_without_a_required_column_is_refused():
    with pytest.raises(ValueError, match="lacks outcome"):
        records(csv_file("z1,hotline,2026-11-20 10:00:00", header="call_id,queue,entered_at"))


def test_offsets_resume_exactly_and_an_unfinished_row_waits():
    data = csv_file(*GOOD, "", "junk,row")
    every = records(data)
    assert every[-1][0] == len(data)
    header_end = len(HEADER) + 1
    assert records(data, start=0) == records(data, start=header_end) == every
    for i, (end, _, _) in enumerate(every):
        assert records(data, start=end) == every[i + 1 :]
    cut = data[: len(data) - 5]
    head = records(cut)
    assert head == every[:-1]
    assert records(data, start=head[-1][0]) == every[-1:]
    assert records(csv_file(header=HEADER)) == []
    assert records(HEADER.encode()) == []  # the header itself is still being written


def test_parse_row_takes_one_row():
    row = next(csv.reader([GOOD[0]]))
    (_, expected, _), *_ = records(csv_file(GOOD[0]))
    assert parse_row(row, tz=SHANGHAI) == expected
    with pytest.raises(ValueError, match="unknown outcome"):
        parse_row(["x", "q", "2026-11-20 10:00:00", "", "", "", "", "gone"], tz=SHANGHAI)
    header = ["call_id", "queue", "entered_at", "outcome", "wait_seconds"]
    got = parse_row(["x", "q", "2026-11-20 10:00:00", "empty", "1"], tz=SHANGHAI, header=header)
    assert got.outcome == "empty" and got.ended_at == at(10, 0, 1)


# --------------------------------------------------------------- to events


def test_to_events_of_each_outcome():
    by_id = {record.call_id: record for _, record, _ in records(csv_file(*GOOD)) if record}
    names = {call_id: [e.event for e in to_events(record)] for call_id, record in by_id.items()}
    assert names == {
        "c1": ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"],
        "c2": ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"],
        "c3": ["ENTERQUEUE", "CONNECT", "TRANSFER"],
        "c4": ["ENTERQUEUE", "CONNECT", "TRANSFER"],
        "c5": ["ENTERQUEUE", "ABANDON"],
        "c6": ["ENTERQUEUE", "EXITWITHTIMEOUT"],
        "c7": ["ENTERQUEUE", "EXITWITHKEY"],
        "c8": ["ENTERQUEUE", "EXITEMPTY"],
    }
    enter, connect, end = to_events(by_id["c1"])
    assert (enter.time, connect.time, end.time) == (
        at(8, 0).timestamp(),
        at(8, 0, 15).timestamp(),
        at(8, 5, 15).timestamp(),
    )
    assert queue_log.caller_number(enter) == "13800138000"
    assert queue_log.position(enter) is None
    assert (connect.agent, end.agent, enter.agent) == ("8001", "8001", "")
    assert queue_log.ring_seconds(connect) == 4.0
    assert queue_log.ring_seconds(to_events(by_id["c2"])[1]) is None


def test_to_events_round_trip_through_the_queue_log_format():
    for _, record, _ in records(csv_file(*GOOD)):
        assert record is not None
        events = to_events(record)
        text = "".join(queue_log.format_line(event) for event in events).encode()
        assert [line.event for line in queue_log.read(io.BytesIO(text))] == events
        end = events[-1]
        assert end.event in queue_log.TERMINAL_EVENTS
        assert queue_log.wait_seconds(end) == record.wait_seconds
        assert queue_log.talk_seconds(end) == record.talk_seconds
        if record.answered_at is not None:
            assert queue_log.wait_seconds(events[1]) == record.wait_seconds


_WHEN = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2035, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda moment: moment.replace(microsecond=0))
_SECONDS = st.integers(0, 4000).map(float) | st.floats(0, 4000, allow_nan=False).map(
    lambda x: round(x, 3)
)


@settings(max_examples=200)
@given(
    entered=_WHEN,
    outcome=st.sampled_from(sorted(OUTCOMES)),
    wait=_SECONDS,
    talk=_SECONDS,
    ring=st.none() | _SECONDS,
    caller=st.sampled_from(["", "13800138000", "02112345678"]),
)
def test_any_valid_row_reads_and_converts_with_its_wait_and_talk(
    entered, outcome, wait, talk, ring, caller
):
    answered = outcome in ("answered", "transferred")
    row = {
        "call_id": "p1",
        "queue": "hotline",
        "entered_at": entered.isoformat(),
        "caller_number": caller,
        "agent": "8001" if answered else "",
        "outcome": outcome,
        "wait_seconds": repr(wait),
        "talk_seconds": repr(talk) if answered else "",
        "ring_seconds": "" if ring is None else repr(ring),
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    ((_, record, error),) = records(out.getvalue().encode())
    assert error == "" and record is not None
    assert record.wait_seconds == wait
    assert record.talk_seconds == (talk if answered else None)
    events = to_events(record)
    assert queue_log.wait_seconds(events[-1]) == wait
    assert queue_log.talk_seconds(events[-1]) == (talk if answered else None)
    assert events[0].time == entered.timestamp()
    assert events[-1].time == pytest.approx(entered.timestamp() + wait + (talk if answered else 0))
    assert record.outcome in cdr_csv.OUTCOMES
