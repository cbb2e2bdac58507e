"""One call that plans a rota: `solve_rota(problem, time_limit_seconds=…)`."""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python.cp_model import IntVar

from kefu.workforce.rota.explain import (
    explain_infeasible,
    explain_shortfall,
    explain_unknown,
    families_worth_trying,
    relax_seconds,
    relaxed_shortfalls,
)
from kefu.workforce.rota.greedy import greedy_plan, hint_from_plan
from kefu.workforce.rota.problem import RotaProblem
from kefu.workforce.rota.result import RotaResult, RotaStatus, RuleFamily
from kefu.workforce.rota.solver import (
    Built,
    Clock,
    Stage,
    build,
    evaluate,
    read_out,
    run_stage,
    workers_for,
)

# Shares of the time limit: the first stage (short, then over), then what the explanation
# keeps back when agents are short; the preference stage has the rest.
SHORT_SHARE = 0.55
# The first stage's share when no time is kept back for the explanation.
LONE_SHARE = 0.75
# The greedy first rota's improvement, before the solver.
GREEDY_SHARE = 0.1
EXPLAIN_SHARE = 0.3


def solve_rota(
    problem: RotaProblem,
    *,
    time_limit_seconds: float = 30.0,
    workers: int = 2,
    explain: bool = True,
) -> RotaResult:
    """The rota with the fewest agent-intervals short, then the fewest over, then the
    least preference cost, within `time_limit_seconds` (model building included) on at
    most `workers` search workers (never more than the machine's cores). When agents are
    short, or the rules contradict each other, `explanation` says why."""
    clock = Clock(time_limit_seconds)
    workers = workers_for(workers)
    built = build(problem)
    build_seconds = clock.spent()
    size = {
        "variables": len(built.model.proto.variables),
        "constraints": len(built.model.proto.constraints),
    }
    # Trying each rule family relaxed needs a model built and solved per family: only
    # worth keeping time back for when that fits in the explanation's share.
    diagnose = (
        explain
        and len(families_worth_trying(problem)) * relax_seconds(build_seconds)
        <= time_limit_seconds * EXPLAIN_SHARE
    )
    first_rota = greedy_plan(problem, seconds=time_limit_seconds * GREEDY_SHARE)
    first_from_greedy = False
    start = hint_from_plan(problem, built, first_rota)
    # Fewest short first, then fewest over: one objective, short weighted past any
    # over there can be, so one presolve serves both.
    first = run_stage(
        built,
        built.short_then_over(),
        seconds=time_limit_seconds * (SHORT_SHARE if diagnose else LONE_SHARE) - clock.spent(),
        workers=workers,
        hint=start,
    )
    if first.values is None and first_rota.complete and first.status is RotaStatus.UNKNOWN:
        # The solver ran out of time before it could even take up the first rota, which
        # keeps every rule: that rota stands.
        first = Stage(RotaStatus.FEASIBLE, start)
        first_from_greedy = True
    if first.values is None:
        explanation = None
        if explain and first.status is RotaStatus.INFEASIBLE:
            explanation = explain_infeasible(_feasible_when_relaxed(problem, clock, workers))
        elif explain:
            explanation = explain_unknown()
        return RotaResult(
            status=first.status,
            assignments=(),
            coverage={},
            short={},
            over={},
            short_total=0.0,
            over_total=0.0,
            preference_cost=0,
            solve_seconds=clock.spent(),
            stage_statuses=(first.status.value,),
            explanation=explanation,
            model_size=size,
        )
    statuses = [first.status]
    values = first.values
    short_slots = _total(built.short.values(), values)
    reserve = time_limit_seconds * EXPLAIN_SHARE if diagnose and short_slots else 0.0
    shortfall_values = values
    if problem.preferences:
        built.model.add(built.short_total() <= short_slots)
        built.model.add(built.over_total() <= _total(built.over.values(), values))
        stage = run_stage(
            built,
            built.penalty_total(),
            seconds=clock.left() - reserve,
            workers=workers,
            hint=values,
        )
        statuses.append(stage.status)
        if stage.values is not None:
            values = stage.values
    assignments, coverage, short, over = read_out(problem, built, values)
    # The preference stage holds short and over at most where they were; it may still
    # find less.
    short_slots = _total(built.short.values(), values)
    explanation = None
    if explain and short_slots:
        relaxed = (
            relaxed_shortfalls(
                problem, built, shortfall_values, clock=clock, workers=workers, least=build_seconds
            )
            if diagnose
            else None
        )
        explanation = explain_shortfall(
            problem,
            built,
            values,
            proven=first.status is RotaStatus.OPTIMAL,
            relaxed=relaxed,
        )
    optimal = all(status is RotaStatus.OPTIMAL for status in statuses)
    return RotaResult(
        status=RotaStatus.OPTIMAL if optimal else RotaStatus.FEASIBLE,
        assignments=tuple(assignments),
        coverage=coverage,
        short=short,
        over=over,
        short_total=short_slots / built.per_interval,
        over_total=_total(built.over.values(), values) / built.per_interval,
        preference_cost=_preference_cost(built, values),
        solve_seconds=clock.spent(),
        # "greedy" when the first stage's rota is the greedy one the solver had no time
        # to take up.
        stage_statuses=tuple(
            "greedy" if position == 0 and first_from_greedy else status.value
            for position, status in enumerate(statuses)
        ),
        explanation=explanation,
        model_size=size,
    )


def _total(parts: Iterable[IntVar | int], values: list[int]) -> int:
    return sum(evaluate(part, values) for part in parts)


def _preference_cost(built: Built, values: list[int]) -> int:
    return built.penalty_constant + sum(values[var.index] * weight for var, weight in built.penalty)


def _feasible_when_relaxed(problem: RotaProblem, clock: Clock, workers: int) -> list[RuleFamily]:
    families = list(RuleFamily)
    feasible = []
    for position, family in enumerate(families):
        relaxed = build(problem, relax=frozenset({family}))
        stage = run_stage(
            relaxed,
            relaxed.short_total(),
            seconds=clock.left() / (len(families) - position) / 2,
            workers=workers,
            hint=None,
        )
        if stage.values is not None:
            feasible.append(family)
    return feasible
