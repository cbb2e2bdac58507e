"""An independent checker of a generated rota: each contract rule worked out again from
the assignments alone (times, breaks, leave), without the solver's model, its forbidden
pairs or its week bounds. The rota tests judge every solve by it."""

from __future__ import annotations

import math
from collections import defaultdict

from kefu.workforce.rota import Assignment, RotaProblem, RotaResult, ShiftKind, ShiftTemplate

DAY = 24 * 60


def _template(problem: RotaProblem, code: str) -> ShiftTemplate:
    return next(template for template in problem.templates if template.code == code)


def rule_violations(problem: RotaProblem, result: RotaResult) -> list[str]:
    """Every broken rule as a sentence; empty for a valid rota."""
    found: list[str] = []
    horizon = problem.horizon
    agents = {agent.id: agent for agent in problem.agents}
    by_agent: dict[str, list[Assignment]] = defaultdict(list)
    for item in result.assignments:
        by_agent[item.agent].append(item)
    for agent_id, items in by_agent.items():
        agent = agents[agent_id]
        contract = agent.contract
        history = agent.history
        items.sort(key=lambda item: item.start)
        days = [item.day for item in items]
        if len(set(days)) != len(days):
            found.append(f"{agent_id}: two shifts on one day")
        worked: dict[int, Assignment] = {item.day: item for item in items}
        for item in items:
            template = _template(problem, item.shift)
            if item.date in agent.leave or item.date != horizon.date(item.day):
                found.append(f"{agent_id}: works on leave day {item.date}")
            if agent.shifts is not None and item.shift not in agent.shifts:
                found.append(f"{agent_id}: shift {item.shift} not allowed")
            if item.start != item.day * DAY + template.start or (
                item.end - item.start != template.length
            ):
                found.append(f"{agent_id}: shift times wrong on day {item.day}")
            if len(item.breaks) != len(template.breaks):
                found.append(f"{agent_id}: breaks missing on day {item.day}")
            previous_end = item.start
            for placed, rule in zip(item.breaks, template.breaks, strict=False):
                offset = placed.start - item.start
                if not rule.earliest <= offset <= rule.latest or placed.length != rule.length:
                    found.append(f"{agent_id}: break outside its window on day {item.day}")
                if placed.start < previous_end or placed.end > item.end:
                    found.append(f"{agent_id}: breaks overlap on day {item.day}")
                if placed.paid != rule.paid or placed.meal != rule.meal:
                    found.append(f"{agent_id}: break kind changed on day {item.day}")
                previous_end = placed.end
            paid = template.length - sum(b.length for b in template.breaks if not b.paid)
            if item.paid_minutes != paid:
                found.append(f"{agent_id}: paid minutes wrong on day {item.day}")
        # Weekly hours and rest days, per 7-day block from the first day.
        for first in range(0, horizon.days, 7):
            block = range(first, min(horizon.days, first + 7))
            length = len(block)
            leave = sum(1 for day in block if horizon.date(day) in agent.leave)
            minutes = sum(worked[day].paid_minutes for day in block if day in worked)
            working_days = 7 - contract.rest_days_per_week
            least = math.floor(contract.min_minutes_per_week * length / 7)
            if working_days:
                least -= math.floor(leave * contract.min_minutes_per_week / working_days)
            most = math.ceil(contract.max_minutes_per_week * length / 7)
            if minutes > most:
                found.append(f"{agent_id}: {minutes} paid minutes from day {first}, above {most}")
            if minutes < least:
                found.append(f"{agent_id}: {minutes} paid minutes from day {first}, below {least}")
            off = sum(1 for day in block if day not in worked)
            if off < math.floor(contract.rest_days_per_week * length / 7):
                found.append(f"{agent_id}: {off} rest days in week from day {first}")
        # Days in a row and nights in a row, with the days before the horizon.
        work_flags = [True] * history.days_worked_in_a_row + [
            day in worked for day in range(horizon.days)
        ]
        if _longest_run(work_flags, history.days_worked_in_a_row) > contract.max_consecutive_days:
            found.append(f"{agent_id}: more than {contract.max_consecutive_days} days in a row")
        night_flags = [True] * history.nights_in_a_row + [
            day in worked and _template(problem, worked[day].shift).kind is ShiftKind.NIGHT
            for day in range(horizon.days)
        ]
        if _longest_run(night_flags, history.nights_in_a_row) > contract.max_consecutive_nights:
            found.append(f"{agent_id}: too many nights in a row")
        for length, ends_at_horizon_end in _runs(night_flags):
            if length < contract.min_consecutive_nights and not ends_at_horizon_end:
                found.append(f"{agent_id}: a run of {length} nights, too short")
        # Rest between the end of one shift and the start of the next, in real minutes.
        ends = [history.last_shift_end] if history.last_shift_end is not None else []
        previous = ends[0] if ends else None
        for item in items:
            if previous is not None and item.start - previous < contract.min_rest_minutes:
                found.append(
                    f"{agent_id}: {item.start - previous} minutes rest before day {item.day}"
                )
            previous = item.end
        # No morning shift the day after a night shift.
        if contract.no_morning_after_night:
            kinds = {day: _template(problem, item.shift).kind for day, item in worked.items()}
            if history.last_shift_kind is ShiftKind.NIGHT:
                kinds[-1] = ShiftKind.NIGHT
            for day, kind in kinds.items():
                if kind is ShiftKind.NIGHT and kinds.get(day + 1) is ShiftKind.MORNING:
                    found.append(f"{agent_id}: morning after night on day {day + 1}")
    found += coverage_violations(problem, result)
    return found


def _longest_run(flags: list[bool], carried: int) -> int:
    """The longest run of True that reaches into the horizon (after the `carried` days
    before it): a run wholly before the horizon belongs to the last rota."""
    best = current = 0
    for position, flag in enumerate(flags):
        current = current + 1 if flag else 0
        if position >= carried:
            best = max(best, current)
    return best


def _runs(flags: list[bool]) -> list[tuple[int, bool]]:
    """(length, whether it reaches the last day) of each run of True."""
    runs = []
    current = 0
    for flag in flags:
        if flag:
            current += 1
        elif current:
            runs.append((current, False))
            current = 0
    if current:
        runs.append((current, True))
    return runs


def present_agents(problem: RotaProblem, result: RotaResult) -> dict[str, list[float]]:
    """Per agent id, the agents-worth present in each interval (breaks taken out)."""
    horizon = problem.horizon
    size = horizon.interval_minutes
    present: dict[str, list[float]] = defaultdict(lambda: [0.0] * horizon.intervals)
    for item in result.assignments:
        minutes = [0] * horizon.minutes
        for minute in range(max(0, item.start), min(item.end, horizon.minutes)):
            minutes[minute] = 1
        for placed in item.breaks:
            for minute in range(max(0, placed.start), min(placed.end, horizon.minutes)):
                minutes[minute] = 0
        row = present[item.agent]
        for interval in range(horizon.intervals):
            row[interval] += sum(minutes[interval * size : (interval + 1) * size]) / size
    return present


def coverage_violations(problem: RotaProblem, result: RotaResult) -> list[str]:
    """The reported coverage must be the agents present, each counted once, only for
    skills they hold; short and over must follow from it and the requirement."""
    found = []
    horizon = problem.horizon
    present = present_agents(problem, result)
    skills_of = {agent.id: agent.skills for agent in problem.agents}
    for interval in range(horizon.intervals):
        total = sum(row[interval] for row in present.values())
        reported = sum(curve[interval] for curve in result.coverage.values())
        if abs(total - reported) > 1e-6:
            found.append(f"interval {interval}: {reported} covered but {total} present")
        for skill, curve in result.coverage.items():
            able = sum(row[interval] for agent, row in present.items() if skill in skills_of[agent])
            if curve[interval] > able + 1e-6:
                found.append(f"interval {interval}: {skill} covered beyond its agents")
            needed = problem.requirements.get(skill, [0] * horizon.intervals)[interval]
            short = max(0.0, needed - curve[interval])
            over = max(0.0, curve[interval] - needed)
            if abs(result.short[skill][interval] - short) > 1e-6:
                found.append(f"interval {interval}: {skill} short misreported")
            if abs(result.over[skill][interval] - over) > 1e-6:
                found.append(f"interval {interval}: {skill} over misreported")
    return found
