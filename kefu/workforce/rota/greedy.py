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

import time
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from kefu.workforce.rota.problem import (
    MINUTES_PER_DAY,
    Agent,
    RotaProblem,
    ShiftKind,
    week_bounds,
    weeks,
)
from kefu.workforce.rota.solver import Built, forbidden_successors, slot_minutes

# (agent index, day) → (template index, each break's offset from the shift's start).
Plan = dict[tuple[int, int], tuple[int, tuple[int, ...]]]


@dataclass
class _AgentState:
    agent: Agent
    allowed: list[set[int]]
    allowed_lists: list[list[int]]
    days: list[int | None]
    block_of: list[int]
    least: list[int]
    most: list[int]
    most_days: list[int]
    minutes: list[int] = field(default_factory=list)
    worked: list[int] = field(default_factory=list)
    # Per day worked, the skill each interval of the shift was counted for and how much
    # of an agent was there; and the breaks' offsets from the shift's start.
    taken: dict[int, list[tuple[str, float]]] = field(default_factory=dict)
    breaks: dict[int, tuple[int, ...]] = field(default_factory=dict)


class _Greedy:
    def __init__(self, problem: RotaProblem) -> None:
        self.problem = problem
        self.templates = list(problem.templates)
        horizon = problem.horizon
        self.days = horizon.days
        self.size = horizon.interval_minutes
        self.slot = slot_minutes(problem)
        self.night_templates: set[int | None] = {
            index
            for index, template in enumerate(self.templates)
            if template.kind is ShiftKind.NIGHT
        }
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
            rows = [self.residual[skill] for skill in skills]
            for interval in intervals:
                best = max(row[interval] for row in rows) if len(rows) > 1 else rows[0][interval]
                new = (1.0 if best >= 1 else best) if best > 0 else 0.0
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
            allowed_lists=[self.problem.allowed(agent, day) for day in range(self.days)],
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
        return template in self.night_templates

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

    def presence(self, day: int, template: int, offsets: tuple[int, ...]) -> list[float]:
        """The agents-worth present in each interval of the span, breaks taken out."""
        shift = self.templates[template]
        begin = day * MINUTES_PER_DAY + shift.start
        span = self.spans[day][template]
        share = [0.0] * len(span)
        pieces = [(begin, begin + shift.length, 1.0)] + [
            (begin + offset, begin + offset + brk.length, -1.0)
            for offset, brk in zip(offsets, shift.breaks, strict=True)
        ]
        for first, last, sign in pieces:
            for position, interval in enumerate(span):
                low = max(first, interval * self.size)
                high = min(last, (interval + 1) * self.size)
                if high > low:
                    share[position] += sign * (high - low) / self.size
        return share

    def choose_breaks(self, state: _AgentState, day: int, template: int) -> tuple[int, ...]:
        """Each break where the agent is least needed: the offset whose intervals have
        the least unmet requirement left for the agent's skills."""
        shift = self.templates[template]
        begin = day * MINUTES_PER_DAY + shift.start
        chosen = []
        for brk in shift.breaks:
            best, best_need = brk.earliest, None
            for offset in range(brk.earliest, brk.latest + 1, self.slot):
                need = 0.0
                first, last = begin + offset, begin + offset + brk.length
                for interval in range(first // self.size, -(-last // self.size)):
                    if interval >= self.intervals:
                        break
                    overlap = min(last, (interval + 1) * self.size) - max(
                        first, interval * self.size
                    )
                    most = max(self.residual[skill][interval] for skill in state.agent.skills)
                    need += overlap * most
                if best_need is None or need < best_need:
                    best, best_need = offset, need
            chosen.append(best)
        return tuple(chosen)

    def place(self, state: _AgentState, day: int, template: int) -> None:
        state.days[day] = template
        block = state.block_of[day]
        state.worked[block] += 1
        state.minutes[block] += self.templates[template].paid_minutes
        span = self.spans[day][template]
        offsets = self.choose_breaks(state, day, template)
        taken = []
        for interval, share in zip(span, self.presence(day, template, offsets), strict=True):
            skill = max(state.agent.skills, key=lambda name: self.residual[name][interval])
            self.residual[skill][interval] -= share
            taken.append((skill, share))
        state.taken[day] = taken
        state.breaks[day] = offsets
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
        for interval, (skill, share) in zip(span, state.taken.pop(day), strict=True):
            self.residual[skill][interval] += share
        del state.breaks[day]
        self._refresh(span)

    def candidates(
        self, state: _AgentState, days: range, *, positive: bool = False
    ) -> list[tuple[float, list[int], int]]:
        """(value per shift, days, template), best first: single shifts, and nights as
        runs of the contract's least length (or one night extending a run). With
        `positive`, only those worth something."""
        values = self.values[state.agent.skills]
        least_nights = state.agent.contract.min_consecutive_nights
        nights = self.night_templates
        planned = state.days
        found = []
        for day in days:
            if planned[day] is not None:
                continue
            row = values[day]
            for template in state.allowed_lists[day]:
                if template in nights and not (day and planned[day - 1] in nights):
                    run = list(range(day, min(self.days, day + least_nights)))
                    if any(planned[other] is not None for other in run):
                        continue
                    value = sum(values[other][template] for other in run) / len(run)
                else:
                    run, value = [day], row[template]
                if value > 0 or not positive:
                    found.append((value, run, template))
        found.sort(key=itemgetter(0), reverse=True)
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
                for _value, run, template in self.candidates(state, everything, positive=True):
                    if self.try_place(state, run, template):
                        still.append(index)
                        break
            active = still
        for state in self.states:
            for block, days in enumerate(weeks(self.days)):
                for _value, run, template in self.candidates(state, days):
                    if state.minutes[block] >= state.least[block]:
                        break
                    self.try_place(state, run, template)
        return self.result()

    def result(self) -> Plan:
        return {
            (index, day): (template, state.breaks[day])
            for index, state in enumerate(self.states)
            for day, template in enumerate(state.days)
            if template is not None
        }

    def improve(self, deadline: float) -> None:
        """Take each day shift away in turn and put back the best one its week allows
        (the same, or a better day or start), until nothing improves or time is up.
        Night shifts stay where they are, so their runs stay whole."""
        blocks = weeks(self.days)
        improved = True
        while improved and time.monotonic() < deadline:
            improved = False
            for state in self.states:
                if time.monotonic() >= deadline:
                    return
                for day in range(self.days):
                    template = state.days[day]
                    if template is None or self._night(template):
                        continue
                    block = state.block_of[day]
                    self.unplace(state, day)
                    # Taken away, every look-up is a true gain, the old place's included.
                    before = self.value(state, day, template)
                    least = state.least[block]
                    for value, run, other in self.candidates(state, blocks[block]):
                        if len(run) != 1 or self._night(other):
                            continue
                        paid = self.templates[other].paid_minutes
                        if state.minutes[block] + paid < least:
                            continue
                        if self.try_place(state, run, other):
                            if (run[0], other) != (day, template) and value > before + 1e-9:
                                improved = True
                            break
                    else:
                        self.place(state, day, template)

    def complete(self) -> bool:
        """Whether the plan keeps the rules the turns do not (weekly minimum, nights in
        runs): then it is a rota in its own right."""
        for state in self.states:
            if any(have < least for have, least in zip(state.minutes, state.least, strict=True)):
                return False
            contract = state.agent.contract
            carried = state.agent.history.nights_in_a_row
            run = carried
            for day in range(self.days):
                if self._night(state.days[day]):
                    run += 1
                    continue
                if 0 < run < contract.min_consecutive_nights:
                    return False
                run = 0
        return True


@dataclass(frozen=True)
class FirstRota:
    """The greedy rota: shifts with breaks, which skill each agent-interval was counted
    for (in agents), and whether it keeps every rule."""

    plan: Plan
    allocation: dict[tuple[int, int, str], float]
    complete: bool


def greedy_plan(problem: RotaProblem, *, seconds: float = 0.0) -> FirstRota:
    """(agent index, day) → template and break offsets of a first rota, improved for up to
    `seconds`; and whether it keeps every rule (so it can stand as the rota when the
    solver finds nothing in time)."""
    greedy = _Greedy(problem)
    greedy.plan()
    if seconds > 0:
        greedy.improve(time.monotonic() + seconds)
    allocation: dict[tuple[int, int, str], float] = {}
    for index, state in enumerate(greedy.states):
        group_day = state.taken.items()
        for day, taken in group_day:
            template = state.days[day]
            if template is None:
                continue
            for interval, (skill, share) in zip(greedy.spans[day][template], taken, strict=True):
                allocation[index, interval, skill] = (
                    allocation.get((index, interval, skill), 0.0) + share
                )
    return FirstRota(greedy.result(), allocation, greedy.complete())


def hint_from_plan(problem: RotaProblem, built: Built, first: FirstRota) -> list[int]:
    """A value for every variable of `built` that follows `plan`: the counts, breaks
    spread over their offsets, the multi-skilled groups' split and short and over."""
    plan = first.plan
    values = [0] * len(built.model.proto.variables)
    for (agent, day, template), var in built.works.items():
        chosen = plan.get((agent, day))
        values[var.index] = 1 if chosen is not None and chosen[0] == template else 0
    for (group, day, template), count in built.counts.items():
        members = [
            member
            for member in built.groups[group][1]
            if (chosen := plan.get((member, day))) is not None and chosen[0] == template
        ]
        values[count.index] = len(members)
        for break_index in range(len(problem.templates[template].breaks)):
            placed = built.break_counts.get((group, day, template, break_index))
            if not placed:
                continue
            at = dict(placed)
            for member in members:
                offset = plan[member, day][1][break_index]
                values[at[offset].index if offset in at else placed[0][1].index] += 1
    per = built.per_interval
    covered: dict[tuple[str, int], int] = {}
    for (group, interval), terms in built.on_duty.items():
        if (group, interval) in built.shares:
            continue
        skill = next(iter(built.groups[group][0]))
        present = sum(values[var.index] * weight for var, weight in terms)
        covered[skill, interval] = covered.get((skill, interval), 0) + present
    # A multi-skilled group's split follows the greedy rota's: each agent-interval counted
    # for the skill it was placed for.
    split: dict[tuple[int, int, str], float] = defaultdict(float)
    for (agent, interval, skill), share in first.allocation.items():
        split[built.group_of[agent], interval, skill] += share
    for (group, interval), shares in built.shares.items():
        present = sum(values[var.index] * weight for var, weight in built.on_duty[group, interval])
        for skill, var in shares:
            given = min(present, round(split[group, interval, skill] * per))
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
