"""Property tests of the rota solver over random small requirements and teams (issue 17
point 3): every contract rule holds on every generated rota, judged by the independent
checker; coverage meets the requirement wherever a rota that meets it exists; leave is
kept; a shortfall is explained interval by interval in Chinese.

The monthly rota (排班表): 002 第15篇 3.1.1.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.workforce.rota import (
    Agent,
    Break,
    Contract,
    History,
    Horizon,
    RotaProblem,
    RotaResult,
    RotaStatus,
    ShiftKind,
    ShiftTemplate,
    solve_rota,
)
from kefu.workforce.rota.greedy import greedy_plan, hint_from_plan
from kefu.workforce.rota.solver import build, read_out
from kefu.workforce.tests.rota_checks import present_agents, rule_violations

HOUR = 60
START = dt.date(2026, 12, 7)
SKILLS = ("general", "broadband")
POOL = (
    ShiftTemplate(
        "M",
        7 * HOUR,
        8 * HOUR,
        ShiftKind.MORNING,
        (Break(15, 90, 150), Break(30, 210, 270, paid=False, meal=True)),
    ),
    ShiftTemplate("D", 10 * HOUR, 8 * HOUR, ShiftKind.DAY, (Break(30, 180, 300, paid=False),)),
    ShiftTemplate("E", 15 * HOUR, 8 * HOUR, ShiftKind.EVENING, (Break(15, 120, 180),)),
    ShiftTemplate("N", 22 * HOUR, 9 * HOUR, ShiftKind.NIGHT, (Break(30, 240, 300, paid=False),)),
    ShiftTemplate("Z", 0, 8 * HOUR, ShiftKind.NIGHT),
)
FAST = settings(
    max_examples=20,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def solve(problem: RotaProblem, *, explain: bool = True) -> RotaResult:
    with translation.override("zh-hans"):
        return solve_rota(problem, time_limit_seconds=4, workers=2, explain=explain)


contracts = st.builds(
    Contract,
    min_minutes_per_week=st.sampled_from([0, 0, 0, 8 * HOUR]),
    max_minutes_per_week=st.sampled_from([16 * HOUR, 40 * HOUR, 48 * HOUR]),
    rest_days_per_week=st.integers(0, 3),
    max_consecutive_days=st.integers(1, 6),
    min_rest_minutes=st.sampled_from([8 * HOUR, 11 * HOUR, 12 * HOUR]),
    max_consecutive_nights=st.integers(1, 4),
    min_consecutive_nights=st.integers(1, 2),
)


@st.composite
def histories(draw: st.DrawFn) -> History:
    kind = draw(st.sampled_from([None, ShiftKind.DAY, ShiftKind.NIGHT]))
    if kind is None:
        return History()
    days = draw(st.integers(1, 4))
    if kind is ShiftKind.NIGHT:
        # Last night's shift ended this morning.
        return History(
            days, draw(st.sampled_from([1, 2, 2])), draw(st.sampled_from([360, 480])), kind
        )
    return History(days, 0, -draw(st.integers(2, 10)) * HOUR, kind)


@st.composite
def problems(draw: st.DrawFn) -> RotaProblem:
    days = draw(st.integers(2, 6))
    horizon = Horizon(START, days, draw(st.sampled_from([15, 30, 30])))
    templates = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique_by=id))
    agents = []
    for number in range(draw(st.integers(1, 4))):
        skills = draw(st.sets(st.sampled_from(SKILLS), min_size=1))
        leave = draw(st.sets(st.integers(0, days - 1), max_size=2))
        agents.append(
            Agent(
                f"A{number}",
                frozenset(skills),
                draw(contracts),
                frozenset(START + dt.timedelta(day) for day in leave),
                draw(histories()),
            )
        )
    requirements = {
        skill: draw(
            st.lists(st.integers(0, 2), min_size=horizon.intervals, max_size=horizon.intervals)
        )
        for skill in SKILLS
    }
    return RotaProblem(horizon, requirements, templates, agents)


@FAST
@given(problems())
def test_every_rule_holds_on_every_generated_rota(problem: RotaProblem) -> None:
    result = solve(problem, explain=False)
    if result.status is RotaStatus.INFEASIBLE:
        # Rules that cannot all hold (a weekly minimum beyond the shifts allowed, a run
        # of nights carried in that leave cuts short) are said, not broken.
        return
    assert result.status in (RotaStatus.OPTIMAL, RotaStatus.FEASIBLE)
    assert rule_violations(problem, result) == []
    for item in result.assignments:
        agent = next(agent for agent in problem.agents if agent.id == item.agent)
        assert item.date not in agent.leave


@st.composite
def problems_with_a_witness(draw: st.DrawFn) -> tuple[RotaProblem, int]:
    """A team and a rota it can work (each agent one shift on chosen days, one skill a
    shift); the requirement is what that rota covers, rounded down."""
    days = draw(st.integers(2, 7))
    horizon = Horizon(START, days, draw(st.sampled_from([15, 30])))
    templates = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique_by=id))
    contract = Contract(
        max_minutes_per_week=7 * 9 * HOUR,
        rest_days_per_week=draw(st.integers(0, 2)),
        max_consecutive_days=7,
        max_consecutive_nights=7,
    )
    resting = contract.rest_days_per_week * days // 7
    agents, witness = [], []
    for number in range(draw(st.integers(1, 4))):
        skills = draw(st.sets(st.sampled_from(SKILLS), min_size=1))
        leave = draw(st.sets(st.integers(0, days - 1), max_size=1))
        template = draw(st.sampled_from(templates))
        free = [day for day in range(days) if day not in leave]
        worked = draw(st.sets(st.sampled_from(free), max_size=days - resting)) if free else set()
        agent = Agent(
            f"A{number}",
            frozenset(skills),
            contract,
            frozenset(START + dt.timedelta(day) for day in leave),
        )
        agents.append(agent)
        witness += [(agent, day, template, draw(st.sampled_from(sorted(skills)))) for day in worked]
    requirements = {skill: [0.0] * horizon.intervals for skill in SKILLS}
    size = horizon.interval_minutes
    for _agent, day, template, skill in witness:
        minutes = set(range(day * 1440 + template.start, day * 1440 + template.end))
        for brk in template.breaks:
            first = day * 1440 + template.start + brk.earliest
            minutes -= set(range(first, first + brk.length))
        for minute in minutes:
            if minute < horizon.minutes:
                requirements[skill][minute // size] += 1 / size
    curves = {
        skill: [int(value + 1e-9) for value in curve] for skill, curve in requirements.items()
    }
    return RotaProblem(horizon, curves, templates, agents), len(witness)


@FAST
@given(problems_with_a_witness())
def test_coverage_meets_the_requirement_wherever_a_rota_can(
    case: tuple[RotaProblem, int],
) -> None:
    problem, _shifts = case
    result = solve(problem)
    assert result.status is RotaStatus.OPTIMAL
    assert result.short_total == 0
    assert all(value == 0 for curve in result.short.values() for value in curve)
    assert rule_violations(problem, result) == []
    assert result.explanation is None


@settings(FAST, max_examples=12)
@given(problems())
def test_a_shortfall_is_explained_interval_by_interval(problem: RotaProblem) -> None:
    result = solve(problem)
    if result.status is RotaStatus.INFEASIBLE:
        # Rules that cannot all hold (a weekly minimum beyond the shifts allowed, a run
        # of nights carried in that leave cuts short) are said, never broken.
        assert result.explanation is not None
        assert result.explanation.text.startswith("排班规则相互矛盾")
        return
    if result.short_total == 0:
        assert result.explanation is None
        return
    explanation = result.explanation
    assert explanation is not None
    assert explanation.text.startswith("需求无法全部满足")
    # Every short interval lies in exactly one explained run of its skill, and the runs
    # add up to the shortfall.
    for skill, curve in result.short.items():
        for interval, short in enumerate(curve):
            runs = [
                run
                for run in explanation.shortfalls
                if run.skill == skill and run.first_interval <= interval <= run.last_interval
            ]
            assert len(runs) == (1 if short > 0 else 0)
    assert (
        abs(sum(run.agent_intervals_short for run in explanation.shortfalls) - result.short_total)
        < 1e-6
    )
    for run in explanation.shortfalls:
        assert run.reasons
        # Where the requirement exceeds the agents who could be there, the bound is
        # named, and no rota has more agents present than that bound.
        if run.most_agents_available < run.most_agents_required:
            present = present_agents(problem, result)
            holders = [a.id for a in problem.agents if run.skill in a.skills]
            for interval in range(run.first_interval, run.last_interval + 1):
                on = sum(
                    1 for agent in holders if present.get(agent, [0] * (interval + 1))[interval] > 0
                )
                assert on <= run.most_agents_available


@FAST
@given(problems())
def test_the_greedy_first_rota_keeps_every_rule_when_it_says_so(problem: RotaProblem) -> None:
    """When the solver runs out of time before taking up the greedy rota, that rota
    stands as the result: it must then keep every rule by itself."""
    first = greedy_plan(problem, seconds=0.5)
    built = build(problem)
    values = hint_from_plan(problem, built, first)
    assignments, coverage, short, over = read_out(problem, built, values)
    result = RotaResult(
        status=RotaStatus.FEASIBLE,
        assignments=tuple(assignments),
        coverage=coverage,
        short=short,
        over=over,
        short_total=sum(map(sum, short.values())),
        over_total=sum(map(sum, over.values())),
        preference_cost=0,
        solve_seconds=0.0,
    )
    violations = rule_violations(problem, result)
    if first.complete:
        assert violations == []
    else:
        # What it may break is only what it says it does not ensure.
        assert all(item.endswith("too short") or ", below " in item for item in violations)
