"""Reads about the telephony data itself (not indicators: those are in `metrics`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.telephony.calls import Outcome
from kefu.telephony.models import Activity, Agent, ImportRun, Queue
from kefu.telephony.models import Call as CallRow
from kefu.telephony.presence import Kind


def recent_imports(centre: OrgUnit, limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(centre=centre)[:limit]


# -- the live state the wallboard shows ------------------------------------------------------

# A call still without an end this long after entering lost its last lines (a platform
# restarted mid-call): it is no longer shown as waiting or talking.
LIVE_CALL_HORIZON = dt.timedelta(hours=4)
# A login never ended that started longer ago than a shift can last is a logoff never logged.
LIVE_LOGIN_HORIZON = dt.timedelta(hours=24)


class AgentState(StrEnum):
    """What an agent is doing now, in the order the wallboard lists the states."""

    TALKING = "talking"
    AVAILABLE = "available"
    PAUSED = "paused"
    ACW = "acw"
    LOGGED_OFF = "logged_off"


AGENT_STATE_LABELS = {
    AgentState.TALKING: _("Talking"),
    AgentState.AVAILABLE: _("Available"),
    AgentState.PAUSED: _("Paused"),
    AgentState.ACW: _("After-call work"),
    AgentState.LOGGED_OFF: _("Logged off"),
}


@dataclass
class QueueNow:
    name: str
    title: str
    waiting: int = 0
    longest_wait: int | None = None  # seconds the longest-waiting caller has waited
    talking: int = 0


@dataclass
class AgentNow:
    name: str
    person: str
    team: str
    state: AgentState
    reason: str = ""
    since: dt.datetime | None = None


@dataclass
class LiveState:
    """The centre's calls and agents at `at`, as the telephone platform's events say."""

    at: dt.datetime
    queues: list[QueueNow]
    agents: list[AgentNow]
    by_state: dict[AgentState, int] = field(default_factory=dict)
    by_reason: list[tuple[str, int]] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(queue.waiting for queue in self.queues)

    @property
    def longest_wait(self) -> int | None:
        return max(
            (q.longest_wait for q in self.queues if q.longest_wait is not None), default=None
        )


def live_state(centre: OrgUnit, at: dt.datetime) -> LiveState:
    """Per queue the callers waiting now and the longest wait, and each agent's state:
    talking (connected to a call not yet ended), after-call work, paused (with the reason
    the platform gave), available (logged in, none of these) or logged off. Read from the
    stored calls and activities, which ingestion writes as each batch of events arrives, so
    every web process shows the same. Four queries whatever the centre's size."""
    queues = {
        pk: QueueNow(name=name, title=title or name)
        for pk, name, title in Queue.objects.filter(centre=centre)
        .order_by("name")
        .values_list("pk", "name", "title")
    }
    talking_agents: dict[int, dt.datetime] = {}
    for queue_id, outcome, entered, connected, agent_id in CallRow.objects.filter(
        ended_at__isnull=True,
        # No upper bound: a platform's clock a second ahead of ours (or a time rounded up)
        # must not hide a call that has arrived.
        entered_at__gte=at - LIVE_CALL_HORIZON,
        queue__centre=centre,
    ).values_list("queue_id", "outcome", "entered_at", "connected_at", "agent_id"):
        queue = queues[queue_id]
        if outcome == Outcome.QUEUED:
            queue.waiting += 1
            wait = max(0, int((at - entered).total_seconds()))
            queue.longest_wait = max(queue.longest_wait or 0, wait)
        elif outcome == Outcome.ANSWERED:
            queue.talking += 1
            if agent_id is not None:
                talking_agents[agent_id] = connected or entered
    open_stretches: dict[int, dict[str, tuple[dt.datetime, str]]] = defaultdict(dict)
    for agent_id, kind, started, reason in Activity.objects.filter(
        agent__centre=centre,
        ended_at__isnull=True,
        started_at__gte=at - LIVE_LOGIN_HORIZON,
    ).values_list("agent_id", "kind", "started_at", "reason"):
        open_stretches[agent_id][kind] = (started, reason)
    agents = []
    for pk, name, full_name, team in (
        Agent.objects.filter(centre=centre)
        .order_by("name")
        .values_list("pk", "name", "user__full_name", "team__name")
    ):
        stretches = open_stretches.get(pk, {})
        login = stretches.get(Kind.LOGIN)
        pause = stretches.get(Kind.ACW) or stretches.get(Kind.PAUSE)
        agent = AgentNow(
            name=name, person=full_name or name, team=team or "", state=AgentState.LOGGED_OFF
        )
        if pk in talking_agents:
            agent.state, agent.since = AgentState.TALKING, talking_agents[pk]
        elif login is None:
            pass
        elif Kind.ACW in stretches:
            agent.state, agent.since = AgentState.ACW, stretches[Kind.ACW][0]
        elif pause is not None:
            agent.state, agent.since, agent.reason = AgentState.PAUSED, pause[0], pause[1]
        else:
            agent.state, agent.since = AgentState.AVAILABLE, login[0]
        agents.append(agent)
    by_state = {state: 0 for state in AgentState}
    reasons: dict[str, int] = defaultdict(int)
    for agent in agents:
        by_state[agent.state] += 1
        if agent.state is AgentState.PAUSED:
            reasons[agent.reason] += 1
    return LiveState(
        at=at,
        queues=list(queues.values()),
        agents=agents,
        by_state=by_state,
        by_reason=sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
    )
