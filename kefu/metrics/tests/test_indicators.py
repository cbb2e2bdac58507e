"""Each indicator against a small example computed by hand, and their properties."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.metrics import indicators as ind
from kefu.metrics.indicators import Rules, Totals
from kefu.metrics.standards import BY_CODE, Unit
from kefu.telephony.calls import ABANDONED_WAIT, AGENT_COUNTERS, ANSWERED_WAIT, QUEUE_COUNTERS

RULES = Rules()

# A morning of one queue: 100 calls offered. 80 answered (60 within 20 s, 70 within 30 s),
# 15 abandoned (6 of them within 20 s, the default short abandon), 3 left on timeout, 2
# still queued at the end.
# Of the answered, 78 completed with 14,040 s of talk (180 s each), 4 transferred.
QUEUE = {
    "offered": 100,
    "answered": 80,
    "answered_wait_15": 50,  # the wait buckets: 50 in (10, 15] s, 10 in (15, 20], 10 in (20, 30]
    "answered_wait_20": 10,
    "answered_wait_30": 10,
    "abandoned": 15,
    "abandoned_wait_5": 4,  # 4 in (3, 5] s, 2 in (5, 10]
    "abandoned_wait_10": 2,
    "exited_timeout": 3,
    "completed": 78,
    "transferred": 4,
    "queued": 70,
    "wait_answered_sum": 1200,  # 15 s each
    "wait_abandoned_sum": 600,  # 40 s each
    "wait_sum": 1200 + 600 + 900,  # the three timeouts waited 300 s each
    "talk_sum": 14_040,
    "ring_sum": 800,  # 80 connects, 10 s of ringing each
    "ring_count": 80,
}
# Two agents over four hours: 28,800 s logged in, 3,600 s of breaks, 2,340 s of after-call
# work over 78 calls (30 s each), 14,040 s of talk, no hold recorded.
AGENT = {
    "answered": 80,
    "completed": 78,
    "transferred": 4,
    "talk_sum": 14_040,
    "acw_sum": 2_340,
    "acw_count": 78,
    "login_sum": 28_800,
    "pause_sum": 3_600,
}
TOTALS = Totals(queue=QUEUE, agent=AGENT)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("offered", 100),
        ("answered", 80),
        ("abandoned", 15),
        ("short_abandoned", 6),
        ("exited", 3),
        ("service_level", 60 / 94),  # short abandons leave the denominator
        ("service_level_answered", 60 / 80),
        ("abandon_rate", 9 / 94),
        ("answered_rate", 0.8),
        ("asa_seconds", 15),
        ("avg_abandon_seconds", 40),
        ("avg_queue_seconds", 2700 / 98),  # 80 answered + 15 abandoned + 3 exited left the queue
        ("queued_rate", 0.7),
        ("avg_talk_seconds", 180),
        ("transfer_rate", 0.05),
        ("avg_rings", 2),  # 10 s of ringing in 5-second cycles
        ("acw_seconds", 30),
        ("aht_seconds", 210),
        ("aht_with_hold_seconds", 210),  # no hold recorded: the same
        ("calls_per_agent_hour", 10),
        ("occupancy", 14_040 / (28_800 - 3_600 - 2_340)),
    ],
)
def test_queue_and_agent_indicators_by_hand(code: str, expected: float):
    assert ind.INDICATORS[code](TOTALS, RULES) == pytest.approx(expected)


def test_other_thresholds_are_read_from_their_own_counters():
    rules = Rules(service_level_seconds=30, short_abandon_seconds=5)
    assert ind.service_level(TOTALS, rules) == pytest.approx(70 / 96)
    assert ind.abandon_rate(TOTALS, rules) == pytest.approx(11 / 96)
    with pytest.raises(ValueError, match="must be one of"):
        Rules(service_level_seconds=25)


@pytest.mark.parametrize(
    ("totals", "code", "expected"),
    [
        (Totals(contacts=200, contacts_resolved=160), "fcr", 0.8),
        (Totals(contacts=200, contacts_settled=170), "settled_rate", 0.85),
        (Totals(contacts_with_reason=100, contacts_repeated=8), "repeat_contact_rate", 0.08),
        (Totals(complaints=3, customers=20_000), "complaints_per_10k", 1.5),
        (Totals(escalated_complaints=2), "escalated_complaints", 2),
        (Totals(stage_completions=50, stage_overdue=2), "on_time_rate", 0.96),
        (Totals(returns=40, rejects=6), "rework_rate", 0.15),
        (Totals(closed=30, reopened=3), "reopen_rate", 0.1),
        (Totals(callbacks=20, callbacks_satisfied=18), "callback_satisfaction", 0.9),
        (Totals(queue=QUEUE, agent=AGENT, scheduled_seconds=28_800), "adherence", 25_200 / 28_800),
        (Totals(scheduled_agents=20, present_agents=19), "attendance", 0.95),
        (Totals(queue=QUEUE, blocked=4), "blocked_rate", 4 / 104),
        (Totals(queue=QUEUE, blocked=4), "offered", 104),
        (Totals(queue=QUEUE, cost=2_000.0), "cost_per_call", 20),  # ÷ 100 received
        (Totals(monitoring_scores=(90, 80, 85)), "monitoring_score", 85),
        (Totals(headcount=40, leavers=2), "turnover", 0.05),
    ],
)
def test_service_workforce_and_cost_indicators_by_hand(totals: Totals, code: str, expected: float):
    assert ind.INDICATORS[code](totals, RULES) == pytest.approx(expected)


def test_missing_data_is_not_available_never_zero():
    values = ind.compute(Totals())
    assert all(value is None for value in values.values()), values
    # Telephony without after-call work: AHT would look short, so it is not shown either.
    without_acw = Totals(queue=QUEUE, agent={**AGENT, "acw_sum": 0, "acw_count": 0})
    assert ind.aht_seconds(without_acw, RULES) is None
    assert ind.avg_hold_seconds(TOTALS, RULES) is None  # queue_log carries no hold


def test_every_indicator_has_its_standard():
    assert set(ind.INDICATORS) <= set(BY_CODE)


def _queue_counts(draw: st.DrawFn) -> dict[str, int]:
    answered = draw(st.integers(0, 500))
    abandoned = draw(st.integers(0, 200))
    exited = draw(st.integers(0, 50))
    offered = answered + abandoned + exited + draw(st.integers(0, 20))
    counts: Counter[str] = Counter(offered=offered, answered=answered, abandoned=abandoned)
    counts["exited_timeout"] = exited
    left = answered
    for name in ANSWERED_WAIT:
        counts[name] = draw(st.integers(0, left))
        left -= counts[name]
    left = abandoned
    for name in ABANDONED_WAIT:
        counts[name] = draw(st.integers(0, left))
        left -= counts[name]
    counts["completed"] = draw(st.integers(0, answered))
    counts["transferred"] = draw(st.integers(0, counts["completed"]))
    counts["queued"] = draw(st.integers(0, offered))
    counts["wait_answered_sum"] = draw(st.integers(0, 300)) * answered
    counts["talk_sum"] = draw(st.integers(0, 900)) * counts["completed"]
    return dict(counts)


queue_counts = st.composite(_queue_counts)


@given(queue_counts(), st.sampled_from([5, 10, 20, 30]), st.sampled_from([3, 5, 10]))
def test_rates_stay_within_zero_and_one(counts: dict[str, int], sl: int, short: int):
    rules = Rules(service_level_seconds=sl, short_abandon_seconds=short)
    values = ind.compute(Totals(queue=counts), rules)
    for code, value in values.items():
        if value is not None and BY_CODE[code].unit is Unit.RATE:
            assert 0 <= value <= 1, (code, value)


@given(st.lists(queue_counts(), min_size=1, max_size=8))
def test_totals_add_up_across_intervals(intervals: list[dict[str, int]]):
    """The period's counts are the sums of its intervals', and so are the indicators made
    from them: service level of the day is its answered-in-time over its offered, not the
    mean of the intervals' service levels."""
    day: Counter[str] = Counter()
    for counts in intervals:
        day.update(counts)
    values = ind.compute(Totals(queue=dict(day)))
    assert values["offered"] == sum(counts["offered"] for counts in intervals)
    answered = sum(counts["answered"] for counts in intervals)
    assert values["answered"] == answered
    counted = sum(
        counts["offered"] - sum(counts[f"abandoned_wait_{t}"] for t in (3, 5, 10, 15, 20))
        for counts in intervals
    )
    within = sum(counts[f"answered_wait_{t}"] for t in (3, 5, 10, 15, 20) for counts in intervals)
    expected = within / counted if counted else None
    assert values["service_level"] == (pytest.approx(expected) if expected is not None else None)


def test_counter_names_are_the_roll_up_columns():
    used = {"offered", "answered", "abandoned", "completed", "talk_sum", "wait_sum"}
    assert used <= set(QUEUE_COUNTERS)
    assert {"login_sum", "pause_sum", "acw_sum", "acw_count"} <= set(AGENT_COUNTERS)


# The seed's definitions, each checked against the words it follows -------------------


def test_short_abandons_are_20_seconds_or_less_by_default_002_7():
    """002 第7篇 呼叫放弃率: "“短时放弃”按通常标准是20秒或者更少". The default is 20 s, and
    a caller who hung up after exactly 20 s is a short abandon; after 21 s is not."""
    from kefu.metrics.models import CentreRules
    from kefu.telephony import calls

    assert Rules().short_abandon_seconds == 20
    assert CentreRules._meta.get_field("short_abandon_seconds").default == 20
    total: calls.Contribution = {}
    for number, wait in enumerate((20, 21)):
        call = calls.Call(call_id=f"c{number}", queue="q", entered_at=0)
        call.outcome, call.wait, call.ended_at = calls.Outcome.ABANDONED, wait, wait
        calls.contribute(call, total)
    queue = Totals(queue=dict(total[("queue", (0, "q"))]))
    assert ind.short_abandoned(queue, Rules()) == 1
    assert ind.abandon_rate(queue, Rules()) == 1.0  # the 21 s one, of the one counted


def test_cost_per_call_divides_by_every_call_received_002_7():
    """002 第7篇 平均单呼成本: "等于某段时间内中心所花的全部费用除以这段时间中中心所接听的
    所有电话数…不管是由业务员接听的,还是由技术系统接听的": all calls that reached the
    centre (answered or abandoned), not the agent-answered ones."""
    totals = Totals(queue={"offered": 400, "answered": 300, "abandoned": 100}, cost=1_200.0)
    assert ind.cost_per_call(totals, RULES) == pytest.approx(3.0)
    formula = str(BY_CODE["cost_per_call"].formula)
    assert "IVR" in formula  # the definition says what the telephone data cannot see


def test_handling_time_is_talk_plus_after_call_work_002_7():
    """002 第7篇 平均通话时间: "指谈话时间和事后处理时间的总和". Hold is not added; the
    variant with hold is a figure of its own, under a name of its own."""
    agent = {**AGENT, "hold_sum": 1_560}  # 20 s of hold a call
    totals = Totals(agent=agent)
    assert ind.aht_seconds(totals, RULES) == pytest.approx((14_040 + 2_340) / 78)
    assert ind.aht_with_hold_seconds(totals, RULES) == pytest.approx((14_040 + 1_560 + 2_340) / 78)
    assert BY_CODE["aht_seconds"].seed_term == "平均通话时间"
    assert str(BY_CODE["aht_seconds"].name) != str(BY_CODE["aht_with_hold_seconds"].name)


def test_first_contact_resolution_is_settled_and_not_repeated_002_7():
    """002 第7篇 一次性解决问题的呼叫率: "不需要呼叫者再呼、也不需要业务员回呼就将问题解决了
    的电话的百分数": settled on the contact (no work order, no callback) and not repeated."""
    totals = Totals(contacts=10, contacts_settled=8, contacts_resolved=6)
    assert ind.fcr(totals, RULES) == pytest.approx(0.6)
    assert ind.settled_rate(totals, RULES) == pytest.approx(0.8)


def test_a_scope_with_agents_reads_conversations_from_the_agent_roll_ups():
    """One computation for every scope: an agent's or team's report has no queue counters,
    and its talk time and transfers are still there, the same as in the centre's rows."""
    only_agents = Totals(agent=AGENT)
    assert ind.avg_talk_seconds(only_agents, RULES) == pytest.approx(180)
    assert ind.transfer_rate(only_agents, RULES) == pytest.approx(0.05)
    assert ind.answered(only_agents, RULES) == 80


def test_repeat_counts_follow_the_caller_on_the_same_reason_within_the_window() -> None:
    """重复来电 (002 第7篇 一次性解决问题的呼叫率, "不需要呼叫者再呼"): a contact is a repeat's
    first when the same customer, or the same number, calls again later on the same reason
    within the window; the contacts after the period count as the later calls only."""
    import datetime as dt

    from kefu.metrics.indicators import repeat_counts

    t0 = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    start, end, window = t0, t0 + dt.timedelta(days=7), dt.timedelta(days=7)
    hour = dt.timedelta(hours=1)
    rows = [
        (1, "13800000001", 10, t0, True),  # followed by customer 1 on reason 10: repeat
        (1, "", 10, t0 + hour, False),  # followed by nothing later on 10 for customer 1
        (None, "13900000002", 10, t0, True),  # no customer: the number calls again
        (None, "13900000002", 10, t0 + 2 * hour, False),
        (2, "", 10, t0, True),  # same instant is not later
        (2, "", 10, t0, False),
        (3, "", 10, t0, True),  # a different reason is not a repeat
        (3, "", 11, t0 + hour, True),
        (4, "", 10, t0, True),  # exactly at the window's end still counts
        (4, "", 10, t0 + window, True),  # (and lies after the period: not counted itself)
        (5, "", 10, t0 + dt.timedelta(days=6), False),  # followed after the period ends
        (5, "", 10, t0 + dt.timedelta(days=8), False),
        (6, "", 10, t0, True),  # beyond the window
        (6, "", 10, t0 + window + dt.timedelta(seconds=1), True),
    ]
    repeated, settled = repeat_counts(rows, start, end, window)
    # Repeats: customer 1's first, the number's first, customer 4's first, customer 5's first.
    assert (repeated, settled) == (4, 3)
    assert repeat_counts([], start, end, window) == (0, 0)
