"""The centre's indicators as pure functions of summed counters.

Each function takes the totals of a period (the roll-up counters of `kefu.telephony.calls`
summed over its intervals, and the service figures of contacts and work orders) and returns
the indicator, or None when the data it needs is missing: a report shows "not available"
for None, never zero. Rates are fractions (0.8, not 80).

The queue-call conventions (offered at ENTERQUEUE and counted in the interval of entry,
answered at CONNECT, abandoned at ABANDON, exited at EXITWITHTIMEOUT / EXITWITHKEY /
EXITEMPTY, short abandons) are those written in `calls`.

One computation for every scope. A report for the centre, a queue, a team or an agent, and
each row of its breakdowns, is `compute` over the same kind of `Totals`, so a figure means the
same thing wherever it is shown. Figures about conversations (talk, hold, after-call work,
transfers) are read from the agent roll-ups wherever the scope has agents (centre, team,
agent), so a centre's figure is exactly its agents' together; a queue's come from the queue
roll-ups, since agent time is not split by queue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# The repeat rule is contacts' (the contact's mark uses it too); kept importable here.
from kefu.contacts.repeats import RepeatRow as RepeatRow
from kefu.contacts.repeats import repeat_counts as repeat_counts
from kefu.telephony.intervals import WAIT_THRESHOLDS


@dataclass(frozen=True)
class Rules:
    """What a centre decides about how its figures are counted."""

    service_level_seconds: int = 20  # the Y of "X % answered in Y s" (002 第7篇 服务水平)
    # 002 第7篇 呼叫放弃率: "“短时放弃”按通常标准是20秒或者更少": callers who hang up
    # within it are left out of the abandonment rate and the service level.
    short_abandon_seconds: int = 20
    # A ring is one cycle of China's ringback tone: 1 s on, 4 s off.
    ring_cycle_seconds: float = 5.0
    fcr_window_days: int = 7  # a repeat contact on the same reason within it is not FCR

    def __post_init__(self) -> None:
        for name in ("service_level_seconds", "short_abandon_seconds"):
            if getattr(self, name) not in WAIT_THRESHOLDS:
                allowed = ", ".join(str(t) for t in WAIT_THRESHOLDS)
                raise ValueError(f"{name} must be one of {allowed}")


@dataclass(frozen=True)
class Totals:
    """One period's inputs. `queue` and `agent` are summed roll-up counters; the rest come
    from outside the telephone platform and are None when the centre does not have them."""

    queue: Mapping[str, int] = field(default_factory=dict)
    agent: Mapping[str, int] = field(default_factory=dict)
    # contacts and work orders
    contacts: int | None = None
    contacts_settled: int | None = None  # settled on contact, by the agent's coding
    contacts_resolved: int | None = None  # of those, not followed by a repeat in the window
    contacts_with_reason: int | None = None
    contacts_repeated: int | None = None  # followed by another on the same reason in the window
    complaints: int | None = None
    customers: int | None = None
    escalated_complaints: int | None = None
    stage_completions: int | None = None  # stages ended in the period
    stage_overdue: int | None = None  # of those, ended past their limit
    returns: int | None = None  # results returned by departments
    rejects: int | None = None  # of those, sent back at verification
    closed: int | None = None
    reopened: int | None = None
    callbacks: int | None = None
    callbacks_satisfied: int | None = None
    # workforce, quality and cost, when the centre records them
    scheduled_seconds: int | None = None
    # of those, logged in and ready within the planned time (kefu.workforce.attendance)
    ready_seconds: int | None = None
    scheduled_agents: int | None = None
    present_agents: int | None = None
    blocked: int | None = None
    cost: float | None = None
    monitoring_scores: tuple[float, ...] = ()
    headcount: int | None = None
    leavers: int | None = None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator or denominator <= 0:
        return None
    return numerator / denominator


def _q(totals: Totals, name: str) -> int:
    return int(totals.queue.get(name, 0))


def _a(totals: Totals, name: str) -> int:
    return int(totals.agent.get(name, 0))


def _talk(totals: Totals, name: str) -> int:
    """A conversation counter (completed, talk_sum, hold_sum, acw_sum, transferred, answered)
    from the agent roll-ups when the scope has agents, else from the queue's."""
    source = totals.agent if totals.agent else totals.queue
    return int(source.get(name, 0))


def answered_within(totals: Totals, seconds: int) -> int:
    """Answered calls that waited at most `seconds` (the sum of the wait buckets to it)."""
    return sum(_q(totals, f"answered_wait_{t}") for t in WAIT_THRESHOLDS if t <= seconds)


def abandoned_within(totals: Totals, seconds: int) -> int:
    """Abandoned calls that waited `seconds` or less (the sum of the wait buckets to it)."""
    return sum(_q(totals, f"abandoned_wait_{t}") for t in WAIT_THRESHOLDS if t <= seconds)


def offered(t: Totals, r: Rules) -> float | None:
    """总呼叫量: calls that entered a queue (blocked calls added when the carrier reports
    them). None when there is no telephony data at all."""
    if not t.queue:
        return None
    return _q(t, "offered") + (t.blocked or 0)


def answered(t: Totals, r: Rules) -> float | None:
    """Calls connected to an agent: the queue's count, or the agents' for a team or agent."""
    if t.queue:
        return _q(t, "answered")
    return _a(t, "answered") if t.agent else None


def abandoned(t: Totals, r: Rules) -> float | None:
    """Calls whose caller hung up while queued, short abandons included."""
    return _q(t, "abandoned") if t.queue else None


def short_abandoned(t: Totals, r: Rules) -> float | None:
    """短时放弃: abandoned after a wait of the short-abandon threshold or less (002 第7篇:
    "“短时放弃”按通常标准是20秒或者更少")."""
    return abandoned_within(t, r.short_abandon_seconds) if t.queue else None


def exited(t: Totals, r: Rules) -> float | None:
    """Left the queue on timeout, by key or because it was empty."""
    if not t.queue:
        return None
    return sum(
        _q(t, name) for name in ("exited_timeout", "exited_key", "exited_empty", "exited_withdrawn")
    )


def _counted(t: Totals, r: Rules) -> int:
    return _q(t, "offered") - abandoned_within(t, r.short_abandon_seconds)


def service_level(t: Totals, r: Rules) -> float | None:
    """服务水平: answered with a wait of at most T s ÷ (offered − short abandons)."""
    return _ratio(answered_within(t, r.service_level_seconds), _counted(t, r))


def service_level_answered(t: Totals, r: Rules) -> float | None:
    """The same numerator ÷ answered calls (the figure Asterisk itself reports)."""
    return _ratio(answered_within(t, r.service_level_seconds), _q(t, "answered"))


def abandon_rate(t: Totals, r: Rules) -> float | None:
    """呼叫放弃率: (abandoned − short abandons) ÷ (offered − short abandons)."""
    short = abandoned_within(t, r.short_abandon_seconds)
    return _ratio(_q(t, "abandoned") - short, _counted(t, r))


def answered_rate(t: Totals, r: Rules) -> float | None:
    """接通率: answered ÷ offered."""
    return _ratio(_q(t, "answered"), _q(t, "offered"))


def asa_seconds(t: Totals, r: Rules) -> float | None:
    """平均应答速度: mean queue wait of answered calls."""
    return _ratio(_q(t, "wait_answered_sum"), _q(t, "answered"))


def avg_abandon_seconds(t: Totals, r: Rules) -> float | None:
    """平均放弃时间: mean wait of all abandoned calls."""
    return _ratio(_q(t, "wait_abandoned_sum"), _q(t, "abandoned"))


def avg_queue_seconds(t: Totals, r: Rules) -> float | None:
    """平均排队时间: mean wait of every call that left the queue, however it left."""
    left = _q(t, "answered") + _q(t, "abandoned") + (exited(t, r) or 0)
    return _ratio(_q(t, "wait_sum"), left)


def queued_rate(t: Totals, r: Rules) -> float | None:
    """队列放置率: calls that had to wait (one second or more) ÷ offered."""
    return _ratio(_q(t, "queued"), _q(t, "offered"))


def avg_talk_seconds(t: Totals, r: Rules) -> float | None:
    """平均交谈时间 (002 第7篇): mean talk time of completed calls."""
    return _ratio(_talk(t, "talk_sum"), _talk(t, "completed"))


def transfer_rate(t: Totals, r: Rules) -> float | None:
    """转接呼叫率 (002 第7篇): transferred ÷ answered."""
    return _ratio(_talk(t, "transferred"), _talk(t, "answered"))


def avg_rings(t: Totals, r: Rules) -> float | None:
    """平均振铃次数: the mean ring time before an answer, in ring cycles."""
    mean = _ratio(_q(t, "ring_sum"), _q(t, "ring_count"))
    return None if mean is None else mean / r.ring_cycle_seconds


def avg_hold_seconds(t: Totals, r: Rules) -> float | None:
    """平均持线时间: mean hold per call, where the platform reports hold (call records). A
    queue's own figure: the agent roll-ups do not count the calls that reported hold."""
    return _ratio(_q(t, "hold_sum"), _q(t, "hold_count"))


def acw_seconds(t: Totals, r: Rules) -> float | None:
    """事后处理时间: after-call work per completed call: pauses the platform marks as
    wrap-up, or the records' own figure. None when neither was recorded."""
    if not _a(t, "acw_count"):
        return None
    return _ratio(_a(t, "acw_sum"), _a(t, "completed"))


def aht_seconds(t: Totals, r: Rules) -> float | None:
    """平均通话时间 (002 第7篇: "指谈话时间和事后处理时间的总和"): (talk + after-call work)
    ÷ completed calls, hold not added. None without after-call work, which would make it
    look shorter than it is."""
    if not _a(t, "acw_count"):
        return None
    return _ratio(_a(t, "talk_sum") + _a(t, "acw_sum"), _a(t, "completed"))


def aht_with_hold_seconds(t: Totals, r: Rules) -> float | None:
    """含持线的平均处理时长: the industry's variant, (talk + hold + after-call work) ÷
    completed calls; named apart from the seed's 平均通话时间."""
    if not _a(t, "acw_count"):
        return None
    work = _a(t, "talk_sum") + _a(t, "hold_sum") + _a(t, "acw_sum")
    return _ratio(work, _a(t, "completed"))


def calls_per_agent_hour(t: Totals, r: Rules) -> float | None:
    """每小时呼叫次数: calls answered ÷ hours logged in."""
    return _ratio(_a(t, "answered"), _a(t, "login_sum") / 3600)


def occupancy(t: Totals, r: Rules) -> float | None:
    """占线率: (talk + hold) ÷ (talk + hold + idle), where idle is logged-in time not
    talking, holding, paused or in after-call work: so (talk + hold) ÷ (login − pauses)."""
    busy = _a(t, "talk_sum") + _a(t, "hold_sum")
    available = _a(t, "login_sum") - _a(t, "pause_sum") - _a(t, "acw_sum")
    if available <= 0:
        return None
    return min(1.0, busy / available)


def adherence(t: Totals, r: Rules) -> float | None:
    """实际工作率 (002 第7篇: "值机员联入系统准备回答电话的实际时间除以值机员按照计划应当回答
    电话的总时间"): time logged in ready to answer ÷ the time the rota planned on the
    phones. The ready time is counted inside the planned time (`ready_seconds`, from the
    rota and the agents' stretches); without it, the roll-ups' logged-in time less pauses."""
    if t.scheduled_seconds is None:
        return None
    if t.ready_seconds is not None:
        return _ratio(t.ready_seconds, t.scheduled_seconds)
    ready = _a(t, "login_sum") - _a(t, "pause_sum")
    return _ratio(ready, t.scheduled_seconds)


def attendance(t: Totals, r: Rules) -> float | None:
    """出勤率: agents who worked ÷ agents the rota planned."""
    return _ratio(t.present_agents, t.scheduled_agents)


def blocked_rate(t: Totals, r: Rules) -> float | None:
    """忙音率: calls refused with busy before reaching the ACD ÷ all calls attempted."""
    if t.blocked is None:
        return None
    return _ratio(t.blocked, _q(t, "offered") + t.blocked)


def cost_per_call(t: Totals, r: Rules) -> float | None:
    """平均单呼成本 (002 第7篇): the centre's whole cost in the period ÷ all calls it
    received, "不管是由业务员接听的,还是由技术系统接听的": every call that entered a queue,
    answered or abandoned. Calls that ended in the IVR without queueing are not in the
    telephone data, so they cannot be counted."""
    return _ratio(t.cost, _q(t, "offered"))


def monitoring_score(t: Totals, r: Rules) -> float | None:
    """监听分值: mean QA score of the calls listened to."""
    if not t.monitoring_scores:
        return None
    return sum(t.monitoring_scores) / len(t.monitoring_scores)


def turnover(t: Totals, r: Rules) -> float | None:
    """员工流失率, the seed's 值机员流动率 (002 第7篇: "一月、一季或一年中离开中心的业务员人数在
    全时工作总人数中的比例"): agents who left in the period ÷ agents on the books in it."""
    return _ratio(t.leavers, t.headcount)


def fcr(t: Totals, r: Rules) -> float | None:
    """一次解决率, the seed's 一次性解决问题的呼叫率 (002 第7篇: "不需要呼叫者再呼、也不需要
    业务员回呼就将问题解决了的电话的百分数"): contacts settled on the contact (no work order,
    so nobody calls back) and not followed by a repeat within the window ÷ contacts."""
    return _ratio(t.contacts_resolved, t.contacts)


def settled_rate(t: Totals, r: Rules) -> float | None:
    """即时办结率: contacts the agent settled on the contact ÷ contacts."""
    return _ratio(t.contacts_settled, t.contacts)


def repeat_contact_rate(t: Totals, r: Rules) -> float | None:
    """重复来电率: contacts with a call reason followed by another from the same caller on
    the same reason within the window ÷ contacts with a call reason."""
    return _ratio(t.contacts_repeated, t.contacts_with_reason)


def complaints_per_10k(t: Totals, r: Rules) -> float | None:
    """万客户投诉量: complaint work orders ÷ customers × 10,000."""
    value = _ratio(t.complaints, t.customers)
    return None if value is None else value * 10_000


def escalated_complaints(t: Totals, r: Rules) -> float | None:
    """升级投诉 / 越级投诉: orders the customer took above the centre in the period (an
    escalation from an outside source; not the third urge, not a raise inside the centre)."""
    return t.escalated_complaints


def on_time_rate(t: Totals, r: Rules) -> float | None:
    """时限内完成率: work-order stages ended in the period within their limit ÷ ended."""
    if t.stage_completions is None or t.stage_overdue is None:
        return None
    return _ratio(t.stage_completions - t.stage_overdue, t.stage_completions)


def rework_rate(t: Totals, r: Rules) -> float | None:
    """退单重办率: results sent back at verification ÷ results returned."""
    return _ratio(t.rejects, t.returns)


def reopen_rate(t: Totals, r: Rules) -> float | None:
    """重办率: orders reopened after an unsatisfied callback ÷ orders closed (by any
    step that closes one, not only the back office's close)."""
    return _ratio(t.reopened, t.closed)


def callback_satisfaction(t: Totals, r: Rules) -> float | None:
    """回访满意率: callbacks where the customer was satisfied ÷ callbacks."""
    return _ratio(t.callbacks_satisfied, t.callbacks)


Indicator = Callable[[Totals, Rules], float | None]

# Every indicator by its code, in the order reports list them.
INDICATORS: dict[str, Indicator] = {
    function.__name__: function
    for function in (
        offered,
        answered,
        abandoned,
        short_abandoned,
        exited,
        service_level,
        service_level_answered,
        asa_seconds,
        abandon_rate,
        avg_abandon_seconds,
        avg_talk_seconds,
        transfer_rate,
        answered_rate,
        avg_queue_seconds,
        queued_rate,
        avg_rings,
        avg_hold_seconds,
        acw_seconds,
        aht_seconds,
        aht_with_hold_seconds,
        calls_per_agent_hour,
        occupancy,
        adherence,
        attendance,
        blocked_rate,
        cost_per_call,
        monitoring_score,
        turnover,
        fcr,
        settled_rate,
        repeat_contact_rate,
        complaints_per_10k,
        escalated_complaints,
        on_time_rate,
        rework_rate,
        reopen_rate,
        callback_satisfaction,
    )
}


def compute(totals: Totals, rules: Rules | None = None) -> dict[str, float | None]:
    rules = rules or Rules()
    return {code: function(totals, rules) for code, function in INDICATORS.items()}
