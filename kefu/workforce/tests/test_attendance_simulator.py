"""The simulated agents follow the rota (issue 17 point 7): they log in for their shifts,
pause for their breaks and log off at their ends, with a little lateness and early leaving;
a day the rota does not cover keeps the simulator's own day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.telephony import queries, simulator
from kefu.telephony.models import Queue
from kefu.telephony.services import telephony_import
from kefu.workforce import live
from kefu.workforce.models import RotaStatus
from kefu.workforce.queries.attendance import attendance_of, simulator_shifts
from kefu.workforce.tests import attendance_data as data

DAY = dt.date(2026, 11, 18)  # a Wednesday
AGENTS = [f"Agent/{1001 + i}" for i in range(20)]


def _shifts(day: dt.date) -> list[simulator.PlannedShift]:
    """Half the agents 08:00–17:00 with lunch 11:30–12:30, half 13:00–22:00 with a
    break 17:00–17:15; none on the evening shift's first agent (a day off)."""
    result = []
    for index, name in enumerate(AGENTS[1:], start=1):
        if index % 2:
            start, end, brk, reason = (8, 0), (17, 0), ((11, 30), (12, 30)), "LUNCH"
        else:
            start, end, brk, reason = (13, 0), (22, 0), ((17, 0), (17, 15)), "BREAK"
        result.append(
            simulator.PlannedShift(
                agent=name,
                start=int(data.at(day, *start).timestamp()),
                end=int(data.at(day, *end).timestamp()),
                breaks=(
                    (
                        int(data.at(day, *brk[0]).timestamp()),
                        int(data.at(day, *brk[1]).timestamp()),
                        reason,
                    ),
                ),
            )
        )
    return result


def _events(lines: list[str]) -> dict[str, list[tuple[int, str, str]]]:
    by_agent: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for line in lines:
        at, _call, _queue, agent, event, data_ = line.rstrip("\n").split("|", 5)
        if event in ("ADDMEMBER", "REMOVEMEMBER", "PAUSEALL") and agent != "NONE":
            by_agent[agent].append((int(at), event, data_))
    return by_agent


def test_the_agents_keep_their_shifts_and_a_day_without_rota_is_as_before() -> None:
    shifts = _shifts(DAY)
    lines = list(
        simulator.simulate(
            start=DAY,
            days=2,
            queues=["hotline", "billing"],
            agents=AGENTS,
            tz=data.TZ,
            seed=3,
            calls_per_day=600,
            shifts=shifts,
        )
    )
    midnight = int(data.at(DAY + dt.timedelta(days=1), 0).timestamp())
    first_day = _events([line for line in lines if int(line.split("|")[0]) < midnight])
    assert AGENTS[0] not in first_day  # no shift: does not come in
    late = early = absent = 0
    for shift in shifts:
        events = first_day.get(shift.agent, [])
        logins = [at for at, event, _ in events if event == "ADDMEMBER"]
        if not logins:
            absent += 1
            continue
        login = min(logins)
        logout = max(at for at, event, _ in events if event == "REMOVEMEMBER")
        # In up to ten minutes early or up to twenty late; out by the end or a little after.
        assert shift.start - 600 <= login <= shift.start + 20 * 60
        assert shift.end - 30 * 60 <= logout <= shift.end + 60 * 60
        late += login > shift.start
        early += logout < shift.end
        pauses = [(at, reason) for at, event, reason in events if event == "PAUSEALL"]
        brk_start, _brk_end, reason = shift.breaks[0]
        assert any(reason == r and brk_start <= at <= brk_start + 3600 for at, r in pauses)
    assert absent <= 3 and late <= 6 and early <= 5
    # The second day has no rota: the simulator's own shifts, its early shift from 08:00.
    second_day = _events([line for line in lines if int(line.split("|")[0]) >= midnight])
    assert len(second_day) >= len(AGENTS) // 2
    assert any(
        event == "ADDMEMBER" and at < midnight + 8 * 3600
        for events in second_day.values()
        for at, event, _ in events
    )


@pytest.mark.django_db
def test_the_demo_rota_feeds_the_simulator_and_attendance_reads_it_back(
    centre: OrgUnit, make_user: Callable[..., User], tmp_path: Path
) -> None:
    """The chain the demo runs: shifts in a published rota → the simulator → the queue_log
    imported → attendance against the same shifts (002 第7篇 出勤率, 实际工作率)."""
    plan = data.rota(centre, DAY, DAY)
    names = []
    for index in range(8):
        user = make_user("agent", username=f"{2001 + index}", full_name=f"坐席{index}")
        staff = data.member(centre, user)
        start, end = ((8, 0), (17, 0)) if index % 2 else ((12, 0), (21, 0))
        lunch = ((11, 30), (12, 30)) if index % 2 else ((17, 0), (18, 0))
        data.shift(plan, staff, DAY, start, end, [lunch])
        names.append(f"Agent/{user.username}")
    shifts = simulator_shifts(centre, DAY, DAY)
    assert len(shifts) == 8 and all(len(s.breaks) == 1 for s in shifts)
    assert shifts[0].breaks[0][2] == "LUNCH"
    path = tmp_path / "queue_log"
    simulator.write(
        path,
        start=DAY,
        days=1,
        queues=["hotline"],
        agents=names,
        tz=data.TZ,
        seed=5,
        calls_per_day=300,
        shifts=shifts,
    )
    telephony_import(centre=centre, path=path)
    people, total, grace = attendance_of(
        centre, DAY, DAY, now=data.at(DAY + dt.timedelta(days=1), 6)
    )
    assert grace == 5 and len(people) == 8
    assert total.scheduled_agents == 8
    assert total.attendance is not None and total.attendance >= 0.75
    assert total.adherence is not None and 0.6 <= total.adherence <= 1


@pytest.mark.django_db
def test_the_live_feed_keeps_the_rota_of_today(
    centre: OrgUnit, make_user: Callable[..., User]
) -> None:
    """On shift: logged in, paused for the lunch when it is due, logged off after the
    shift; off shift: never logged in. Without a rota the feed keeps its own day."""
    today = timezone.localdate()
    queue = Queue.objects.create(centre=centre, name="hotline", title="热线")
    plan = data.rota(centre, today, today)
    worker = make_user("agent", username="3001", full_name="值班坐席")
    data.shift(plan, data.member(centre, worker, queues=[queue]), today, (8, 0), (17, 0),
               [((12, 0), (13, 0))])  # fmt: skip
    resting = make_user("agent", username="3002", full_name="休息坐席")
    data.member(centre, resting, queues=[queue])
    for user in (worker, resting):
        data.agent(centre, user)

    def state_at(hour: int, minute: int) -> dict[str, tuple[queries.AgentState, str]]:
        moment = data.at(today, hour, minute)
        live.live_feed(centre.pk, now=moment.timestamp())
        board = queries.live_state(centre, moment + dt.timedelta(seconds=1))
        return {agent.name: (agent.state, agent.reason) for agent in board.agents}

    at_ten = state_at(10, 0)
    assert at_ten["Agent/3001"][0] is not queries.AgentState.LOGGED_OFF
    assert at_ten["Agent/3002"][0] is queries.AgentState.LOGGED_OFF
    at_lunch = state_at(12, 5)
    assert at_lunch["Agent/3001"] == (queries.AgentState.PAUSED, "LUNCH")
    assert state_at(17, 5)["Agent/3001"][0] is queries.AgentState.LOGGED_OFF
    assert state_at(17, 6)["Agent/3002"][0] is queries.AgentState.LOGGED_OFF
    # No published rota today: the day shift signs in as before.
    plan.status = RotaStatus.DRAFT
    plan.save()
    assert state_at(17, 10)["Agent/3002"][0] is not queries.AgentState.LOGGED_OFF
