"""Tests for kefu.telephony.simulator: the synthetic queue_log, pure, no database."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from kefu.telephony import queue_log, simulator
from kefu.telephony.queue_log import QueueEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUEUES = ("hotline", "billing", "complaints")
AGENTS = tuple(f"Agent/{1001 + i}" for i in range(30))
MONDAY = date(2026, 11, 16)
LOST = frozenset({"ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"})
ENDS_ANSWERED = frozenset({"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "ATTENDEDTRANSFER"})


def run(**overrides: object) -> list[str]:
    kwargs: dict[str, object] = {
        "start": MONDAY,
        "days": 2,
        "queues": QUEUES[:2],
        "agents": AGENTS[:12],
        "tz": SHANGHAI,
        "seed": 3,
    }
    kwargs.update(overrides)
    return list(simulator.simulate(**kwargs))  # type: ignore[arg-type]


@cache
def week() -> tuple[str, ...]:
    """A week at the default load, shared by the tests that read its statistics."""
    return tuple(run(days=7, queues=QUEUES, agents=AGENTS, seed=11))


@cache
def week_events() -> tuple[QueueEvent, ...]:
    return tuple(queue_log.parse_line(line) for line in week())


def by_call(events: tuple[QueueEvent, ...]) -> dict[str, list[QueueEvent]]:
    calls: dict[str, list[QueueEvent]] = defaultdict(list)
    for event in events:
        if event.event in queue_log.CALL_EVENTS:
            calls[event.call_id].append(event)
    return calls


def test_the_same_seed_gives_the_same_lines_and_another_seed_others():
    assert run() == run()
    assert run() != run(seed=4)


def test_every_line_parses_and_times_never_go_back():
    lines = week()
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    events = week_events()
    times = [event.time for event in events]
    assert times == sorted(times)
    assert all(time.is_integer() for time in times)
    stream = io.BytesIO("".join(lines).encode())
    assert [line.event for line in queue_log.read(stream)] == list(events)


def test_each_call_enters_once_and_ends_once():
    calls = by_call(week_events())
    assert len(calls) > 5000
    for call_id, events in calls.items():
        names = [event.event for event in events]
        assert names.count("ENTERQUEUE") == 1 and names[0] == "ENTERQUEUE", call_id
        ends = [name for name in names if name in queue_log.TERMINAL_EVENTS]
        assert len(ends) == 1 and names[-1] == ends[0], (call_id, names)
        assert len({event.queue for event in events}) == 1
        assert re.fullmatch(r"\d{10}\.\d+", call_id)
        assert call_id.split(".")[0] == str(int(events[0].time))


def test_waits_and_talk_agree_between_connect_and_the_end():
    for events in by_call(week_events()).values():
        enter, end = events[0], events[-1]
        waited = queue_log.wait_seconds(end)
        assert waited == end.time - enter.time or end.event in ENDS_ANSWERED
        connects = [event for event in events if event.event == "CONNECT"]
        if end.event in ENDS_ANSWERED:
            (connect,) = connects
            assert connect.agent == end.agent
            assert queue_log.wait_seconds(connect) == waited == connect.time - enter.time
            assert queue_log.talk_seconds(end) == end.time - connect.time > 0
            ring = queue_log.ring_seconds(connect)
            assert ring is not None and 1 <= ring <= 15
            assert queue_log.orig_position(end) == queue_log.position(enter)
        else:
            assert not connects
            assert end.event in LOST
            assert queue_log.orig_position(end) == queue_log.position(enter)
            position = queue_log.position(end)
            assert position is not None and position >= 1


def test_ring_events_belong_to_waiting_calls():
    for events in by_call(week_events()).values():
        for event in events:
            if event.event == "RINGNOANSWER":
                assert queue_log.ring_seconds(event) == 15.0 and event.agent
            if event.event == "RINGCANCELED":
                assert event is events[-2] and events[-1].event in LOST


def test_default_load_gives_plausible_service():
    ends = [event for event in week_events() if event.event in queue_log.TERMINAL_EVENTS]
    answered = [event for event in ends if event.event in ENDS_ANSWERED]
    kinds = Counter(event.event for event in ends)
    offered = len(ends)
    assert 0.01 < kinds["ABANDON"] / offered < 0.12
    assert sum(kinds[name] for name in LOST) / offered < 0.16
    assert 0 < kinds["EXITWITHTIMEOUT"] + kinds["EXITWITHKEY"] < 0.01 * offered
    assert kinds["EXITEMPTY"] > 0
    transfers = kinds["TRANSFER"] + kinds["ATTENDEDTRANSFER"]
    assert 0.04 < transfers / len(answered) < 0.09
    waits = [queue_log.wait_seconds(event) or 0.0 for event in answered]
    assert 0.75 < sum(wait <= 20 for wait in waits) / len(waits) < 0.99
    talks = sorted(queue_log.talk_seconds(event) or 0.0 for event in answered)
    assert 150 < talks[len(talks) // 2] < 210


def test_the_day_follows_a_hotline_profile():
    counts: Counter[int] = Counter()
    days: Counter[int] = Counter()
    for event in week_events():
        if event.event == "ENTERQUEUE":
            moment = datetime.fromtimestamp(event.time, SHANGHAI)
            counts[moment.hour] += 1
            days[moment.weekday()] += 1
    night = sum(counts[hour] for hour in range(0, 7))
    assert counts[10] > counts[12] < counts[15] and counts[10] > 10 * night / 7
    assert counts[3] < counts[9] / 20
    weekday = sum(days[d] for d in range(5)) / 5
    assert 0.45 < (days[5] + days[6]) / 2 / weekday < 0.75
    expected = simulator.default_calls_per_day(len(AGENTS))
    assert 0.85 * expected < weekday < 1.15 * expected


def test_peak_occupancy_is_between_70_and_90_percent():
    busy: dict[str, list[tuple[float, float]]] = defaultdict(list)
    logged: dict[str, list[tuple[float, float]]] = defaultdict(list)
    breaks: dict[str, list[tuple[float, float]]] = defaultdict(list)
    since: dict[str, float] = {}
    paused: dict[str, tuple[float, str]] = {}
    rang: dict[str, float] = {}
    for event in week_events():
        agent = event.agent
        if event.event == "ADDMEMBER":
            since.setdefault(agent, event.time)
        elif event.event == "REMOVEMEMBER" and agent in since:
            logged[agent].append((since.pop(agent), event.time))
        elif event.event == "CONNECT":
            rang[event.call_id] = event.time - (queue_log.ring_seconds(event) or 0.0)
        elif event.event in ENDS_ANSWERED:
            busy[agent].append((rang.pop(event.call_id), event.time))
        elif event.event == "PAUSEALL":
            paused[agent] = (event.time, queue_log.pause_reason(event))
        elif event.event == "UNPAUSEALL":
            start, reason = paused.pop(agent)
            (busy if reason == "ACW" else breaks)[agent].append((start, event.time))

    def overlap(spans: dict[str, list[tuple[float, float]]], lo: float, hi: float) -> float:
        return sum(max(0.0, min(b, hi) - max(a, lo)) for v in spans.values() for a, b in v)

    rates = []
    for offset in range(5):  # the working days
        day = date.fromordinal(MONDAY.toordinal() + offset)
        lo = datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI).timestamp()
        hi = lo + 3600
        rates.append(overlap(busy, lo, hi) / (overlap(logged, lo, hi) - overlap(breaks, lo, hi)))
    assert 0.7 < sum(rates) / len(rates) < 0.9
    assert all(0.6 < rate < 0.95 for rate in rates)


def test_agents_log_in_pause_and_log_out_like_app_queue():
    events = week_events()
    served: dict[str, set[str]] = defaultdict(set)
    state: dict[str, str | None] = {}
    for i, event in enumerate(events):
        name = event.event
        if name == "ADDMEMBER":
            assert event.call_id == "MANAGER" and event.data == ()
            served[event.agent].add(event.queue)
        if name in ("PAUSEALL", "UNPAUSEALL"):
            assert event.queue == "" and event.call_id == ""
            queues = served[event.agent]
            # One line per queue follows, with the same reason.
            follow = events[i + 1 : i + 1 + len(queues)]
            assert {e.queue for e in follow} == queues
            assert {(e.event, e.agent, e.data) for e in follow} == {
                (name.removesuffix("ALL"), event.agent, event.data)
            }
            reason = queue_log.pause_reason(event)
            if name == "PAUSEALL":
                assert state.get(event.agent) is None
                state[event.agent] = reason
            else:
                assert state.pop(event.agent) == reason
    assert all(1 <= len(queues) <= 3 for queues in served.values())
    assert set(served) <= set(AGENTS) and len(served) > 25
    assert set().union(*served.values()) == set(QUEUES)
    assert not any(state.values())  # every pause ended
    members = Counter(
        (event.agent, event.queue, event.event)
        for event in events
        if event.event in ("ADDMEMBER", "REMOVEMEMBER")
    )
    for (agent, queue, name), count in members.items():
        if name == "ADDMEMBER":
            assert members[(agent, queue, "REMOVEMEMBER")] == count


def test_after_call_work_follows_every_answered_call():
    events = week_events()
    acw: list[float] = []
    opened: dict[str, float] = {}
    last_end: dict[str, float] = {}
    for event in events:
        if event.event in ENDS_ANSWERED:
            last_end[event.agent] = event.time
        elif event.event == "PAUSEALL" and queue_log.pause_reason(event) == "ACW":
            assert last_end.pop(event.agent) == event.time
            opened[event.agent] = event.time
        elif event.event == "UNPAUSEALL" and queue_log.pause_reason(event) == "ACW":
            acw.append(event.time - opened.pop(event.agent))
    assert not last_end
    assert acw and min(acw) >= 5 and max(acw) <= 60
    reasons = Counter(
        queue_log.pause_reason(event) for event in events if event.event == "PAUSEALL"
    )
    assert {"ACW", "LUNCH", "BREAK", "DINNER"} <= set(reasons)


def test_each_day_starts_with_queuestart():
    starts = [event for event in week_events() if event.event == "QUEUESTART"]
    assert len(starts) == 7
    assert week()[0].endswith("|NONE|NONE|NONE|QUEUESTART|\n")
    assert {datetime.fromtimestamp(e.time, SHANGHAI).time().isoformat() for e in starts} == {
        "00:00:00"
    }


def test_callers_are_mobiles_with_some_calling_again():
    numbers = [
        queue_log.caller_number(event) for event in week_events() if event.event == "ENTERQUEUE"
    ]
    assert all(re.fullmatch(r"1[3-9]\d{9}", number) for number in numbers)
    repeats = len(numbers) - len(set(numbers))
    assert 0.05 < repeats / len(numbers) < 0.25


def test_given_caller_numbers_are_used():
    given = ["02161234567", "13800138000", "075512345678"]
    lines = run(caller_numbers=given)
    numbers = {
        queue_log.caller_number(event)
        for event in map(queue_log.parse_line, lines)
        if event.event == "ENTERQUEUE"
    }
    assert numbers == set(given)


def test_a_queue_without_agents_sends_its_callers_away_empty():
    events = [queue_log.parse_line(line) for line in run(agents=(), calls_per_day=200)]
    ends = Counter(event.event for event in events if event.event in queue_log.TERMINAL_EVENTS)
    assert set(ends) == {"EXITEMPTY"} and ends["EXITEMPTY"] > 200
    assert run(agents=()) == [line for line in run(agents=()) if "QUEUESTART" in line]


def test_write_to_a_path_and_to_text_and_binary_streams(tmp_path):
    expected = "".join(run())
    path = tmp_path / "queue_log"
    count = simulator.write(path, **run_kwargs())
    assert count == len(run())
    assert path.read_text(encoding="utf-8") == expected
    assert simulator.write(str(tmp_path / "again"), **run_kwargs()) == count
    text = io.StringIO()
    assert simulator.write(text, **run_kwargs()) == count
    assert text.getvalue() == expected
    binary = io.BytesIO()
    assert simulator.write(binary, **run_kwargs()) == count
    assert binary.getvalue() == expected.encode()


def run_kwargs() -> dict[str, object]:
    return {
        "start": MONDAY,
        "days": 2,
        "queues": QUEUES[:2],
        "agents": AGENTS[:12],
        "tz": SHANGHAI,
        "seed": 3,
    }


def test_main_writes_a_file(tmp_path, capsys):
    path = tmp_path / "out"
    assert simulator.main([str(path), "--days", "1", "--agents", "5", "--queues", "a,b"]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert capsys.readouterr().err == f"{len(lines)} lines\n"
    assert {line.split("|")[2] for line in lines} >= {"a", "b"}


@pytest.mark.parametrize(
    "overrides",
    [{"queues": ()}, {"queues": ("a|b",)}, {"agents": ("Agent/1\n",)}, {"days": -1}],
)
def test_bad_arguments_are_refused_at_once(overrides):
    with pytest.raises(ValueError):
        simulator.simulate(**{**run_kwargs(), **overrides})
