"""Folding events into calls and agent activities, and what they add to the roll-ups."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.telephony import calls, presence
from kefu.telephony.calls import Call, Outcome
from kefu.telephony.intervals import INTERVAL_SECONDS, interval_of, split
from kefu.telephony.queue_log import QueueEvent

T0 = 1_763_596_800  # 2025-11-20 08:00 in Shanghai, on an interval boundary


def event(at: int, name: str, *data: str, call: str = "c1", queue: str = "q", agent: str = ""):
    return QueueEvent(
        time=float(at), call_id=call, queue=queue, agent=agent, event=name, data=tuple(data)
    )


def fold(*events: QueueEvent) -> Call:
    first = events[0]
    call = (
        Call(first.call_id, first.queue, T0) if first.event == "ENTERQUEUE" else calls.start(first)
    )
    for item in events:
        calls.apply(call, item)
    return call


def totals(*items: Call) -> dict[tuple[str, tuple[int, str]], dict[str, int]]:
    total: calls.Contribution = {}
    for item in items:
        calls.change(None, item, total)
    return {key: {k: v for k, v in row.items() if v} for key, row in total.items()}


def test_an_answered_call_counts_where_it_entered_and_its_talk_where_it_happened():
    call = fold(
        event(T0 + 890, "ENTERQUEUE", "", "13800138000", "1"),
        event(T0 + 902, "CONNECT", "12", "1763597702.7", "3", agent="Agent/1001"),
        event(T0 + 1022, "COMPLETECALLER", "12", "120", "1", agent="Agent/1001"),
    )
    assert call.outcome is Outcome.COMPLETED_CALLER
    assert (call.wait, call.talk, call.ring, call.caller_number) == (12, 120, 3, "13800138000")
    rows = totals(call)
    queue = rows[("queue", (T0, "q"))]
    assert queue["offered"] == queue["answered"] == queue["completed"] == 1
    assert queue["wait_answered_sum"] == 12 and queue["talk_sum"] == 120
    assert queue["answered_wait_15"] == 1  # 12 s: over 10, at most 15
    assert sum(queue.get(name, 0) for name in calls.ANSWERED_WAIT) == 1
    # Connected at 15:02 into the second interval: the agent's talk stays there.
    agent = rows[("agent", (T0 + INTERVAL_SECONDS, "Agent/1001"))]
    assert agent == {"answered": 1, "completed": 1, "talk_sum": 120}


def test_an_abandon_counts_its_wait_and_is_short_within_the_threshold():
    call = fold(event(T0 + 10, "ENTERQUEUE", "", "139"), event(T0 + 14, "ABANDON", "1", "1", "4"))
    queue = totals(call)[("queue", (T0, "q"))]
    assert call.outcome is Outcome.ABANDONED and call.wait == 4
    assert queue["abandoned"] == 1 and queue["wait_abandoned_sum"] == 4
    assert queue["abandoned_wait_5"] == 1  # 4 s: over 3, at most 5
    assert sum(queue.get(name, 0) for name in calls.ABANDONED_WAIT) == 1
    assert "answered" not in queue


def test_exits_and_calls_still_in_progress():
    timeout = fold(event(T0, "ENTERQUEUE"), event(T0 + 300, "EXITWITHTIMEOUT", "2", "1", "300"))
    key = fold(
        event(T0, "ENTERQUEUE", call="c2"),
        event(T0 + 30, "EXITWITHKEY", "9", "1", "1", "30", call="c2"),
    )
    waiting = fold(event(T0, "ENTERQUEUE", call="c3"))
    talking = fold(
        event(T0, "ENTERQUEUE", call="c4"),
        event(T0 + 5, "CONNECT", "5", "x", "2", call="c4", agent="a"),
    )
    queue = totals(timeout, key, waiting, talking)[("queue", (T0, "q"))]
    assert queue["offered"] == 4
    assert queue["exited_timeout"] == 1 and queue["exited_key"] == 1
    # Still talking: answered, but neither completed nor given a talk time.
    assert queue["answered"] == 1 and "completed" not in queue
    assert waiting.outcome is Outcome.QUEUED


def test_a_transfer_is_answered_completed_and_transferred():
    call = fold(
        event(T0, "ENTERQUEUE"),
        event(T0 + 8, "CONNECT", "8", "b", "1", agent="a"),
        event(T0 + 100, "BLINDTRANSFER", "8001", "from-internal", "8", "92", "1", agent="a"),
    )
    queue = totals(call)[("queue", (T0, "q"))]
    assert call.outcome is Outcome.TRANSFERRED
    assert queue["answered"] == queue["completed"] == queue["transferred"] == 1
    assert queue["talk_sum"] == 92


def test_events_read_twice_change_nothing_and_a_late_connect_does_not_undo_an_abandon():
    events = [
        event(T0, "ENTERQUEUE", "", "138"),
        event(T0 + 3, "RINGNOANSWER", "15000", agent="a"),
        event(T0 + 9, "CONNECT", "9", "x", "4", agent="b"),
        event(T0 + 99, "COMPLETEAGENT", "9", "90", "1", agent="b"),
    ]
    once = fold(*events)
    twice = fold(*events, *events)
    assert once == twice
    assert totals(once)[("queue", (T0, "q"))]["missed"] == 1
    gone = fold(event(T0, "ENTERQUEUE"), event(T0 + 20, "ABANDON", "1", "1", "20"))
    calls.apply(gone, event(T0 + 21, "CONNECT", "21", "x", "1", agent="a"))
    assert gone.outcome is Outcome.ABANDONED and gone.agent == ""


def test_a_call_first_seen_at_its_connect_is_dated_back_by_its_wait():
    call = fold(event(T0 + 950, "CONNECT", "60", "x", "2", agent="a"))
    assert call.entered_at == T0 + 890
    assert interval_of(call.entered_at) == T0


def test_old_layouts_without_the_later_fields():
    call = fold(
        event(T0, "ENTERQUEUE", "", "138"),
        event(T0 + 7, "CONNECT", "7", agent="a"),
        event(T0 + 67, "COMPLETEAGENT", "7", "60", agent="a"),
    )
    assert (call.wait, call.talk, call.ring) == (7, 60, None)
    assert "ring_count" not in totals(call)[("queue", (T0, "q"))]


def test_split_adds_up_across_interval_boundaries():
    parts = list(split(T0 + 800, T0 + 2000))
    assert parts == [(T0, 100), (T0 + 900, 900), (T0 + 1800, 200)]
    assert list(split(T0, T0)) == []


def test_presence_login_pause_and_after_call_work():
    tracker = presence.Presence()
    stream = [
        event(T0, "ADDMEMBER", call="NONE", queue="q1", agent="a"),
        event(T0, "ADDMEMBER", call="NONE", queue="q2", agent="a"),
        event(T0 + 100, "PAUSE", "ACW", call="NONE", queue="q1", agent="a"),
        event(T0 + 100, "PAUSE", "ACW", call="NONE", queue="q2", agent="a"),
        event(T0 + 130, "UNPAUSE", "ACW", call="NONE", queue="q1", agent="a"),
        event(T0 + 200, "PAUSE", "午餐", call="NONE", queue="q1", agent="a"),
        event(T0 + 500, "UNPAUSE", "", call="NONE", queue="q1", agent="a"),
        event(T0 + 1000, "REMOVEMEMBER", call="NONE", queue="q1", agent="a"),
        event(T0 + 1200, "REMOVEMEMBER", call="NONE", queue="q2", agent="a"),
    ]
    closed = {}
    for item in stream:
        for stretch in tracker.apply(item):
            closed[stretch.key] = stretch
    by_kind = {stretch.kind: stretch for stretch in closed.values()}
    assert by_kind[presence.Kind.LOGIN].ended_at == T0 + 1200
    assert by_kind[presence.Kind.ACW].ended_at == T0 + 130
    assert by_kind[presence.Kind.PAUSE].reason == "午餐"
    total: calls.Contribution = {}
    for stretch in closed.values():
        presence.contribute(stretch, total)
    first = total[("agent", (T0, "a"))]
    assert first["login_sum"] == 900 and first["acw_sum"] == 30 and first["pause_sum"] == 300
    assert first["acw_count"] == 1
    assert total[("agent", (T0 + 900, "a"))]["login_sum"] == 300


def test_presence_takes_up_an_activity_left_open_by_an_earlier_run():
    carried = presence.Activity("a", presence.Kind.LOGIN, T0, queues=frozenset({"q"}))
    tracker = presence.Presence(carried=[carried])
    # An event from before the open login (a file read again) does not close it.
    assert tracker.apply(event(T0 - 50, "REMOVEMEMBER", call="NONE", queue="q", agent="a")) == []
    [closed] = tracker.apply(event(T0 + 600, "REMOVEMEMBER", call="NONE", queue="q", agent="a"))
    assert (closed.started_at, closed.ended_at) == (T0, T0 + 600)


NAMES = [
    "ENTERQUEUE",
    "CONNECT",
    "RINGNOANSWER",
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "TRANSFER",
]


@st.composite
def histories(draw: st.DrawFn) -> list[QueueEvent]:
    """Plausible and implausible event orders for a few calls."""
    events = []
    for number in range(draw(st.integers(1, 6))):
        at = T0 + draw(st.integers(0, 3 * INTERVAL_SECONDS))
        wait = draw(st.integers(0, 200))
        talk = draw(st.integers(0, 2000))
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5))
        for name in ["ENTERQUEUE", *names]:
            data = {
                "ENTERQUEUE": ("", "138", "1"),
                "CONNECT": (str(wait), "x", "2"),
                "RINGNOANSWER": ("15000",),
                "ABANDON": ("1", "1", str(wait)),
                "EXITWITHTIMEOUT": ("1", "1", str(wait)),
                "TRANSFER": ("8001", "ctx", str(wait), str(talk), "1"),
            }.get(name, (str(wait), str(talk), "1"))
            offset = 0 if name == "ENTERQUEUE" else wait + (talk if "COMPLETE" in name else 0)
            events.append(event(at + offset, name, *data, call=f"c{number}", agent="a"))
    return events


@settings(max_examples=200, deadline=None)
@given(histories(), st.integers(1, 30))
def test_roll_ups_applied_step_by_step_equal_a_recomputation(events, cut):
    """Folding in two batches with deltas gives what summing the final calls gives."""
    state: dict[str, Call] = {}
    incremental: calls.Contribution = {}
    for batch in (events[:cut], events[cut:]):
        before = {key: call.copy() for key, call in state.items()}
        for item in batch:
            call = state.get(item.call_id)
            if call is None:
                call = state[item.call_id] = Call(item.call_id, item.queue, round(item.time))
            calls.apply(call, item)
        for key, call in state.items():
            calls.change(before.get(key), call, incremental)
    recomputed = totals(*state.values())
    flat = {key: {k: v for k, v in row.items() if v} for key, row in incremental.items()}
    assert {k: v for k, v in flat.items() if v} == recomputed


@settings(max_examples=200, deadline=None)
@given(histories())
def test_every_call_adds_to_exactly_one_queue_interval_and_rates_stay_whole(events):
    state: dict[str, Call] = {}
    for item in events:
        call = state.setdefault(item.call_id, Call(item.call_id, item.queue, round(item.time)))
        calls.apply(call, item)
    sums: dict[str, int] = defaultdict(int)
    for (table, _), row in totals(*state.values()).items():
        if table == "queue":
            for name, value in row.items():
                sums[name] += value
    assert sums["offered"] == len(state)
    assert sums["answered"] + sums["abandoned"] + sums["exited_timeout"] <= sums["offered"]
    assert sum(sums[name] for name in calls.ANSWERED_WAIT) <= sums["answered"]
    assert sum(sums[name] for name in calls.ABANDONED_WAIT) <= sums["abandoned"]
