"""The demo centre's telephone history: 60 days of simulated queue_log, imported as a
platform's file would be."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from itertools import takewhile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from kefu.core.demo_content import mobile_number
from kefu.core.models import OrgUnit, User
from kefu.customers.models import CustomerPhone
from kefu.telephony import queries, services, simulator
from kefu.telephony.calls import Outcome
from kefu.telephony.models import Call as CallRow
from kefu.telephony.models import Queue
from kefu.telephony.queue_log import QueueEvent

# (platform name, title): what a 95598 centre's ACD routes to.
QUEUES = [
    ("power-billing", "电费电价"),
    ("power-fault", "故障报修"),
    ("power-business", "业务办理"),
]
SEED = 95598


def demo_queues(centre: OrgUnit) -> list[Queue]:
    """The demo centre's queues, made once."""
    return [
        Queue.objects.get_or_create(centre=centre, name=name, defaults={"title": title})[0]
        for name, title in QUEUES
    ]


def load_telephony(
    centre: OrgUnit,
    agents: list[User],
    *,
    days: int = 60,
    shifts: Sequence[simulator.PlannedShift] = (),
    live_feed: str | None = None,
    calls_per_day: int | None = None,
) -> int:
    """Simulate and import the `days` days before today and today up to now, as a platform
    would have logged them (calls still in progress are offered and nothing else);
    idempotent (a centre whose queues have calls keeps its history). The agents keep the
    rota's `shifts` on the days it covers; `live_feed` is the worker's minute feed (by
    default this module's); `calls_per_day`, a working day's calls (by default the
    simulator's for as many agents). Returns the calls imported."""
    # The workforce demo makes the queues first (its staff members' skills), before any call.
    if CallRow.objects.filter(queue__centre=centre).exists() or not agents or days <= 0:
        return 0
    demo_queues(centre)
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    # The centre's customers call from their numbers; as many callers again are not on
    # file (new customers, neighbours, passers-by who report a fault).
    callers = list(
        CustomerPhone.objects.filter(customer__centre=centre, position=0).values_list(
            "number", flat=True
        )
    )
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    callers += [mobile_number(rng) for _ in range(max(len(callers), 1000))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queue_log"
        now = time.time()
        lines = simulator.simulate(
            start=today - dt.timedelta(days=days),
            days=days + 1,
            queues=[name for name, _ in QUEUES],
            agents=[f"Agent/{agent.username}" for agent in agents],
            tz=zone,
            seed=SEED,
            caller_numbers=callers,
            shifts=shifts,
            calls_per_day=calls_per_day,
        )
        with path.open("w", encoding="utf-8") as out:
            # The lines come in time order: today's stop at this moment.
            out.writelines(takewhile(lambda line: int(line.split("|", 1)[0]) <= now, lines))
        report = services.telephony_import(centre=centre, path=path)
    live_schedule(centre, func=live_feed or LIVE_FEED)
    return report.calls


# -- live calls ------------------------------------------------------------------------------

LIVE_FEED = "kefu.telephony.demo.live_feed"
LIVE_WINDOW = 60  # seconds of calls each run of the feed adds: the worker runs it each minute
ABANDON_AFTER = 90  # a demo caller waits this long at most
PAUSE_SECONDS = 300


def live_schedule(centre: OrgUnit, *, func: str = LIVE_FEED) -> None:
    """The worker plays the demo centre's telephone platform every minute from now on, so
    the wallboard is alive after `make run`. Only a centre the demo loaded gets it."""
    from django_q.models import Schedule

    Schedule.objects.get_or_create(
        func=func,
        args=str(centre.pk),
        defaults={
            "name": f"kefu: demo live calls ({centre.code})",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )


def _talk_seconds(call_id: str) -> int:
    """How long a demo call lasts, the same in every run (a stable hash of its id)."""
    return 60 + zlib.crc32(call_id.encode()) % 420


def live_feed(
    centre_id: int,
    *,
    now: float | None = None,
    window: int = LIVE_WINDOW,
    on_duty: Mapping[str, str] | None = None,
    calls_per_day: int | None = None,
) -> int:
    """The last `window` seconds of the demo centre's calls, as its platform would push
    them: callers arriving at the hour's usual rate, waiting callers answered by free
    agents (or hanging up after a while), conversations ending, agents taking short breaks.
    Read from what is stored, so runs continue each other; returns the events fed.

    With a rota, `on_duty` names the agents whose shift runs now, each with the break
    they are on ("" for none): they log in, the others log off once free, and an agent
    takes their break when it is due. Without one, the day shift signs in as before.
    `calls_per_day` is a working day's calls (by default the simulator's for the agents)."""
    centre = OrgUnit.objects.get(pk=centre_id)
    now = time.time() if now is None else now
    start = now - window
    rng = random.Random(int(now))  # noqa: S311 - demo traffic, nothing secret
    queues = list(Queue.objects.filter(centre=centre).values_list("name", flat=True))
    if not queues:
        return 0
    moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    live = queries.live_state(centre, moment)
    free = [agent.name for agent in live.agents if agent.state is queries.AgentState.AVAILABLE]
    rng.shuffle(free)
    events: list[QueueEvent] = []

    def add(at: float, call_id: str, queue: str, agent: str, name: str, *data: str) -> None:
        events.append(QueueEvent(min(at, now), call_id, queue, agent, name, data))

    hour = timezone.localtime(moment).hour
    logged_in = [agent for agent in live.agents if agent.state is not queries.AgentState.LOGGED_OFF]
    if on_duty is not None:
        _follow_rota(live.agents, on_duty, queues, free, add, start)
    elif 8 <= hour < 20 and len(logged_in) < len(live.agents) // 2:
        for agent in live.agents:  # the day shift signs in
            if agent.state is queries.AgentState.LOGGED_OFF:
                for queue in queues:
                    add(start, "", queue, agent.name, "ADDMEMBER")
                free.append(agent.name)
    for agent in live.agents:  # breaks end after five minutes, after-call work at once
        since = agent.since.timestamp() if agent.since else start
        if on_duty is not None and on_duty.get(agent.name):
            continue  # on the rota's break: it ends with the break
        if agent.state is queries.AgentState.ACW or (
            agent.state is queries.AgentState.PAUSED and now - since >= PAUSE_SECONDS
        ):
            add(max(start, since + 1), "", "", agent.name, "UNPAUSEALL")
    in_progress = CallRow.objects.filter(
        queue__centre=centre,
        ended_at__isnull=True,
        entered_at__gte=moment - queries.LIVE_CALL_HORIZON,
    ).values_list("call_id", "queue__name", "outcome", "entered_at", "connected_at", "agent__name")
    waiting = []
    for call_id, queue, outcome, entered_at, connected, agent_name in in_progress:
        if outcome == Outcome.ANSWERED and connected is not None:
            ends = connected.timestamp() + _talk_seconds(call_id)
            if ends <= now:
                wait = int((connected - entered_at).total_seconds())
                talk = _talk_seconds(call_id)
                add(max(ends, start), call_id, queue, agent_name or "", "COMPLETECALLER",
                    str(wait), str(talk), "1")  # fmt: skip
                free.append(agent_name or "")
        elif outcome == Outcome.QUEUED:
            waiting.append((entered_at.timestamp(), call_id, queue))
    per_day = calls_per_day or simulator.default_calls_per_day(max(1, len(live.agents)))
    rate = per_day * simulator.HOURLY_PROFILE[hour] / sum(simulator.HOURLY_PROFILE) / 3600
    callers = list(
        CustomerPhone.objects.filter(customer__centre=centre, position=0).values_list(
            "number", flat=True
        )[:500]
    ) or ["13800000000"]
    at = start + rng.expovariate(rate) if rate > 0 else now + 1
    while at < now:
        call_id = f"demo-{int(at)}.{rng.randrange(1000)}"
        queue = rng.choice(queues)
        add(at, call_id, queue, "", "ENTERQUEUE", "", rng.choice(callers), "1")
        waiting.append((at, call_id, queue))
        at += rng.expovariate(rate)
    for entered, call_id, queue in sorted(waiting):
        free = [name for name in free if name]
        if free:
            agent_name = free.pop()
            answered = max(entered + rng.uniform(3, 25), start)
            add(answered, call_id, queue, agent_name, "CONNECT",
                str(int(answered - entered)), f"{call_id}.1", "3")  # fmt: skip
        elif now - entered >= ABANDON_AFTER:
            gave_up = max(entered + ABANDON_AFTER, start)
            add(gave_up, call_id, queue, "", "ABANDON", "1", "1", str(int(gave_up - entered)))
    for name in free[: max(0, len(free) // 10)]:  # one in ten free agents takes a break
        if rng.random() < 0.3:
            add(start + rng.uniform(0, window), "", "", name, "PAUSEALL", rng.choice(REASONS))
    events.sort(key=lambda event: event.time)
    services.telephony_events_post(centre=centre, events=events)
    return len(events)


REASONS = ("休息", "培训", "会议")


def _follow_rota(
    agents: Sequence[Any],
    on_duty: Mapping[str, str],
    queues: list[str],
    free: list[str],
    add: Callable[..., None],
    start: float,
) -> None:
    """Agents whose shift runs log in; those on a break pause for it; the others log off
    once they are not in a call."""
    state = queries.AgentState
    for agent in agents:
        duty = agent.name in on_duty
        on_break = on_duty.get(agent.name, "")
        if duty and agent.state is state.LOGGED_OFF:
            for queue in queues:
                add(start, "", queue, agent.name, "ADDMEMBER")
            if on_break:
                add(start + 1, "", "", agent.name, "PAUSEALL", on_break)
            else:
                free.append(agent.name)
        elif duty and on_break and agent.state is state.AVAILABLE:
            add(start, "", "", agent.name, "PAUSEALL", on_break)
            if agent.name in free:
                free.remove(agent.name)
        elif not duty and agent.state in (state.AVAILABLE, state.PAUSED, state.ACW):
            for queue in queues:
                add(start, "", queue, agent.name, "REMOVEMEMBER")
            if agent.name in free:
                free.remove(agent.name)
        elif (
            duty
            and not on_break
            and agent.state is state.PAUSED
            and agent.reason
            in (
                "LUNCH",
                "BREAK",
            )
        ):
            add(start, "", "", agent.name, "UNPAUSEALL")
