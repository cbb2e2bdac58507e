"""Agents' logged-in, paused and after-call-work time, from their queue_log events.

Each stretch of time is an `Activity` keyed by (agent, kind, start). Reading the same
events again rebuilds the same activities, and ingestion stores them by key, so time is
never counted twice. A stretch still open when the data ends is stored open and adds
nothing until its end is read, in this run or a later one (`carried`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kefu.telephony.calls import Contribution, row_of
from kefu.telephony.intervals import interval_of, split
from kefu.telephony.queue_log import QueueEvent


class Kind(StrEnum):
    LOGIN = "login"
    PAUSE = "pause"
    ACW = "acw"  # a pause whose reason says after-call work


# Pause reasons that mean after-call work (wrap-up), compared case-insensitively; many
# platforms put the agent in a pause with one of these after each call.
ACW_REASONS = frozenset({"acw", "wrapup", "wrap-up", "wrap up", "事后处理", "话后处理", "整理"})

_LOGIN = frozenset({"ADDMEMBER", "AGENTLOGIN", "AGENTCALLBACKLOGIN"})
_LOGOFF = frozenset({"AGENTLOGOFF", "AGENTCALLBACKLOGOFF"})
_PAUSE = frozenset({"PAUSE", "PAUSEALL"})
_UNPAUSE = frozenset({"UNPAUSE", "UNPAUSEALL"})
PAUSES = _PAUSE | _UNPAUSE
PRESENCE_EVENTS = _LOGIN | _LOGOFF | PAUSES | {"REMOVEMEMBER"}

COUNTER = {Kind.LOGIN: "login_sum", Kind.PAUSE: "pause_sum", Kind.ACW: "acw_sum"}
# An activity counts its first day at most: no shift is longer, and a logoff never logged
# (an agent left in the queue over a holiday) would otherwise count weeks, a roll-up row for
# each of their quarter hours. The stored activity keeps its true end.
MAX_COUNTED = 24 * 3600


@dataclass(slots=True)
class Activity:
    agent: str
    kind: Kind
    started_at: int
    ended_at: int | None = None
    reason: str = ""
    queues: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.agent, self.kind.value, self.started_at)

    def copy(self) -> Activity:
        return replace(self)


def contribute(activity: Activity, total: Contribution, sign: int = 1) -> None:
    """Add (or take out) the activity's seconds; an open one counts nothing yet."""
    if activity.ended_at is None:
        return
    counter = COUNTER[activity.kind]
    end = min(activity.ended_at, activity.started_at + MAX_COUNTED)
    for interval, seconds in split(activity.started_at, end):
        row_of(total, "agent", (interval, activity.agent))[counter] += sign * seconds
    if activity.kind is Kind.ACW:
        row_of(total, "agent", (interval_of(activity.started_at), activity.agent))["acw_count"] += (
            sign
        )


_KINDS: dict[str, Kind] = {}


def _pause_kind(reason: str) -> Kind:
    kind = _KINDS.get(reason)
    if kind is None:
        kind = Kind.ACW if reason.strip().lower() in ACW_REASONS else Kind.PAUSE
        if len(_KINDS) < 1000:  # reasons are a short list a centre sets up
            _KINDS[reason] = kind
    return kind


class Presence:
    """Follows every agent through one run of events. `carried` are the activities left
    open by earlier runs; they are taken up when the agent's next event comes after them."""

    def __init__(self, carried: Iterable[Activity] = ()) -> None:
        self._open: dict[tuple[str, bool], Activity] = {}
        self._carried: dict[tuple[str, bool], Activity] = {}
        for activity in carried:
            self._carried[(activity.agent, activity.kind is Kind.LOGIN)] = activity

    def _current(self, agent: str, login: bool, at: int) -> Activity | None:
        slot = (agent, login)
        activity = self._open.get(slot)
        if activity is None:
            carried = self._carried.get(slot)
            if carried is not None and carried.started_at <= at:
                activity = self._open[slot] = self._carried.pop(slot)
        return activity

    def _close(self, agent: str, login: bool, at: int) -> Activity | None:
        activity = self._current(agent, login, at)
        if activity is None or at < activity.started_at:
            return None
        del self._open[(agent, login)]
        activity.ended_at = at
        return activity

    def apply(self, event: QueueEvent) -> list[Activity]:
        """The activities this event opened, changed or closed (each in its new state)."""
        agent, name, at = event.agent, event.event, round(event.time)
        if not agent:
            return []
        if name in _LOGIN:
            session = self._current(agent, True, at)
            if session is None:
                session = Activity(agent, Kind.LOGIN, at)
                self._open[(agent, True)] = session
            elif at < session.started_at or not event.queue or event.queue in session.queues:
                return []
            if event.queue:
                session.queues = session.queues | {event.queue}
            return [session]
        if name == "REMOVEMEMBER":
            session = self._current(agent, True, at)
            if session is None or at < session.started_at:
                return []
            session.queues = session.queues - {event.queue}
            if session.queues:
                return [session]
            return [
                activity for login in (False, True) if (activity := self._close(agent, login, at))
            ]
        if name in _LOGOFF:
            return [
                activity for login in (False, True) if (activity := self._close(agent, login, at))
            ]
        if name in _PAUSE:
            reason = event.data[0] if event.data else ""
            kind = _pause_kind(reason)
            pause = self._current(agent, False, at)
            if pause is not None:
                if (pause.kind is kind and pause.reason == reason) or at < pause.started_at:
                    return []  # the same pause written once per queue the agent serves
                closed = self._close(agent, False, at)
                changed = [closed] if closed else []
            else:
                changed = []
            opened = Activity(agent, kind, at, reason=reason)
            self._open[(agent, False)] = opened
            return [*changed, opened]
        if name in _UNPAUSE:
            closed = self._close(agent, False, at)
            return [closed] if closed else []
        return []
