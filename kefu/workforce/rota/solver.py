"""The rota as a CP-SAT model (OR-Tools), solved in lexicographic stages.

Formulation, chosen so 200 agents over 4 weeks solve in seconds on two cores:

- one boolean per agent, day and shift template the agent may work that day (none on
  approved leave): the agent works that shift. At most one per day.
- agents with the same skills are interchangeable for coverage, so per group of equal
  skill sets, day and template an integer counts the group's agents on it, and per break
  and allowed offset an integer counts how many of them take the break there. A placed
  break only needs its count: which agent takes which offset is decided afterwards, any
  way is right because a template's break windows do not overlap.
- coverage is counted in slots (the greatest common divisor of the interval and every
  time in the templates, e.g. 15 minutes under 30-minute intervals): per group and
  interval, agent-slots on shift minus agent-slots on break. A group with several skills
  splits its agent-slots between them per interval (multi-skilled agents take whichever
  queue needs them); every agent on the phones counts for some skill.
- per skill and interval: coverage − requirement = over − short, both non-negative.
- the contract rules are hard constraints on the booleans (see `_agent_rules`).

Stages: fewest agent-intervals short; then, holding that, fewest over; then, holding
both, the least preference cost. Each stage starts from the last one's rota.
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce

from ortools.sat.python import cp_model

from kefu.workforce.rota.problem import (
    MINUTES_PER_DAY,
    Agent,
    Contract,
    Horizon,
    RotaProblem,
    ShiftKind,
    ShiftTemplate,
    week_bounds,
    weeks,
)
from kefu.workforce.rota.result import (
    Assignment,
    PlacedBreak,
    RotaStatus,
    RuleFamily,
)

Terms = list[tuple[cp_model.IntVar, int]]


def slot_minutes(problem: RotaProblem) -> int:
    """The coarsest time step every start, length, break and window falls on."""
    numbers = [problem.horizon.interval_minutes]
    for template in problem.templates:
        numbers += [template.start, template.length]
        for brk in template.breaks:
            numbers += [brk.length, brk.earliest, brk.latest]
    return reduce(math.gcd, numbers)


def forbidden_successors(
    templates: list[ShiftTemplate], contract: Contract, gap_days: int, *, relax: frozenset[str]
) -> dict[int, list[int]]:
    """For each template, the templates that may not be worked `gap_days` days later:
    fewer than the contract's minimum rest between the end of one and the start of the
    next, or a morning shift the day after a night shift (a night after a night is
    fine)."""
    result: dict[int, list[int]] = {}
    for first, before in enumerate(templates):
        banned = []
        for second, after in enumerate(templates):
            rest = gap_days * MINUTES_PER_DAY + after.start - before.end
            too_close = (
                RuleFamily.REST_BETWEEN_SHIFTS not in relax and rest < contract.min_rest_minutes
            )
            night_then_morning = (
                RuleFamily.NIGHTS not in relax
                and contract.no_morning_after_night
                and gap_days == 1
                and before.kind is ShiftKind.NIGHT
                and after.kind is ShiftKind.MORNING
            )
            if too_close or night_then_morning or rest < 0:
                banned.append(second)
        if banned:
            result[first] = banned
    return result


@dataclass
class Built:
    """The model and the handles the stages and the read-out need."""

    model: cp_model.CpModel
    slot: int
    per_interval: int
    groups: list[tuple[frozenset[str], list[int]]]
    works: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    # The same booleans per agent, per day: template index → variable.
    by_agent: list[list[dict[int, cp_model.IntVar]]] = field(default_factory=list)
    group_of: dict[int, int] = field(default_factory=dict)
    break_counts: dict[tuple[int, int, int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=dict
    )
    coverage: dict[tuple[str, int], Terms] = field(default_factory=dict)
    short: dict[tuple[str, int], cp_model.IntVar | int] = field(default_factory=dict)
    over: dict[tuple[str, int], cp_model.IntVar | int] = field(default_factory=dict)
    penalty: Terms = field(default_factory=list)
    penalty_constant: int = 0
    # The most agent-slots over there can be: the weight that puts short before over.
    over_bound: int = 0
    # Agents of a group on a template on a day; agent-slots present per group and
    # interval; a multi-skilled group's split of them between its skills.
    counts: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    on_duty: dict[tuple[int, int], Terms] = field(default_factory=dict)
    shares: dict[tuple[int, int], list[tuple[str, cp_model.IntVar]]] = field(default_factory=dict)

    def total(self, parts: Iterable[cp_model.IntVar | int]) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.sum(list(parts))

    def short_total(self) -> cp_model.LinearExprT:
        return self.total(self.short.values())

    def over_total(self) -> cp_model.LinearExprT:
        return self.total(self.over.values())

    def short_then_over(self) -> cp_model.LinearExprT:
        """Short weighted past any over there can be, plus over: minimising it gives the
        fewest short, then the fewest over among those."""
        weight = self.over_bound + 1
        variables: list[cp_model.IntVar] = []
        weights: list[int] = []
        constant = 0
        for parts, factor in ((self.short.values(), weight), (self.over.values(), 1)):
            for part in parts:
                if isinstance(part, int):
                    constant += factor * part
                else:
                    variables.append(part)
                    weights.append(factor)
        return cp_model.LinearExpr.weighted_sum(variables, weights) + constant

    def penalty_total(self) -> cp_model.LinearExprT:
        if not self.penalty:
            return cp_model.LinearExpr.sum([])
        variables, weights = zip(*self.penalty, strict=True)
        return cp_model.LinearExpr.weighted_sum(list(variables), list(weights))


def _skills(problem: RotaProblem) -> list[str]:
    skills = set(problem.requirements)
    for agent in problem.agents:
        skills |= agent.skills
    return sorted(skills)


def build(problem: RotaProblem, *, relax: frozenset[str] = frozenset()) -> Built:
    """The CP-SAT model of `problem`, with the rule families in `relax` left out."""
    horizon = problem.horizon
    templates = list(problem.templates)
    slot = slot_minutes(problem)
    per_interval = horizon.interval_minutes // slot
    by_skills: dict[frozenset[str], list[int]] = defaultdict(list)
    for index, agent in enumerate(problem.agents):
        by_skills[agent.skills].append(index)
    groups = sorted(by_skills.items(), key=lambda item: sorted(item[0]))
    built = Built(cp_model.CpModel(), slot, per_interval, groups)
    built.group_of = {agent: g for g, (_skills, members) in enumerate(groups) for agent in members}
    model = built.model

    for index, agent in enumerate(problem.agents):
        seen = _without_leave(agent) if RuleFamily.LEAVE in relax else agent
        days: list[dict[int, cp_model.IntVar]] = []
        for day in range(horizon.days):
            here = {}
            for option in problem.allowed(seen, day):
                here[option] = model.new_bool_var(f"w{index}_{day}_{option}")
                built.works[index, day, option] = here[option]
            days.append(here)
        built.by_agent.append(days)
        _agent_rules(built, problem, index, agent, relax)

    on_duty: dict[tuple[int, int], Terms] = defaultdict(list)
    for group_index, (_skills_of_group, members) in enumerate(groups):
        for day in range(horizon.days):
            for template_index, template in enumerate(templates):
                chosen = [
                    built.works[member, day, template_index]
                    for member in members
                    if (member, day, template_index) in built.works
                ]
                if not chosen:
                    continue
                count = model.new_int_var(0, len(chosen), f"n{group_index}_{day}_{template_index}")
                model.add(count == cp_model.LinearExpr.sum(chosen))
                built.counts[group_index, day, template_index] = count
                begin = day * MINUTES_PER_DAY + template.start
                _add_span(on_duty, group_index, count, begin, template.length, slot, horizon)
                placeable = () if RuleFamily.BREAKS in relax else template.breaks
                for break_index, brk in enumerate(placeable):
                    placed = []
                    for offset in range(brk.earliest, brk.latest + 1, slot):
                        taken = model.new_int_var(0, len(chosen), "")
                        placed.append((offset, taken))
                        _add_span(
                            on_duty,
                            group_index,
                            taken,
                            begin + offset,
                            brk.length,
                            slot,
                            horizon,
                            sign=-1,
                        )
                    model.add(
                        cp_model.LinearExpr.sum([taken for _offset, taken in placed]) == count
                    )
                    built.break_counts[group_index, day, template_index, break_index] = placed

    built.on_duty = on_duty
    for (group_index, interval), present in on_duty.items():
        group_skills = sorted(groups[group_index][0])
        size = len(groups[group_index][1])
        if len(group_skills) == 1:
            built.coverage.setdefault((group_skills[0], interval), []).extend(present)
            continue
        shares = [model.new_int_var(0, size * per_interval, "") for _skill in group_skills]
        variables, weights = zip(*present, strict=True)
        model.add(
            cp_model.LinearExpr.sum(shares)
            == cp_model.LinearExpr.weighted_sum(list(variables), list(weights))
        )
        built.shares[group_index, interval] = list(zip(group_skills, shares, strict=True))
        for skill, share in zip(group_skills, shares, strict=True):
            built.coverage.setdefault((skill, interval), []).append((share, 1))

    holders = {
        skill: sum(1 for agent in problem.agents if skill in agent.skills)
        for skill in _skills(problem)
    }
    for skill in _skills(problem):
        curve = problem.requirements.get(skill, [0] * horizon.intervals)
        for interval in range(horizon.intervals):
            needed = curve[interval] * per_interval
            terms = built.coverage.get((skill, interval), [])
            if not terms:
                built.short[skill, interval] = needed
                built.over[skill, interval] = 0
                continue
            # Coverage never exceeds every agent with the skill on the phones throughout.
            most = holders[skill] * per_interval
            short = model.new_int_var(0, needed, "") if needed else 0
            over = model.new_int_var(0, most, "")
            variables, weights = zip(*terms, strict=True)
            covered = cp_model.LinearExpr.weighted_sum(list(variables), list(weights))
            model.add(covered - needed == over - short)
            built.short[skill, interval] = short
            built.over[skill, interval] = over
            built.over_bound += most

    _preferences(built, problem)
    return built


def _without_leave(agent: Agent) -> Agent:
    return Agent(agent.id, agent.skills, agent.contract, frozenset(), agent.history, agent.shifts)


def _add_span(
    on_duty: dict[tuple[int, int], Terms],
    group: int,
    count: cp_model.IntVar,
    begin: int,
    length: int,
    slot: int,
    horizon: Horizon,
    *,
    sign: int = 1,
) -> None:
    """Add `count` agents present from minute `begin` for `length` minutes to the
    intervals they overlap, in slots, clipped to the horizon."""
    interval_minutes = horizon.interval_minutes
    end = min(begin + length, horizon.minutes)
    minute = max(begin, 0)
    while minute < end:
        interval = minute // interval_minutes
        upto = min(end, (interval + 1) * interval_minutes)
        on_duty[group, interval].append((count, sign * ((upto - minute) // slot)))
        minute = upto


def _agent_rules(
    built: Built, problem: RotaProblem, index: int, agent: Agent, relax: frozenset[str]
) -> None:
    """The contract's hard rules for one agent (leave is kept by creating no variable)."""
    model = built.model
    templates = list(problem.templates)
    days = problem.horizon.days
    contract = agent.contract
    history = agent.history
    shifts = built.by_agent[index]
    worked = [list(day.values()) for day in shifts]
    nights = [
        [var for t, var in day.items() if templates[t].kind is ShiftKind.NIGHT] for day in shifts
    ]
    for day_vars in worked:
        if len(day_vars) > 1:
            model.add_at_most_one(day_vars)

    for block in weeks(days):
        leave_days = sum(1 for day in block if problem.horizon.date(day) in agent.leave)
        least, most, most_days = week_bounds(contract, len(block), leave_days)
        paid = [(var, templates[t].paid_minutes) for day in block for t, var in shifts[day].items()]
        if RuleFamily.WEEKLY_HOURS not in relax and paid:
            variables, weights = zip(*paid, strict=True)
            total = cp_model.LinearExpr.weighted_sum(list(variables), list(weights))
            model.add(total <= most)
            if least > 0:
                model.add(total >= least)
        elif RuleFamily.WEEKLY_HOURS not in relax and least > 0:
            model.add_bool_or([])  # a weekly minimum with no shift possible: infeasible
        if RuleFamily.REST_DAYS not in relax:
            in_block = [var for day in block for var in worked[day]]
            if len(in_block) > most_days:
                model.add(sum(in_block) <= most_days)

    if RuleFamily.CONSECUTIVE_DAYS not in relax:
        _limit_runs(model, worked, contract.max_consecutive_days, history.days_worked_in_a_row)
    if RuleFamily.NIGHTS not in relax:
        _limit_runs(model, nights, contract.max_consecutive_nights, history.nights_in_a_row)
        _night_runs(model, nights, contract.min_consecutive_nights, history.nights_in_a_row)

    for gap in (1, 2):
        banned = forbidden_successors(templates, contract, gap, relax=relax)
        for day in range(days - gap):
            for first, var in shifts[day].items():
                later = [
                    shifts[day + gap][t] for t in banned.get(first, ()) if t in shifts[day + gap]
                ]
                if later:
                    model.add_at_most_one([var, *later])
    for day in range(min(days, 2)):
        for t, var in shifts[day].items():
            start = day * MINUTES_PER_DAY + templates[t].start
            too_close = (
                RuleFamily.REST_BETWEEN_SHIFTS not in relax
                and history.last_shift_end is not None
                and start - history.last_shift_end < contract.min_rest_minutes
            )
            after_night = (
                RuleFamily.NIGHTS not in relax
                and day == 0
                and contract.no_morning_after_night
                and history.last_shift_kind is ShiftKind.NIGHT
                and templates[t].kind is ShiftKind.MORNING
            )
            if too_close or after_night:
                model.add(var == 0)


def _limit_runs(
    model: cp_model.CpModel, per_day: list[list[cp_model.IntVar]], most: int, before: int
) -> None:
    """No more than `most` days in a row with one of `per_day`'s shifts, counting the
    `before` days in a row that ended just before the horizon."""
    for last in range(len(per_day)):
        first = last - most
        carried = sum(1 for day in range(first, 0) if day >= -before)
        window = [var for day in range(max(first, 0), last + 1) for var in per_day[day]]
        if len(window) + carried > most:
            model.add(sum(window) + carried <= most)


def _night_runs(
    model: cp_model.CpModel, nights: list[list[cp_model.IntVar]], least: int, before: int
) -> None:
    """A run of nights, once started, lasts `least` days (the horizon's end may cut it),
    a run carried in from the last rota included."""
    if least <= 1:
        return
    days = len(nights)
    for day in range(min(days, least - before) if before else 0):
        model.add(cp_model.LinearExpr.sum(nights[day]) >= 1)
    for day in range(days):
        night = cp_model.LinearExpr.sum(nights[day])
        if day == 0:
            started = night - (1 if before else 0)
        else:
            started = night - cp_model.LinearExpr.sum(nights[day - 1])
        for ahead in range(day + 1, min(days, day + least)):
            model.add(started <= cp_model.LinearExpr.sum(nights[ahead]))


def _preferences(built: Built, problem: RotaProblem) -> None:
    index_of = {agent.id: index for index, agent in enumerate(problem.agents)}
    code_of = {template.code: index for index, template in enumerate(problem.templates)}
    horizon = problem.horizon
    for preference in problem.preferences:
        agent = index_of[preference.agent]
        if preference.day is None:
            days = range(horizon.days)
        else:
            offset = (preference.day - horizon.start).days
            if not 0 <= offset < horizon.days:
                continue
            days = range(offset, offset + 1)
        for day in days:
            here = built.by_agent[agent][day]
            if preference.shift is None:
                built.penalty += [(var, preference.weight) for var in here.values()]
            elif preference.day is None:
                wanted = code_of[preference.shift]
                built.penalty += [
                    (var, preference.weight) for t, var in here.items() if t != wanted
                ]
            elif code_of[preference.shift] in here:
                built.penalty.append((here[code_of[preference.shift]], -preference.weight))
                built.penalty_constant += preference.weight


@dataclass
class Stage:
    status: RotaStatus
    values: list[int] | None


def run_stage(
    built: Built,
    objective: cp_model.LinearExprT,
    *,
    seconds: float,
    workers: int,
    hint: list[int] | None,
) -> Stage:
    """Minimise `objective` from `hint` (the last stage's values; None keeps the hints
    the model has) for at most `seconds`."""
    model = built.model
    if hint is not None:
        model.clear_hints()
        for position, value in enumerate(hint):
            model.add_hint(model.get_int_var_from_proto_index(position), value)
    model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 17
    if len(model.proto.variables) > LARGE_MODEL:
        # On a large rota the presolve takes the whole time limit on two loaded cores
        # before the search even takes up the hint; searching from the hint at once
        # (large neighbourhood search around it) gains more from that time.
        solver.parameters.cp_model_presolve = False
    try:
        code = solver.solve(model)
    except (IndexError, RuntimeError):
        # A rare internal error of CP-SAT's presolve with some hints: solve again from
        # no hint rather than fail the rota.
        model.clear_hints()
        code = solver.solve(model)
    if code == cp_model.OPTIMAL:
        status = RotaStatus.OPTIMAL
    elif code == cp_model.FEASIBLE:
        status = RotaStatus.FEASIBLE
    elif code == cp_model.INFEASIBLE:
        status = RotaStatus.INFEASIBLE
    else:
        status = RotaStatus.UNKNOWN
    values = list(solver.response_proto.solution) if status in _SOLVED else None
    return Stage(status, values)


_SOLVED = (RotaStatus.OPTIMAL, RotaStatus.FEASIBLE)
# Variables past which a model counts as large (200 agents × 4 weeks has about 78,000).
LARGE_MODEL = 20_000


def evaluate(value: cp_model.IntVar | int, values: list[int]) -> int:
    """The value of a variable (or a constant) under a solution's values."""
    return value if isinstance(value, int) else values[value.index]


def workers_for(requested: int) -> int:
    """At most the machine's cores, at least one."""
    return max(1, min(requested, os.cpu_count() or 1))


def read_out(
    problem: RotaProblem, built: Built, values: list[int]
) -> tuple[
    list[Assignment],
    dict[str, tuple[float, ...]],
    dict[str, tuple[float, ...]],
    dict[str, tuple[float, ...]],
]:
    """Assignments with breaks handed to agents, coverage, short and over per skill."""
    templates = list(problem.templates)
    chosen: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for (agent, day, option), var in built.works.items():
        if values[var.index]:
            chosen[built.group_of[agent], day, option].append(agent)
    assignments = []
    for (group, day, template_index), members in sorted(chosen.items()):
        template = templates[template_index]
        begin = day * MINUTES_PER_DAY + template.start
        offsets: list[list[int]] = []
        for break_index, _brk in enumerate(template.breaks):
            placed = built.break_counts[group, day, template_index, break_index]
            offsets.append([offset for offset, var in placed for _ in range(values[var.index])])
        for position, agent in enumerate(sorted(members)):
            breaks = tuple(
                PlacedBreak(begin + offsets[b][position], brk.length, brk.paid, brk.meal)
                for b, brk in enumerate(template.breaks)
            )
            assignments.append(
                Assignment(
                    agent=problem.agents[agent].id,
                    day=day,
                    date=problem.horizon.date(day),
                    shift=template.code,
                    start=begin,
                    end=begin + template.length,
                    breaks=breaks,
                    paid_minutes=template.paid_minutes,
                )
            )
    assignments.sort(key=lambda item: (item.agent, item.day))
    per = built.per_interval
    intervals = problem.horizon.intervals
    coverage, short, over = {}, {}, {}
    for skill in _skills(problem):
        coverage[skill] = tuple(
            _terms_value(built.coverage.get((skill, i), []), values) / per for i in range(intervals)
        )
        short[skill] = tuple(
            evaluate(built.short[skill, i], values) / per for i in range(intervals)
        )
        over[skill] = tuple(evaluate(built.over[skill, i], values) / per for i in range(intervals))
    return assignments, coverage, short, over


def _terms_value(terms: Terms, values: list[int]) -> int:
    return sum(values[var.index] * weight for var, weight in terms)


class Clock:
    """The time left of a solve's budget."""

    def __init__(self, seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self.began = now()
        self.deadline = self.began + seconds

    def left(self) -> float:
        return max(0.0, self.deadline - self.now())

    def spent(self) -> float:
        return self.now() - self.began
