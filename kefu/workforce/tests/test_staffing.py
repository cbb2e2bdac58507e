"""Staffing by Erlang C and Erlang A (issue 17, point 2): the published worked example, the
properties every answer must have, and a centre of 10,000 Erlangs."""

from __future__ import annotations

import heapq
import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.workforce import staffing


def erlang_b_by_recursion(agents: int, traffic: float) -> float:
    """The textbook recursion B(k) = A·B(k−1) / (k + A·B(k−1)), stable at any size."""
    loss = 1.0
    for k in range(1, agents + 1):
        loss = traffic * loss / (k + traffic * loss)
    return loss


def test_the_published_worked_example() -> None:
    """The widely published Erlang C worked example (callcentrehelper.com, "Erlang C
    Formula – Made Simple With an Easy Worked Example"): 100 calls in 30 minutes, 180 s
    handle time, 80 % answered in 20 s, 85 % maximum occupancy, 30 % shrinkage: 10 Erlangs,
    14 agents on the phones, 20 scheduled, service level 0.888."""
    plan = staffing.plan(
        calls=100,
        interval_seconds=30 * 60,
        aht_seconds=180,
        target=0.8,
        answer_seconds=20,
        max_occupancy=0.85,
        shrinkage=0.3,
    )
    assert plan.traffic_erlangs == 10
    assert plan.figures.agents == 14
    assert plan.scheduled_agents == 20
    assert round(plan.figures.service_level, 3) == 0.888
    assert round(plan.figures.prob_wait, 4) == 0.1741
    assert round(plan.figures.asa_seconds, 1) == 7.8
    assert plan.figures.occupancy == pytest.approx(10 / 14)
    # 13 agents fall short of the target: 14 is the fewest.
    assert staffing.service_level(13, 10, aht_seconds=180, answer_seconds=20) < 0.8


def test_the_occupancy_cap_adds_agents_when_it_binds() -> None:
    # 80 % in 60 s needs few agents for 20 Erlangs; 85 % occupancy needs ceil(20/0.85) = 24.
    loose = staffing.agents_required(20, aht_seconds=180, target=0.8, answer_seconds=60)
    capped = staffing.agents_required(
        20, aht_seconds=180, target=0.8, answer_seconds=60, max_occupancy=0.85
    )
    assert int(loose) < 24 == int(capped)
    # 10 / 0.625 is 16.000000000000004 in floating point: still 16 agents.
    assert (
        int(
            staffing.agents_required(
                10, aht_seconds=180, target=0.01, answer_seconds=20, max_occupancy=0.625
            )
        )
        == 16
    )


def test_shrinkage_rounds_up_and_no_calls_need_no_one() -> None:
    assert staffing.scheduled_agents(14, 0.3) == 20
    assert staffing.scheduled_agents(7, 0.3) == 10  # 7 / 0.7 is 10.000000000000002
    assert staffing.scheduled_agents(10, 0.0) == 10
    plan = staffing.plan(
        calls=0, interval_seconds=1800, aht_seconds=180, target=0.8, answer_seconds=20
    )
    assert plan.as_dict() == {
        "traffic_erlangs": 0.0,
        "agents": 0,
        "scheduled_agents": 0,
        "prob_wait": 0.0,
        "service_level": 1.0,
        "asa_seconds": 0.0,
        "occupancy": 0.0,
    }


@pytest.mark.parametrize(
    ("agents", "traffic"),
    [(1, 0.5), (5, 10.0), (14, 10.0), (120, 100.0), (9_000, 10_000.0), (10_200, 10_000.0)],
)
def test_erlang_b_agrees_with_the_recursion(agents: int, traffic: float) -> None:
    assert float(staffing.erlang_b(agents, traffic)) == pytest.approx(
        erlang_b_by_recursion(agents, traffic), rel=1e-9
    )


def test_erlang_b_far_below_the_traffic_where_the_poisson_tail_underflows() -> None:
    # P(N ≤ 2000) for N ~ Poisson(10,000) is below 1e-300: the series takes over.
    assert float(staffing.erlang_b(2_000, 10_000.0)) == pytest.approx(
        erlang_b_by_recursion(2_000, 10_000.0), rel=1e-12
    )


def test_ten_thousand_erlangs_without_overflow() -> None:
    """A centre of 10,000 Erlangs: no factorial overflows (warnings are errors in the
    suite), the answer meets the target with one agent fewer falling short, and it lies where
    square-root staffing puts it (A + β·√A with β of order 1)."""
    traffic = 10_000.0
    with np.errstate(all="raise"):
        agents = int(
            staffing.agents_required(traffic, aht_seconds=180, target=0.8, answer_seconds=20)
        )
    level = float(staffing.service_level(agents, traffic, aht_seconds=180, answer_seconds=20))
    short = float(staffing.service_level(agents - 1, traffic, aht_seconds=180, answer_seconds=20))
    assert short < 0.8 <= level
    assert traffic < agents < traffic + 3 * math.sqrt(traffic)
    waiting = float(staffing.prob_wait(agents, traffic))
    assert 0 < waiting < 1
    assert float(staffing.asa_seconds(agents, traffic, aht_seconds=180)) > 0
    assert float(staffing.occupancy(agents, traffic)) == pytest.approx(traffic / agents)
    # Erlang C by the recursion at the answer, as a second opinion.
    loss = erlang_b_by_recursion(agents, traffic)
    assert waiting == pytest.approx(agents * loss / (agents - traffic * (1 - loss)), rel=1e-9)
    # Erlang A at the same size: finite, sensible, and no more agents.
    figures = staffing.erlang_a(
        agents, traffic, aht_seconds=180, answer_seconds=20, patience_seconds=60
    )
    assert 0 <= figures.prob_wait <= waiting
    assert figures.service_level >= level
    assert figures.abandon_rate is not None and 0 < figures.abandon_rate < 0.01
    needed = staffing.agents_required_erlang_a(
        traffic, aht_seconds=180, target=0.8, answer_seconds=20, patience_seconds=60
    )
    assert needed <= agents
    # So many agents short of the traffic that the queue holds steady only because the
    # callers it cannot answer hang up: λ − n·μ of them a second, θ·E[queue] = λ·P(abandon).
    at_least = staffing.erlang_a(
        needed, traffic, aht_seconds=180, answer_seconds=20, patience_seconds=60
    )
    assert at_least.service_level >= 0.8
    assert at_least.abandon_rate == pytest.approx(1 - needed / traffic, rel=1e-3)
    assert at_least.occupancy == pytest.approx(1.0)


def test_a_day_at_once_equals_each_interval_alone() -> None:
    rng = np.random.default_rng(17)
    traffic = rng.uniform(0, 80, size=(96, 5))
    traffic[0, 0] = 0.0
    aht = rng.uniform(120, 400, size=5)
    day = staffing.agents_required(
        traffic, aht_seconds=aht, target=0.8, answer_seconds=20, max_occupancy=0.9
    )
    assert day.shape == (96, 5)
    for (i, q), agents in np.ndenumerate(day):
        alone = staffing.agents_required(
            traffic[i, q], aht_seconds=aht[q], target=0.8, answer_seconds=20, max_occupancy=0.9
        )
        assert agents == int(alone)
    assert day[0, 0] == 0


@pytest.mark.parametrize(
    ("traffic", "aht", "target", "answer", "says"),
    [
        (10, 180, 1.2, 20, "target"),
        (10, 180, 0, 20, "target"),
        (math.nan, 180, 0.8, 20, "traffic"),
        (math.inf, 180, 0.8, 20, "traffic"),
        (-1, 180, 0.8, 20, "traffic"),
        (10, 0, 0.8, 20, "handle time"),
        (10, 180, 0.8, -1, "answer time"),
    ],
)
def test_inputs_that_cannot_be_planned_are_refused(
    traffic: float, aht: float, target: float, answer: float, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        staffing.agents_required(traffic, aht_seconds=aht, target=target, answer_seconds=answer)


traffics = st.floats(min_value=0.01, max_value=400, allow_nan=False)
handle_times = st.floats(min_value=10, max_value=1200, allow_nan=False)
answer_times = st.floats(min_value=0, max_value=120, allow_nan=False)
targets = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)


@given(traffic=traffics, aht=handle_times, answer=answer_times, extra=st.integers(0, 150))
def test_more_agents_never_lower_the_service_level(
    traffic: float, aht: float, answer: float, extra: int
) -> None:
    agents = np.arange(max(0, math.floor(traffic) - 3), math.floor(traffic) + extra + 2)
    levels = staffing.service_level(agents, traffic, aht_seconds=aht, answer_seconds=answer)
    assert ((levels >= 0) & (levels <= 1)).all()
    assert (np.diff(levels) >= -1e-12).all()
    waits = staffing.prob_wait(agents, traffic)
    assert (np.diff(waits) <= 1e-12).all()


@given(traffic=traffics, extra=st.integers(1, 500))
def test_occupancy_is_traffic_over_agents(traffic: float, extra: int) -> None:
    agents = math.floor(traffic) + extra
    assert float(staffing.occupancy(agents, traffic)) == pytest.approx(traffic / agents)


@given(
    traffic=traffics,
    aht=handle_times,
    answer=answer_times,
    target=targets,
    cap=st.floats(min_value=0.5, max_value=1.0),
)
def test_the_answer_is_the_fewest_agents_meeting_both_limits(
    traffic: float, aht: float, answer: float, target: float, cap: float
) -> None:
    agents = int(
        staffing.agents_required(
            traffic, aht_seconds=aht, target=target, answer_seconds=answer, max_occupancy=cap
        )
    )

    def meets(n: int) -> bool:
        level = staffing.service_level(n, traffic, aht_seconds=aht, answer_seconds=answer)
        return bool(level >= target) and traffic / n <= cap + 1e-9

    assert meets(agents)
    assert agents == 1 or not meets(agents - 1)


@given(
    traffic=st.floats(min_value=0.05, max_value=150),
    aht=st.floats(min_value=30, max_value=900),
    answer=st.floats(min_value=0, max_value=90),
    patience=st.floats(min_value=1, max_value=5_000),
    target=targets,
)
def test_erlang_a_never_needs_more_agents_than_erlang_c(
    traffic: float, aht: float, answer: float, patience: float, target: float
) -> None:
    erlang_c = int(
        staffing.agents_required(traffic, aht_seconds=aht, target=target, answer_seconds=answer)
    )
    erlang_a = staffing.agents_required_erlang_a(
        traffic, aht_seconds=aht, target=target, answer_seconds=answer, patience_seconds=patience
    )
    assert erlang_a <= erlang_c
    met = staffing.erlang_a(
        erlang_a, traffic, aht_seconds=aht, answer_seconds=answer, patience_seconds=patience
    )
    assert met.service_level >= target
    # And at every number of agents: a service level as high, an occupancy as low.
    for agents in {max(1, erlang_a - 1), erlang_a, erlang_c}:
        a = staffing.erlang_a(
            agents, traffic, aht_seconds=aht, answer_seconds=answer, patience_seconds=patience
        )
        c = staffing.erlang_c(agents, traffic, aht_seconds=aht, answer_seconds=answer)
        assert a.service_level >= c.service_level - 1e-9
        assert a.occupancy <= c.occupancy + 1e-12
        assert a.prob_wait <= c.prob_wait + 1e-9


@given(
    traffic=st.floats(min_value=0.05, max_value=40),
    aht=st.floats(min_value=30, max_value=900),
    answer=st.floats(min_value=0, max_value=90),
    patience=st.floats(min_value=1, max_value=5_000),
)
def test_erlang_a_more_agents_never_lower_the_service_level_nor_raise_abandonment(
    traffic: float, aht: float, answer: float, patience: float
) -> None:
    """What the search for Erlang A's fewest agents relies on, from one agent to well past
    the traffic."""
    top = math.ceil(traffic + 3 * math.sqrt(traffic)) + 2
    figures = [
        staffing.erlang_a(
            n, traffic, aht_seconds=aht, answer_seconds=answer, patience_seconds=patience
        )
        for n in range(1, top)
    ]
    for fewer, more in itertools.pairwise(figures):
        assert more.service_level >= fewer.service_level - 1e-9
        assert more.abandon_rate is not None and fewer.abandon_rate is not None
        assert more.abandon_rate <= fewer.abandon_rate + 1e-9
        assert more.occupancy <= fewer.occupancy + 1e-9
        assert 0 <= more.prob_wait <= 1 and 0 <= more.service_level <= 1


def stationary(agents: int, traffic: float, aht: float, patience: float) -> list[float]:
    """The M/M/n+M queue's stationary distribution, from its birth-death balance alone."""
    lam, mu, theta = traffic / aht, 1 / aht, 1 / patience
    logs = [0.0]
    state = 0
    while True:
        state += 1
        death = min(state, agents) * mu + max(state - agents, 0) * theta
        logs.append(logs[-1] + math.log(lam / death))
        if state > agents and logs[-1] < max(logs) - 60:
            break
    top = max(logs)
    weights = [math.exp(value - top) for value in logs]
    total = sum(weights)
    return [w / total for w in weights]


@pytest.mark.parametrize(
    ("agents", "traffic", "patience"),
    [(11, 10.0, 60.0), (8, 10.0, 60.0), (14, 10.0, 600.0), (3, 10.0, 30.0), (95, 100.0, 120.0)],
)
def test_erlang_a_agrees_with_the_queue_s_stationary_distribution(
    agents: int, traffic: float, patience: float
) -> None:
    """P(wait) is the chance of finding every agent busy; P(abandon) is θ·E[queue] ÷ λ."""
    probabilities = stationary(agents, traffic, 180.0, patience)
    waiting = sum(probabilities[agents:])
    queue = sum((j - agents) * p for j, p in enumerate(probabilities) if j > agents)
    abandoning = (queue / patience) / (traffic / 180.0)
    figures = staffing.erlang_a(
        agents, traffic, aht_seconds=180, answer_seconds=20, patience_seconds=patience
    )
    assert figures.prob_wait == pytest.approx(waiting, rel=1e-7)
    assert figures.abandon_rate == pytest.approx(abandoning, rel=1e-7)
    assert figures.occupancy == pytest.approx(traffic * (1 - abandoning) / agents, rel=1e-7)


def simulate(
    agents: int, traffic: float, aht: float, patience: float, answer: float, calls: int, seed: int
) -> dict[str, float]:
    """M/M/n+M, first come first served, call by call: each caller takes the agent that
    frees first, or hangs up when that comes later than their patience."""
    rng = random.Random(seed)
    free = [0.0] * agents
    offered = answered = soon = waited = abandoned = abandoned_soon = 0
    now, total_wait = 0.0, 0.0
    for _ in range(calls):
        now += rng.expovariate(traffic / aht)
        offered += 1
        start = max(now, free[0])
        wait = start - now
        waited += wait > 0
        limit = rng.expovariate(1 / patience)
        if wait > limit:
            abandoned += 1
            abandoned_soon += limit <= answer
            continue
        answered += 1
        soon += wait <= answer
        total_wait += wait
        heapq.heapreplace(free, start + rng.expovariate(1 / aht))
    return {
        "prob_wait": waited / offered,
        "service_level": soon / (offered - abandoned_soon),
        "asa_seconds": total_wait / answered,
        "abandon_rate": abandoned / offered,
    }


@pytest.mark.parametrize(("agents", "patience"), [(9, 45.0), (11, 120.0)])
def test_erlang_a_agrees_with_a_simulated_queue(agents: int, patience: float) -> None:
    """The service level as the centre counts it (answered within Y ÷ offered less those
    who hung up within Y) and the ASA of answered calls, against 300,000 simulated calls."""
    simulated = simulate(agents, 10.0, 180.0, patience, 20.0, 300_000, seed=agents)
    figures = staffing.erlang_a(
        agents, 10.0, aht_seconds=180, answer_seconds=20, patience_seconds=patience
    )
    assert figures.prob_wait == pytest.approx(simulated["prob_wait"], abs=0.01)
    assert figures.service_level == pytest.approx(simulated["service_level"], abs=0.01)
    assert figures.abandon_rate == pytest.approx(simulated["abandon_rate"], abs=0.01)
    assert figures.asa_seconds == pytest.approx(simulated["asa_seconds"], rel=0.05)


def test_erlang_a_becomes_erlang_c_as_patience_grows() -> None:
    for agents in (11, 14, 20):
        c = staffing.erlang_c(agents, 10.0, aht_seconds=180, answer_seconds=20)
        a = staffing.erlang_a(
            agents, 10.0, aht_seconds=180, answer_seconds=20, patience_seconds=1e9
        )
        assert a.prob_wait == pytest.approx(c.prob_wait, rel=1e-5)
        assert a.service_level == pytest.approx(c.service_level, rel=1e-5)
        assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-5)


def test_patience_from_the_centre_s_own_calls() -> None:
    """Mean patience = total wait of all calls ÷ calls abandoned (Brown et al., JASA 2005):
    on simulated callers of mean patience 90 s it finds about 90 s."""
    rng = random.Random(7)
    total_wait, abandoned = 0.0, 0
    for _ in range(200_000):
        offered_wait = rng.expovariate(1 / 40)  # how long the queue would have kept them
        patience = rng.expovariate(1 / 90)
        total_wait += min(offered_wait, patience)
        abandoned += patience < offered_wait
    estimate = staffing.patience_seconds(total_wait_seconds=total_wait, abandoned=abandoned)
    assert estimate == pytest.approx(90, rel=0.02)
    assert staffing.patience_seconds(total_wait_seconds=500.0, abandoned=0) is None
