"""The discrete-event simulation: agents, calls and the queue_log lines they make."""

from __future__ import annotations

import heapq
import math
from bisect import bisect
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta, tzinfo
from itertools import accumulate
from random import Random
from typing import Any

from kefu.telephony.simulator.profile import (
    ACW_RANGE,
    AGENT_HANGS_UP_SHARE,
    ATTENDED_SHARE,
    EARLY_LEAVE_MINUTES,
    EARLY_LEAVE_SHARE,
    EXIT_KEY_SHARE,
    HOURLY_PROFILE,
    LATE_MINUTES,
    LATE_SHARE,
    MEAN_PATIENCE,
    MEETING_SHARE,
    MOBILE_PREFIXES,
    NO_ANSWER_SHARE,
    NO_SHOW_SHARE,
    PATIENCE_FLOOR,
    QUEUE_TIMEOUT,
    REPEAT_CALLER_SHARE,
    RETRY,
    RING_RANGE,
    RING_TIMEOUT,
    SHIFT_WEIGHTS,
    SHIFTS,
    TALK_MEDIAN,
    TALK_SIGMA,
    TRANSFER_SHARE,
    TRANSFER_TARGETS,
    WEEKEND_CALLS,
    WORK_PROBABILITY,
    PlannedShift,
    default_calls_per_day,
)

# Agent states.
_OFF, _IDLE, _RINGING, _TALKING, _ACW, _PAUSED = range(6)
# Call states.
_WAITING, _CALL_RINGING, _DONE = range(3)


class _Agent:
    __slots__ = (
        "busy_since",
        "call",
        "idle_since",
        "logout_due",
        "name",
        "pending",
        "queues",
        "reason",
        "state",
    )

    def __init__(self, name: str, queues: list[int]) -> None:
        self.name = name
        self.queues = queues
        self.state = _OFF
        self.idle_since = 0
        self.busy_since = 0
        self.call: _Call | None = None
        self.pending: deque[tuple[str, int]] = deque()
        self.logout_due = False
        self.reason = ""


class _Call:
    __slots__ = (
        "agent",
        "callee_id",
        "enter",
        "id",
        "leave",
        "opos",
        "queue",
        "retry_at",
        "ring_start",
        "state",
        "token",
    )

    def __init__(self, call_id: str, queue: int, enter: int, opos: int, leave: str) -> None:
        self.id = call_id
        self.queue = queue
        self.enter = enter
        self.opos = opos
        self.leave = leave
        self.state = _WAITING
        self.retry_at = 0
        self.ring_start = 0
        self.token = 0
        self.agent: _Agent | None = None
        self.callee_id = ""


class _Simulation:
    """The state of one run; handlers append lines stamped with the current second."""

    def __init__(
        self,
        *,
        start: date,
        days: int,
        queues: Sequence[str],
        agents: Sequence[str],
        tz: tzinfo,
        seed: int,
        calls_per_day: int | None,
        caller_numbers: Sequence[str],
        shifts: Sequence[PlannedShift] = (),
    ) -> None:
        if not queues:
            raise ValueError("at least one queue is needed")
        for name in (*queues, *agents, *caller_numbers):
            if "|" in name or "\n" in name or "\r" in name:
                raise ValueError(f"{name!r}: queue_log fields cannot hold | or newlines")
        if days < 0:
            raise ValueError("days cannot be negative")
        # Repeatable pseudo-random numbers for a simulation, not secrets.
        self.rnd = Random(seed)  # noqa: S311
        self.start = start
        self.days = days
        self.queue_names = list(queues)
        self.tz = tz
        self.calls_per_day = (
            default_calls_per_day(len(agents)) if calls_per_day is None else calls_per_day
        )
        self.caller_numbers = list(caller_numbers)
        self.recent: deque[str] = deque(maxlen=400)
        self.heap: list[tuple[int, int, Callable[[Any, int], None], Any, int]] = []
        self.seq = 0
        self.unique = 0
        self.now = 0
        self.out: list[str] = []
        weights = [1.0 / (i + 1) for i in range(len(queues))]
        self.queue_cum = list(accumulate(weights))
        self.waiting: list[list[_Call]] = [[] for _ in queues]
        self.members: list[list[_Agent]] = [[] for _ in queues]
        self.agents = self._make_agents(agents, weights)
        by_name = {agent.name: agent for agent in self.agents}
        # The rota's shifts by the local day they start on; agents it does not know are
        # not the simulator's.
        self.rota: dict[date, list[tuple[_Agent, PlannedShift]]] = {}
        position = {name: index for index, name in enumerate(self.queue_names)}
        for shift in sorted(shifts, key=lambda s: (s.start, s.agent)):
            agent_ = by_name.get(shift.agent)
            if agent_ is not None and shift.end > shift.start:
                day = datetime.fromtimestamp(shift.start, tz).date()
                self.rota.setdefault(day, []).append((agent_, shift))
                # An agent on the rota takes the queues of their skills, every day.
                skills = sorted({position[q] for q in shift.queues if q in position})
                if skills:
                    agent_.queues = skills

    # ------------------------------------------------------------- set-up

    def _make_agents(self, names: Sequence[str], weights: list[float]) -> list[_Agent]:
        rnd = self.rnd
        n_queues = len(weights)
        total = sum(weights)
        # Primary queues in proportion to the queues' traffic, every queue first.
        primaries = list(range(min(n_queues, len(names))))
        quota = [w / total * len(names) for w in weights]
        for q in primaries:
            quota[q] -= 1
        while len(primaries) < len(names):
            q = max(range(n_queues), key=lambda i: quota[i])
            quota[q] -= 1
            primaries.append(q)
        rnd.shuffle(primaries)
        agents = []
        for name, primary in zip(names, primaries, strict=True):
            extra = rnd.choices((0, 1, 2), (0.4, 0.4, 0.2))[0]
            others = [q for q in range(n_queues) if q != primary]
            rnd.shuffle(others)
            agents.append(_Agent(name, sorted([primary, *others[:extra]])))
        # The roster walks agents grouped by their main queue, so that every shift
        # gets some agents of every queue.
        self.roster = sorted(range(len(agents)), key=lambda i: (agents[i].queues[0], i))
        return agents

    @staticmethod
    def _shift_sequence(count: int) -> list[int]:
        """Shifts for ``count`` agents in proportion to SHIFT_WEIGHTS, interleaved."""
        credit = [0.0] * len(SHIFTS)
        total = sum(SHIFT_WEIGHTS)
        sequence = []
        for _ in range(count):
            for i, weight in enumerate(SHIFT_WEIGHTS):
                credit[i] += weight
            pick = max(range(len(SHIFTS)), key=credit.__getitem__)
            credit[pick] -= total
            sequence.append(pick)
        return sequence

    def _at(self, day: date, seconds: float) -> int:
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.tz)
        return int((midnight + timedelta(seconds=seconds)).timestamp())

    def _push(
        self, when: int, handler: Callable[[Any, int], None], arg: Any, token: int = 0
    ) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, handler, arg, token))

    def _uniqueid(self, when: int) -> str:
        self.unique += 1
        return f"{when}.{self.unique}"

    # ------------------------------------------------------------- output

    def _log(self, call_id: str, queue: str, agent: str, event: str, data: str) -> None:
        self.out.append(f"{self.now}|{call_id}|{queue}|{agent}|{event}|{data}\n")

    def _pause_lines(self, agent: _Agent, event: str, reason: str) -> None:
        # What PauseQueueMember without a queue name logs.
        self._log("NONE", "NONE", agent.name, event + "ALL", reason)
        for q in agent.queues:
            self._log("NONE", self.queue_names[q], agent.name, event, reason)

    # ---------------------------------------------------------------- run

    def run(self) -> Iterator[str]:
        for index in range(self.days):
            self._push(self._at(self.start + timedelta(days=index), 0), self._day_start, index)
        heap = self.heap
        pop = heapq.heappop
        out = self.out
        while heap:
            when, _, handler, arg, token = pop(heap)
            self.now = when
            handler(arg, token)
            if out:
                yield from out
                out.clear()

    def _day_start(self, day_index: int, _token: int) -> None:
        rnd = self.rnd
        day = self.start + timedelta(days=day_index)
        weekend = day.weekday() >= 5
        self._log("NONE", "NONE", "NONE", "QUEUESTART", "")
        if day in self.rota:
            self._follow_rota(self.rota[day])
            self._arrivals(day, weekend)
            return
        work = WORK_PROBABILITY[1 if weekend else 0]
        count = round(len(self.agents) * work)
        # Days off fall at random; the day's roster then fills the shifts in their
        # proportions, walking the agents queue by queue.
        off_duty = set(rnd.sample(range(len(self.agents)), len(self.agents) - count))
        on_duty = [i for i in self.roster if i not in off_duty]
        for index_, shift in zip(on_duty, self._shift_sequence(count), strict=True):
            agent = self.agents[index_]
            login, logout, breaks = SHIFTS[shift]
            # Agents come in a little early and leave a little late.
            self._push(self._at(day, login - rnd.randint(120, 900)), self._login, agent)
            self._push(self._at(day, logout + rnd.randint(0, 600)), self._shift_end, agent)
            planned = [
                (rnd.randint(lo, hi), reason, rnd.randint(shortest, longest))
                for lo, hi, reason, shortest, longest in breaks
            ]
            if rnd.random() < MEETING_SHARE:
                at = rnd.randint(14 * 3600, 16 * 3600)
                planned.append((at, rnd.choice(("MEETING", "TRAINING")), rnd.randint(1200, 2400)))
            for at, reason, length in planned:
                self._push(self._at(day, at), self._break_due, (agent, reason, length))
        self._arrivals(day, weekend)

    def _follow_rota(self, shifts: list[tuple[_Agent, PlannedShift]]) -> None:
        """The day's shifts as the agents keep them: in a few minutes early or late, out
        on time or early or a little after, breaks taken when due for about their length."""
        rnd = self.rnd
        for agent, shift in shifts:
            if rnd.random() < NO_SHOW_SHARE:
                continue
            if rnd.random() < LATE_SHARE:
                login = shift.start + 60 * rnd.randint(*LATE_MINUTES)
            else:
                login = shift.start - rnd.randint(60, 600)
            if rnd.random() < EARLY_LEAVE_SHARE:
                logout = shift.end - 60 * rnd.randint(*EARLY_LEAVE_MINUTES)
            else:
                logout = shift.end + rnd.randint(0, 420)
            if logout <= login:
                continue
            self._push(login, self._login, agent)
            self._push(logout, self._shift_end, agent)
            for start, end, reason in shift.breaks:
                if login < start < logout:
                    length = max(60, end - start + rnd.randint(-60, 180))
                    self._push(
                        start + rnd.randint(0, 120), self._break_due, (agent, reason, length)
                    )

    def _arrivals(self, day: date, weekend: bool) -> None:
        rnd = self.rnd
        expo = rnd.expovariate
        total = self.calls_per_day * (WEEKEND_CALLS if weekend else 1.0)
        if total <= 0:
            return
        scale = total / sum(HOURLY_PROFILE)
        cum = self.queue_cum
        top = cum[-1]
        for hour, weight in enumerate(HOURLY_PROFILE):
            rate = weight * scale / 3600.0
            begin = self._at(day, hour * 3600)
            end = self._at(day, (hour + 1) * 3600)
            t = begin + expo(rate)
            while t < end:
                queue = bisect(cum, rnd.random() * top)
                self._push(int(t), self._arrive, min(queue, len(cum) - 1))
                t += expo(rate)

    # ----------------------------------------------------------- callers

    def _caller(self) -> str:
        rnd = self.rnd
        if self.recent and rnd.random() < REPEAT_CALLER_SHARE:
            return self.recent[rnd.randrange(len(self.recent))]
        if self.caller_numbers:
            number = self.caller_numbers[rnd.randrange(len(self.caller_numbers))]
        else:
            number = rnd.choice(MOBILE_PREFIXES) + f"{rnd.randrange(100_000_000):08d}"
        self.recent.append(number)
        return number

    def _arrive(self, queue: int, _token: int) -> None:
        rnd = self.rnd
        now = self.now
        patience = PATIENCE_FLOOR + rnd.expovariate(1.0 / (MEAN_PATIENCE - PATIENCE_FLOOR))
        if rnd.random() < EXIT_KEY_SHARE:
            leave, after = "key", 10 + rnd.random() * 80
        elif patience >= QUEUE_TIMEOUT:
            leave, after = "timeout", float(QUEUE_TIMEOUT)
        else:
            leave, after = "abandon", max(patience, 1.0)
        waiting = self.waiting[queue]
        call = _Call(self._uniqueid(now), queue, now, len(waiting) + 1, leave)
        waiting.append(call)
        self._log(
            call.id, self.queue_names[queue], "NONE", "ENTERQUEUE", f"|{self._caller()}|{call.opos}"
        )
        self._push(now + int(after), self._give_up, call)
        if not self.members[queue]:
            self._push(now + 1, self._empty_check, call)
            return
        self._offer_call(call)

    def _exit_line(self, call: _Call, event: str, extra: str = "") -> None:
        waiting = self.waiting[call.queue]
        pos = waiting.index(call) + 1
        waiting.remove(call)
        call.state = _DONE
        wait = self.now - call.enter
        self._log(
            call.id, self.queue_names[call.queue], "NONE", event, f"{extra}{pos}|{call.opos}|{wait}"
        )

    def _give_up(self, call: _Call, _token: int) -> None:
        if call.state == _DONE:
            return
        agent = call.agent if call.state == _CALL_RINGING else None
        if agent is not None:
            call.token += 1
            ms = (self.now - call.ring_start) * 1000
            self._log(call.id, self.queue_names[call.queue], agent.name, "RINGCANCELED", str(ms))
        if call.leave == "key":
            self._exit_line(call, "EXITWITHKEY", f"{self.rnd.choice('0019')}|")
        elif call.leave == "timeout":
            self._exit_line(call, "EXITWITHTIMEOUT")
        else:
            self._exit_line(call, "ABANDON")
        if agent is not None:
            agent.call = None
            self._agent_free(agent)

    def _empty_check(self, call: _Call, _token: int) -> None:
        if call.state == _WAITING and not self.members[call.queue]:
            self._exit_line(call, "EXITEMPTY")

    def _retry(self, call: _Call, _token: int) -> None:
        if call.state == _WAITING:
            self._offer_call(call)

    # ------------------------------------------------------------ routing

    def _offer_call(self, call: _Call) -> None:
        best = None
        for agent in self.members[call.queue]:
            if agent.state == _IDLE and (best is None or agent.idle_since < best.idle_since):
                best = agent
        if best is not None:
            self._ring(call, best)

    def _offer_agent(self, agent: _Agent) -> None:
        now = self.now
        best = None
        for q in agent.queues:
            for call in self.waiting[q]:
                if call.state == _WAITING and call.retry_at <= now:
                    if best is None or call.enter < best.enter:
                        best = call
                    break
        if best is not None:
            self._ring(best, agent)

    def _ring(self, call: _Call, agent: _Agent) -> None:
        rnd = self.rnd
        now = self.now
        call.state = _CALL_RINGING
        call.agent = agent
        call.ring_start = now
        call.token += 1
        call.callee_id = self._uniqueid(now)
        agent.state = _RINGING
        agent.call = call
        if rnd.random() < NO_ANSWER_SHARE:
            self._push(now + RING_TIMEOUT, self._no_answer, call, call.token)
        else:
            self._push(now + rnd.randint(*RING_RANGE), self._answer, call, call.token)

    def _no_answer(self, call: _Call, token: int) -> None:
        if token != call.token or call.state != _CALL_RINGING:
            return
        agent = call.agent
        if agent is None:
            return
        self._log(
            call.id,
            self.queue_names[call.queue],
            agent.name,
            "RINGNOANSWER",
            str(RING_TIMEOUT * 1000),
        )
        call.state = _WAITING
        call.agent = None
        call.retry_at = self.now + RETRY
        self._push(call.retry_at, self._retry, call)
        agent.call = None
        # Rotates the member who did not answer to the back of the idle line.
        self._agent_free(agent)

    def _answer(self, call: _Call, token: int) -> None:
        if token != call.token or call.state != _CALL_RINGING:
            return
        rnd = self.rnd
        now = self.now
        agent = call.agent
        if agent is None:
            return
        hold = now - call.enter
        self.waiting[call.queue].remove(call)
        call.state = _DONE
        agent.state = _TALKING
        agent.busy_since = now
        queue = self.queue_names[call.queue]
        self._log(
            call.id,
            queue,
            agent.name,
            "CONNECT",
            f"{hold}|{call.callee_id}|{now - call.ring_start}",
        )
        talk = rnd.lognormvariate(math.log(TALK_MEDIAN), TALK_SIGMA)
        self._push(now + min(max(int(talk), 5), 3600), self._hang_up, call, hold)

    def _hang_up(self, call: _Call, hold: int) -> None:
        rnd = self.rnd
        now = self.now
        agent = call.agent
        if agent is None:
            return
        talk = now - agent.busy_since
        queue = self.queue_names[call.queue]
        draw = rnd.random()
        if draw < TRANSFER_SHARE * ATTENDED_SHARE:
            bridge = (
                f"{rnd.getrandbits(32):08x}-{rnd.getrandbits(16):04x}-4{rnd.getrandbits(12):03x}"
            )
            self._log(
                call.id,
                queue,
                agent.name,
                "ATTENDEDTRANSFER",
                f"BRIDGE|{bridge}|{hold}|{talk}|{call.opos}",
            )
        elif draw < TRANSFER_SHARE:
            exten, context = rnd.choice(TRANSFER_TARGETS)
            self._log(
                call.id,
                queue,
                agent.name,
                "TRANSFER",
                f"{exten}|{context}|{hold}|{talk}|{call.opos}",
            )
        else:
            event = "COMPLETEAGENT" if rnd.random() < AGENT_HANGS_UP_SHARE else "COMPLETECALLER"
            self._log(call.id, queue, agent.name, event, f"{hold}|{talk}|{call.opos}")
        agent.call = None
        agent.state = _ACW
        self._pause_lines(agent, "PAUSE", "ACW")
        self._push(now + rnd.randint(*ACW_RANGE), self._acw_end, agent)

    # ------------------------------------------------------------- agents

    def _login(self, agent: _Agent, _token: int) -> None:
        agent.logout_due = False
        agent.pending.clear()
        for q in agent.queues:
            self._log("MANAGER", self.queue_names[q], agent.name, "ADDMEMBER", "")
            self.members[q].append(agent)
        agent.state = _IDLE
        agent.idle_since = self.now
        self._offer_agent(agent)

    def _shift_end(self, agent: _Agent, _token: int) -> None:
        if agent.state == _OFF:
            return
        if agent.state == _IDLE:
            self._logout(agent)
        else:
            agent.logout_due = True

    def _logout(self, agent: _Agent) -> None:
        agent.state = _OFF
        agent.logout_due = False
        agent.pending.clear()
        emptied = []
        for q in agent.queues:
            self._log("MANAGER", self.queue_names[q], agent.name, "REMOVEMEMBER", "")
            self.members[q].remove(agent)
            if not self.members[q]:
                emptied.append(q)
        for q in emptied:
            for call in list(self.waiting[q]):
                self._exit_line(call, "EXITEMPTY")

    def _break_due(self, item: tuple[_Agent, str, int], _token: int) -> None:
        agent, reason, length = item
        if agent.state == _OFF or agent.logout_due:
            return
        agent.pending.append((reason, length))
        if agent.state == _IDLE:
            self._agent_free(agent)

    def _acw_end(self, agent: _Agent, _token: int) -> None:
        self._pause_lines(agent, "UNPAUSE", "ACW")
        self._agent_free(agent)

    def _break_end(self, agent: _Agent, _token: int) -> None:
        self._pause_lines(agent, "UNPAUSE", agent.reason)
        agent.reason = ""
        self._agent_free(agent)

    def _agent_free(self, agent: _Agent) -> None:
        """The agent has nothing on: log off, take a due break, or take a call."""
        if agent.logout_due:
            self._logout(agent)
            return
        if agent.pending:
            reason, length = agent.pending.popleft()
            agent.state = _PAUSED
            agent.reason = reason
            self._pause_lines(agent, "PAUSE", reason)
            self._push(self.now + length, self._break_end, agent)
            return
        agent.state = _IDLE
        agent.idle_since = self.now
        self._offer_agent(agent)
