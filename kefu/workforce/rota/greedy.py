"""A first rota built greedily, as the solver's starting point.

CP-SAT finds a first feasible rota for 200 agents over four weeks only slowly, and its
improvement from a poor start is slow too. This builds a good one in about a second:
agents take turns, each adding the one shift (or, for nights, the run of nights) that
covers the most still-unmet requirement and that their contract still allows; then each
week short of the contract's minimum hours gets the best shifts still allowed. The rules
are checked here on the plan itself, independently of the model; where the greedy plan
still breaks one (it cannot always meet a weekly minimum), the solver repairs it, since a
hint is only a hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.workforce.rota.problem import (
    MINUTES_PER_DAY,
    Agent,
    RotaProblem,
    ShiftKind,
    week_bounds,
    weeks,
)
from kefu.workforce.rota.solver import Built, forbidden_successors

Plan = dict[tuple[int, int], int]


@dataclass
class _AgentState:
    agent: Agent
    allowed: list[set[int]]
    days: list[int | None]
    block_of: list[int]
    least: list[int]
    most: list[int]
    most_days: list[int]
    minutes: list[int] = field(default_factory=list)
    worked: list[int] = field(default_factory=list)


class _Greedy:
    def __init__(self, problem: RotaProblem) -> None:
        self.problem = problem
        self.templates = list(problem.templates)
        horizon = problem.horizon
        self.days = horizon.days
        self.size = horizon.interval_minutes
        self.intervals = horizon.intervals
        self.residual = {
            skill: [float(value) for value in problem.requirements.get(skill, [])]
            or [0.0] * self.intervals
            for skill in {skill for agent in problem.agents for skill in agent.skills}
        }
        self.banned: dict[object, tuple[dict[int, list[int]], dict[int, list[int]]]] = {}
        self.states = [self._state(agent) for agent in problem.agents]
        # Per skill set, the unmet requirement one more agent could take per interval
        # (0 to 1) and its sum over each day's templates, kept up to date as shifts are
        # placed: the value of a shift is then one look-up.
        self.spans = [
            [self.span(day, template) for template in range(len(self.templates))]
            for day in range(self.days)
        ]
        self.cover: list[list[tuple[int, int]]] = [[] for _ in range(self.intervals)]
        for day in range(self.days):
            for template in range(len(self.templates)):
                for interval in self.spans[day][template]:
                    self.cover[interval].append((day, template))
        self.gain: dict[frozenset[str], list[float]] = {}
        self.values: dict[frozenset[str], list[list[float]]] = {}
        for skills in {agent.skills for agent in problem.agents}:
            gain = [self._gain(skills, interval) for interval in range(self.intervals)]
            self.gain[skills] = gain
            self.values[skills] = [
                [sum(gain[i] for i in self.spans[day][t]) for t in range(len(self.templates))]
                for day in range(self.days)
            ]

    def _gain(self, skills: frozenset[str], interval: int) -> float:
        best = max(self.residual[skill][interval] for skill in skills)
        return min(1.0, best) if best > 0 else 0.0

    def _refresh(self, intervals: range) -> None:
        for skills, gain in self.gain.items():
            values = self.values[skills]
            for interval in intervals:
                new = self._gain(skills, interval)
                delta = new - gain[interval]
                if delta:
                    gain[interval] = new
                    for day, template in self.cover[interval]:
                        values[day][template] += delta

    def _state(self, agent: Agent) -> _AgentState:
        blocks = weeks(self.days)
        block_of = [0] * self.days
        least, most, most_days = [], [], []
        for position, block in enumerate(blocks):
            for day in block:
                block_of[day] = position
            leave = sum(1 for day in block if self.problem.horizon.date(day) in agent.leave)
            low, high, high_days = week_bounds(agent.contract, len(block), leave)
            least.append(low)
            most.append(high)
            most_days.append(high_days)
        if agent.contract not in self.banned:
            self.banned[agent.contract] = (
                forbidden_successors(self.templates, agent.contract, 1, relax=frozenset()),
                forbidden_successors(self.templates, agent.contract, 2, relax=frozenset()),
            )
        return _AgentState(
            agent=agent,
            allowed=[set(self.problem.allowed(agent, day)) for day in range(self.days)],
            days=[None] * self.days,
            block_of=block_of,
            least=least,
            most=most,
            most_days=most_days,
            minutes=[0] * len(blocks),
            worked=[0] * len(blocks),
        )

    def span(self, day: int, template: int) -> range:
        shift = self.templates[template]
        begin = day * MINUTES_PER_DAY + shift.start
        first = begin // self.size
        last = min(self.intervals, -(-(begin + shift.length) // self.size))
        return range(first, last)

    def value(self, state: _AgentState, day: int, template: int) -> float:
        return self.values[state.agent.skills][day][template]

    def _night(self, template: int | None) -> bool:
        return template is not None and self.templates[template].kind is ShiftKind.NIGHT

    def _run(self, state: _AgentState, day: int, night: bool) -> int:
        """Length of the run through `day` if `day` were worked."""
        history = state.agent.history
        counted = self._night if night else (lambda template: template is not None)
        left = 0
        position = day - 1
        while position >= 0 and counted(state.days[position]):
            left += 1
            position -= 1
        if position < 0:
            left += history.nights_in_a_row if night else history.days_worked_in_a_row
        right = 0
        position = day + 1
        while position < self.days and counted(state.days[position]):
            right += 1
            position += 1
        return left + 1 + right

    def allowed(self, state: _AgentState, day: int, template: int) -> bool:
        contract = state.agent.contract
        history = state.agent.history
        if template not in state.allowed[day] or state.days[day] is not None:
            return False
        block = state.block_of[day]
        shift = self.templates[template]
        if state.worked[block] + 1 > state.most_days[block]:
            return False
        if state.minutes[block] + shift.paid_minutes > state.most[block]:
            return False
        if self._run(state, day, night=False) > contract.max_consecutive_days:
            return False
        if shift.kind is ShiftKind.NIGHT and (
            self._run(state, day, night=True) > contract.max_consecutive_nights
        ):
            return False
        after_one, after_two = self.banned[contract]
        for gap, banned in ((1, after_one), (2, after_two)):
            before = state.days[day - gap] if day - gap >= 0 else None
            if before is not None and template in banned.get(before, ()):
                return False
            later = state.days[day + gap] if day + gap < self.days else None
            if later is not None and later in banned.get(template, ()):
                return False
        start = day * MINUTES_PER_DAY + shift.start
        if (
            history.last_shift_end is not None
            and start - history.last_shift_end < contract.min_rest_minutes
        ):
            return False
        return not (
            day == 0
            and contract.no_morning_after_night
            and history.last_shift_kind is ShiftKind.NIGHT
            and shift.kind is ShiftKind.MORNING
        )

    def place(self, state: _AgentState, day: int, template: int) -> None:
        state.days[day] = template
        block = state.block_of[day]
        state.worked[block] += 1
        state.minutes[block] += self.templates[template].paid_minutes
        span = self.spans[day][template]
        for interval in span:
            skill = max(state.agent.skills, key=lambda name: self.residual[name][interval])
            self.residual[skill][interval] -= 1
        self._refresh(span)

    def unplace(self, state: _AgentState, day: int) -> None:
        template = state.days[day]
        if template is None:
            return
        state.days[day] = None
        block = state.block_of[day]
        state.worked[block] -= 1
        state.minutes[block] -= self.templates[template].paid_minutes
        span = self.spans[day][template]
        for interval in span:
            skill = min(state.agent.skills, key=lambda name: self.residual[name][interval])
            self.residual[skill][interval] += 1
        self._refresh(span)

    def candidates(self, state: _AgentState, days: range) -> list[tuple[float, list[int], int]]:
        """(value per shift, days, template): single shifts, and nights as runs of the
        contract's least length (or one night extending a run)."""
        least_nights = state.agent.contract.min_consecutive_nights
        found = []
        for day in days:
            if state.days[day] is not None:
                continue
            for template in state.allowed[day]:
                if self._night(template) and not self._night(state.days[day - 1] if day else None):
                    run = list(range(day, min(self.days, day + least_nights)))
                else:
                    run = [day]
                if any(state.days[other] is not None for other in run):
                    continue
                value = sum(self.value(state, other, template) for other in run) / len(run)
                found.append((value, run, template))
        found.sort(key=lambda item: -item[0])
        return found

    def try_place(self, state: _AgentState, run: list[int], template: int) -> bool:
        placed: list[int] = []
        for day in run:
            if not self.allowed(state, day, template):
                for other in placed:
                    self.unplace(state, other)
                return False
            self.place(state, day, template)
            placed.append(day)
        return True

    def plan(self) -> Plan:
        active = list(range(len(self.states)))
        everything = range(self.days)
        while active:
            still = []
            for index in active:
                state = self.states[index]
                for value, run, template in self.candidates(state, everything):
                    if value <= 0:
                        break
                    if self.try_place(state, run, template):
                        still.append(index)
                        break
            active = still
        for state in self.states:
            for block, days in enumerate(weeks(self.days)):
                for _value, run, template in self.candidates(state, days):
                    if state.minutes[block] >= state.least[block]:
                        break
                    self.try_place(state, [day for day in run if day in days], template)
        return {
            (index, day): template
            for index, state in enumerate(self.states)
            for day, template in enumerate(state.days)
            if template is not None
        }


def greedy_plan(problem: RotaProblem) -> Plan:
    """(agent index, day) → template index of a first rota."""
    return _Greedy(problem).plan()


def hint_from_plan(problem: RotaProblem, built: Built, plan: Plan) -> list[int]:
    """A value for every variable of `built` that follows `plan`: the counts, breaks
    spread over their offsets, the multi-skilled groups' split and short and over."""
    values = [0] * len(built.model.proto.variables)
    for (agent, day, template), var in built.works.items():
        values[var.index] = 1 if plan.get((agent, day)) == template else 0
    for (group, day, template), count in built.counts.items():
        members = built.groups[group][1]
        taken = sum(1 for member in members if plan.get((member, day)) == template)
        values[count.index] = taken
        for break_index in range(len(problem.templates[template].breaks)):
            placed = built.break_counts.get((group, day, template, break_index))
            if not placed:
                continue
            for turn in range(taken):
                values[placed[turn % len(placed)][1].index] += 1
    per = built.per_interval
    covered: dict[tuple[str, int], int] = {}
    for (group, interval), terms in built.on_duty.items():
        if (group, interval) in built.shares:
            continue
        skill = next(iter(built.groups[group][0]))
        present = sum(values[var.index] * weight for var, weight in terms)
        covered[skill, interval] = covered.get((skill, interval), 0) + present
    for (group, interval), shares in built.shares.items():
        present = sum(values[var.index] * weight for var, weight in built.on_duty[group, interval])
        needs = {
            skill: problem.requirements.get(skill, [0] * problem.horizon.intervals)[interval] * per
            - covered.get((skill, interval), 0)
            for skill, _var in shares
        }
        for skill, var in sorted(shares, key=lambda item: -needs[item[0]]):
            given = max(0, min(present, needs[skill]))
            values[var.index] = given
            present -= given
            covered[skill, interval] = covered.get((skill, interval), 0) + given
        skill, var = shares[0]
        values[var.index] += present
        covered[skill, interval] = covered.get((skill, interval), 0) + present
    for key, short in built.short.items():
        skill, interval = key
        needed = problem.requirements.get(skill, [0] * problem.horizon.intervals)[interval] * per
        have = covered.get(key, 0)
        if not isinstance(short, int):
            values[short.index] = max(0, needed - have)
        over = built.over[key]
        if not isinstance(over, int):
            values[over.index] = max(0, have - needed)
    return values
