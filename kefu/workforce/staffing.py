"""Staffing: how many agents an interval needs (Erlang C, and Erlang A beside it).

Pure logic with no database (DESIGN.md: plain modules import the standard library and
numeric libraries only). Every function takes numpy arrays as well as numbers and works
element by element, so a whole day of every queue (96 intervals × 50 queues) is one call.

**Erlang C** (M/M/n: Poisson arrivals, exponential handle times, n agents, callers who
never hang up), for a traffic of A Erlangs (calls × handle time ÷ interval length):

- probability of waiting C(n, A) = n·B / (n − A·(1 − B)), with B the Erlang B loss
  probability;
- service level (X % answered within Y s) = 1 − C·exp(−(n − A)·Y / AHT);
- ASA (average speed of answer) = C·AHT / (n − A);
- occupancy = A / n.

With n ≤ A the queue never empties: every caller waits, the service level is 0, the ASA
has no bound and the agents are always busy. The smallest number of agents meeting a
service-level target under a maximum occupancy is the smallest n that meets both (the
service level only grows with n, the occupancy only falls), and the agents to schedule
are ceil(agents / (1 − shrinkage)).

Large centres: B is never computed from factorials. It is the ratio of the Poisson
probability of n to the Poisson probability of at most n, P(N = n) / P(N ≤ n) for
N ~ Poisson(A), both taken from the (regularised, upper) incomplete gamma function and
the log-gamma function of scipy.special, which stay finite for 10,000 Erlangs and more;
where the incomplete gamma function underflows (Erlang A with far fewer agents than
traffic) the Erlang B recursion, B(k) = A·B(k−1) / (k + A·B(k−1)), is run backwards from n
as a quickly converging series.

**Erlang A** (M/M/n+M: the same, with callers who hang up after an exponentially
distributed patience of mean θ⁻¹), following Garnett, Mandelbaum and Reiman, "Designing a
call center with impatient customers", Manufacturing & Service Operations Management
4(3), 2002, and the waiting-time density of Mandelbaum and Zeltyn, "The M/M/n+G queue:
summary of performance measures" (2009): the offered wait V (how long a caller would wait
with infinite patience) is 0 with the probability that an agent is free, and otherwise has
the density

    f(x) = n·μ·π_n · exp(λ/θ · (1 − e^(−θx)) − n·μ·x),

integrated numerically (scipy's adaptive quadrature, around the peak of the log-concave
integrand and scaled by it, so that nothing overflows however large the centre). A caller is
answered when the patience τ outlasts V and abandons otherwise, so the probability of
abandoning, the probability of waiting, the ASA of answered calls and the occupancy of the
agents (answered traffic ÷ agents) follow. The service level is counted as the centre
counts it in its reports (metrics.indicators.service_level, 002 第7篇 服务水平): calls
answered within Y s ÷ (offered calls − calls abandoned within Y s). So counted, Erlang A
never needs more agents than Erlang C for the same target: its offered wait is shorter
(callers ahead hang up), and a caller who hangs up within Y s is left out rather than
counted against.

**Patience** is estimated from the centre's own calls: for exponential patience, the
maximum-likelihood estimate of its mean is the total time waited by all calls (answered
and abandoned alike: an answered call's wait is a patience cut short) ÷ the number of calls
abandoned, the estimator of Brown, Gans, Mandelbaum, Sakov, Shen, Zeltyn and Zhao,
"Statistical analysis of a telephone call center: a queueing-science perspective", JASA
100(469), 2005, §6, equivalently θ = P(abandon) ÷ E[wait] (Mandelbaum and Zeltyn, 2009).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

# An occupancy computed as A / max_occupancy is rounded up to whole agents; this much
# floating-point error (10 / 0.625 = 16.000000000000004) is not an agent more.
_ROUNDING = 1e-9


def traffic_erlangs(
    *, calls: ArrayLike, interval_seconds: ArrayLike, aht_seconds: ArrayLike
) -> Floats:
    """The offered traffic in Erlangs: the agents' worth of work the calls bring."""
    return (
        np.asarray(calls, dtype=np.float64)
        * np.asarray(aht_seconds, dtype=np.float64)
        / (np.asarray(interval_seconds, dtype=np.float64))
    )


def _log_erlang_b(agents: ArrayLike, traffic: ArrayLike) -> Floats:
    """log B(n, A), the Erlang B loss probability, for n > A (where P(N ≤ n) ≥ ~1/2)."""
    n = np.asarray(agents, dtype=np.float64)
    a = np.asarray(traffic, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_pmf = special.xlogy(n, a) - a - special.gammaln(n + 1)
        return np.asarray(log_pmf - np.log(special.gammaincc(n + 1, a)), dtype=np.float64)


def erlang_b(agents: ArrayLike, traffic: ArrayLike) -> Floats:
    """The Erlang B loss probability B(n, A), for any n ≥ 0 and A ≥ 0."""
    n, a = np.broadcast_arrays(
        np.asarray(agents, dtype=np.float64), np.asarray(traffic, dtype=np.float64)
    )
    result = np.empty(n.shape, dtype=np.float64)
    flat_n, flat_a, flat = n.ravel(), a.ravel(), result.ravel()
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        tail = special.gammaincc(flat_n + 1, flat_a)
        log_pmf = special.xlogy(flat_n, flat_a) - flat_a - special.gammaln(flat_n + 1)
        flat[:] = np.exp(log_pmf - np.log(tail))
    for index in np.flatnonzero(~(tail > 1e-250)):
        flat[index] = _erlang_b_series(int(flat_n[index]), float(flat_a[index]))
    return result


def _erlang_b_series(agents: int, traffic: float) -> float:
    """B(n, A) for the few cases whose Poisson tail underflows, all far below the traffic
    (n < A − 37·√A): 1/B = Σₖ n·(n−1)···(n−k+1) / Aᵏ, a series whose terms shrink at least
    as fast as (n/A)ᵏ, the Erlang B recursion run backwards from n."""
    total, term = 1.0, 1.0
    for k in range(agents):
        term *= (agents - k) / traffic
        total += term
        if term < 1e-17 * total:
            break
    return 1 / total


def _masks(
    agents: ArrayLike, traffic: ArrayLike
) -> tuple[Floats, Floats, NDArray[np.bool_], NDArray[np.bool_]]:
    """n and A broadcast together; where calls come (A > 0); where the queue empties (n > A)."""
    n, a = np.broadcast_arrays(
        np.asarray(agents, dtype=np.float64), np.asarray(traffic, dtype=np.float64)
    )
    busy = a > 0
    return n, a, busy, busy & (n > a)


def prob_wait(agents: ArrayLike, traffic: ArrayLike) -> Floats:
    """Erlang C: the probability that a call waits (1 where n ≤ A, 0 without traffic)."""
    n, a, busy, stable = _masks(agents, traffic)
    safe_n = np.where(stable, n, a + 1)
    safe_a = np.where(busy, a, 1.0)
    loss = np.exp(_log_erlang_b(safe_n, safe_a))
    waiting = np.minimum(safe_n * loss / (safe_n - safe_a * (1 - loss)), 1.0)
    return np.where(stable, waiting, np.where(busy, 1.0, 0.0))


def service_level(
    agents: ArrayLike, traffic: ArrayLike, *, aht_seconds: ArrayLike, answer_seconds: ArrayLike
) -> Floats:
    """Erlang C: the share of calls answered within `answer_seconds` (0 where n ≤ A, 1
    without traffic)."""
    n, a, busy, stable = _masks(agents, traffic)
    excess = np.where(stable, n - a, 1.0)
    answer = np.asarray(answer_seconds, dtype=np.float64)
    level = 1 - prob_wait(n, a) * np.exp(-excess * answer / np.asarray(aht_seconds))
    return np.where(stable, np.clip(level, 0.0, 1.0), np.where(busy, 0.0, 1.0))


def asa_seconds(agents: ArrayLike, traffic: ArrayLike, *, aht_seconds: ArrayLike) -> Floats:
    """Erlang C: the average speed of answer in seconds (infinite where n ≤ A, 0 without
    traffic)."""
    n, a, busy, stable = _masks(agents, traffic)
    excess = np.where(stable, n - a, 1.0)
    asa = prob_wait(n, a) * np.asarray(aht_seconds, dtype=np.float64) / excess
    return np.where(stable, asa, np.where(busy, np.inf, 0.0))


def occupancy(agents: ArrayLike, traffic: ArrayLike) -> Floats:
    """Erlang C: the share of the agents' time spent on calls, A / n (at most 1)."""
    n, a, busy, _stable = _masks(agents, traffic)
    staffed = n > 0
    return np.where(
        staffed, np.minimum(a / np.where(staffed, n, 1.0), 1.0), np.where(busy, 1.0, 0.0)
    )


def agents_required(
    traffic: ArrayLike,
    *,
    aht_seconds: ArrayLike,
    target: ArrayLike,
    answer_seconds: ArrayLike,
    max_occupancy: ArrayLike = 1.0,
) -> Ints:
    """Erlang C: the fewest agents with a service level of at least `target` (answered
    within `answer_seconds`) and an occupancy of at most `max_occupancy`; 0 without traffic.

    Every element is searched at once: from n = ⌊A⌋ (never enough) the step doubles until
    the target is met, then halves back to the first n that meets it (the service level
    grows with n), so a day costs a few dozen vector operations, however large A is.
    """
    a = np.asarray(traffic, dtype=np.float64)
    shape = np.broadcast_shapes(
        a.shape,
        np.shape(aht_seconds),
        np.shape(target),
        np.shape(answer_seconds),
        np.shape(max_occupancy),
    )
    a = np.broadcast_to(a, shape)
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=np.float64), shape)
    answer = np.broadcast_to(np.asarray(answer_seconds, dtype=np.float64), shape)
    goal = np.broadcast_to(np.asarray(target, dtype=np.float64), shape)
    if not ((goal > 0) & (goal <= 1)).all():
        raise ValueError("the service-level target must lie in (0, 1]")
    # Each of these would keep the search below from ever ending.
    if not (np.isfinite(a) & (a >= 0)).all():
        raise ValueError("the traffic must be a finite number of Erlangs, 0 or more")
    if not ((aht > 0) & np.isfinite(aht) & (answer >= 0)).all():
        raise ValueError("the handle time must be positive and the answer time not negative")

    def met(n: Floats) -> NDArray[np.bool_]:
        return service_level(n, a, aht_seconds=aht, answer_seconds=answer) >= goal

    low = np.floor(a)  # n ≤ A: the queue grows without end, never enough
    step = np.ceil(np.sqrt(a)) + 1
    high = low + step
    passed = met(high)
    while not passed.all():  # double the step where the target is not met yet
        low = np.where(passed, low, high)
        step = np.where(passed, step, 2 * step)
        high = np.where(passed, high, low + step)
        passed = passed | met(high)
    while (high - low > 1).any():  # then halve back to the first n that meets it
        middle = np.floor((low + high) / 2)
        ok = met(middle)
        high = np.where(ok, middle, high)
        low = np.where(ok, low, middle)
    by_occupancy = np.ceil(a / np.asarray(max_occupancy, dtype=np.float64) - _ROUNDING)
    agents = np.maximum(high, by_occupancy)
    return np.where(a > 0, agents, 0).astype(np.int64)


def scheduled_agents(agents: ArrayLike, shrinkage: ArrayLike) -> Ints:
    """The agents to schedule so that `agents` are on the phones after shrinkage (breaks,
    training, leave, absence: the share of paid time not spent available for calls)."""
    needed = np.asarray(agents, dtype=np.float64) / (1 - np.asarray(shrinkage, dtype=np.float64))
    return np.ceil(needed - _ROUNDING).astype(np.int64)


def patience_seconds(*, total_wait_seconds: float, abandoned: int) -> float | None:
    """The callers' mean patience: the total time waited by all calls (answered and
    abandoned) ÷ the calls abandoned, the maximum-likelihood estimate for exponential
    patience (Brown et al., JASA 2005, §6; see the module's docstring). None when no call
    was abandoned: the calls say only that patience is longer than every wait."""
    if abandoned <= 0:
        return None
    return total_wait_seconds / abandoned


# --- Erlang A --------------------------------------------------------------------------


@dataclass(frozen=True)
class Performance:
    """What a number of agents achieves in an interval."""

    agents: int
    prob_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float
    abandon_rate: float | None = None  # Erlang A only: the share of calls abandoned


def _log_integral(
    rate: float, theta: float, decay: float, low: float, high: float, weight: str = ""
) -> float:
    """log ∫_low^high e^(rate·(1 − e^(−θx)) − decay·x) · w(x) dx, with w(x) = 1, x
    (weight "x") or 1 − e^(−θx) (weight "gone"), for 0 ≤ low < high ≤ ∞.

    The integrand is log-concave, and for a large centre a spike a fraction of a second
    wide among minutes: its peak is found from the sign of its log's derivative, the range
    cut where the integrand has fallen e^−60 below the peak, and what is left integrated
    around the peak, scaled by it, so that nothing under- or overflows.
    """

    def log_f(x: float) -> float:
        value = -rate * math.expm1(-theta * x) - decay * x
        if weight == "x":
            return value + math.log(x) if x > 0 else -math.inf
        if weight == "gone":
            return value + math.log(-math.expm1(-theta * x)) if x > 0 else -math.inf
        return value

    def slope(x: float) -> float:
        value = rate * theta * math.exp(-theta * x) - decay
        if weight == "x":
            value += 1 / x
        elif weight == "gone":
            value += theta / math.expm1(theta * x)
        return value

    def split(lo: float, hi: float, before: Callable[[float], bool]) -> float:
        """The point of [lo, hi] where `before` turns false, by bisection."""
        for _ in range(200):
            middle = (lo + hi) / 2
            if before(middle):
                lo = middle
            else:
                hi = middle
            if hi - lo <= 1e-13 * hi:
                break
        return (lo + hi) / 2

    def beyond(start: float, until: Callable[[float], bool]) -> float:
        """A point past `start` (at most `high`) where `until` holds, by doubling steps."""
        step = max(start, 1 / (decay + theta))
        point = start + step
        while point < high and not until(point):
            step *= 2
            point = start + step
        return min(point, high)

    starts_rising = weight != "" or slope(low) > 0
    if not starts_rising:
        peak = low
    else:
        turn = beyond(low, lambda x: slope(x) < 0)
        peak = turn if slope(turn) >= 0 else split(low, turn, lambda x: x == 0 or slope(x) > 0)
    top = log_f(peak)
    if top == -math.inf:
        return -math.inf
    floor = top - 60
    start = low if log_f(low) >= floor else split(low, peak, lambda x: log_f(x) < floor)
    end = beyond(peak, lambda x: log_f(x) < floor)
    if log_f(end) < floor:
        end = split(peak, end, lambda x: log_f(x) >= floor)
    if end <= start:
        return -math.inf

    def scaled(x: float) -> float:
        return math.exp(log_f(x) - top)

    # Imported here: Erlang C (and `kefu staffing` without a patience) never needs it.
    from scipy import integrate

    inner = [peak] if start < peak < end else None
    with warnings.catch_warnings():
        # Near its tolerance quad warns of round-off; the tests pin the results' accuracy.
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        area, _error = integrate.quad(scaled, start, end, points=inner, limit=200, epsrel=1e-10)
    return top + math.log(area) if area > 0 else -math.inf


def erlang_a(
    agents: int,
    traffic: float,
    *,
    aht_seconds: float,
    answer_seconds: float,
    patience_seconds: float,
) -> Performance:
    """Erlang A: what `agents` achieve for `traffic` Erlangs when callers hang up after a
    mean patience of `patience_seconds` (see the module's docstring for the model)."""
    if agents <= 0:
        return Performance(agents, 1.0, 0.0, math.inf, 0.0, 1.0 if traffic > 0 else 0.0)
    if traffic <= 0:
        return Performance(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    n = float(agents)
    mu, theta = 1 / aht_seconds, 1 / patience_seconds
    rate = traffic * mu / theta  # λ/θ
    busy = n * mu  # the rate at which n busy agents free up
    wait = answer_seconds
    # Masses relative to π_n, the chance of n calls in the centre and none queued: an agent
    # is free with (1 − B)/B of it; a call waits x with the density n·μ·e^{λ/θ·(1−e^{−θx})
    # − nμx}, is answered with e^{−θx} of that (its patience outlasts x), abandons otherwise.
    if n > traffic:
        log_loss = float(_log_erlang_b(n, traffic))
    else:
        log_loss = math.log(float(erlang_b(n, traffic)))
    log_free = math.log1p(-math.exp(log_loss)) - log_loss
    head = math.log(busy)
    inf = math.inf
    log_wait = head + _log_integral(rate, theta, busy, 0.0, inf)
    log_answered = head + _log_integral(rate, theta, busy + theta, 0.0, inf)
    log_gone = head + _log_integral(rate, theta, busy, 0.0, inf, "gone")
    log_soon = head + _log_integral(rate, theta, busy + theta, 0.0, wait) if wait > 0 else -inf
    log_tail = head + _log_integral(rate, theta, busy, wait, inf)  # waits beyond Y
    log_offered = float(np.logaddexp(log_free, log_wait))
    # Answered within Y ÷ (offered − abandoned within Y); those still waiting at Y count
    # against with the chance e^{−θY} that they were still there.
    good = float(np.logaddexp(log_free, log_soon))
    counted = float(np.logaddexp(good, log_tail - theta * wait))
    abandoning = math.exp(log_gone - log_offered)
    log_waited = head + _log_integral(rate, theta, busy + theta, 0.0, inf, "x")
    return Performance(
        agents=agents,
        prob_wait=min(1.0, math.exp(log_wait - log_offered)),
        service_level=min(1.0, math.exp(good - counted)),
        asa_seconds=math.exp(log_waited - float(np.logaddexp(log_free, log_answered))),
        occupancy=min(1.0, traffic * (1 - abandoning) / n),
        abandon_rate=min(1.0, abandoning),
    )


def erlang_c(
    agents: int, traffic: float, *, aht_seconds: float, answer_seconds: float
) -> Performance:
    """Erlang C's figures for one number of agents, as `erlang_a` gives Erlang A's."""
    return Performance(
        agents=agents,
        prob_wait=float(prob_wait(agents, traffic)),
        service_level=float(
            service_level(agents, traffic, aht_seconds=aht_seconds, answer_seconds=answer_seconds)
        ),
        asa_seconds=float(asa_seconds(agents, traffic, aht_seconds=aht_seconds)),
        occupancy=float(occupancy(agents, traffic)),
    )


def agents_required_erlang_a(
    traffic: float,
    *,
    aht_seconds: float,
    target: float,
    answer_seconds: float,
    patience_seconds: float,
    max_occupancy: float = 1.0,
) -> int:
    """Erlang A: the fewest agents meeting the target under the maximum occupancy. Erlang
    C's answer meets both (its service level is the lower and its occupancy the higher), so
    the search halves between none and that."""
    if traffic <= 0:
        return 0
    high = int(
        agents_required(
            traffic,
            aht_seconds=aht_seconds,
            target=target,
            answer_seconds=answer_seconds,
            max_occupancy=max_occupancy,
        )
    )
    low = 0
    while high - low > 1:
        middle = (low + high) // 2
        figures = erlang_a(
            middle,
            traffic,
            aht_seconds=aht_seconds,
            answer_seconds=answer_seconds,
            patience_seconds=patience_seconds,
        )
        if figures.service_level >= target and figures.occupancy <= max_occupancy + _ROUNDING:
            high = middle
        else:
            low = middle
    return high


# --- One interval, as the operator asks for it ------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The staffing of one interval: the agents on the phones and their figures, and the
    agents to schedule after shrinkage."""

    traffic_erlangs: float
    scheduled_agents: int
    figures: Performance

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "traffic_erlangs": self.traffic_erlangs,
            "agents": self.figures.agents,
            "scheduled_agents": self.scheduled_agents,
            "prob_wait": self.figures.prob_wait,
            "service_level": self.figures.service_level,
            "asa_seconds": self.figures.asa_seconds,
            "occupancy": self.figures.occupancy,
        }
        if self.figures.abandon_rate is not None:
            result["abandon_rate"] = self.figures.abandon_rate
        return result


def plan(
    *,
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target: float,
    answer_seconds: float,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    patience_seconds: float | None = None,
) -> Plan:
    """The staffing of one interval by Erlang C, or by Erlang A when the callers' patience
    is given."""
    traffic = float(
        traffic_erlangs(calls=calls, interval_seconds=interval_seconds, aht_seconds=aht_seconds)
    )
    if patience_seconds is None:
        agents = int(
            agents_required(
                traffic,
                aht_seconds=aht_seconds,
                target=target,
                answer_seconds=answer_seconds,
                max_occupancy=max_occupancy,
            )
        )
        figures = erlang_c(agents, traffic, aht_seconds=aht_seconds, answer_seconds=answer_seconds)
    else:
        agents = agents_required_erlang_a(
            traffic,
            aht_seconds=aht_seconds,
            target=target,
            answer_seconds=answer_seconds,
            patience_seconds=patience_seconds,
            max_occupancy=max_occupancy,
        )
        figures = erlang_a(
            agents,
            traffic,
            aht_seconds=aht_seconds,
            answer_seconds=answer_seconds,
            patience_seconds=patience_seconds,
        )
    return Plan(
        traffic_erlangs=traffic,
        scheduled_agents=int(scheduled_agents(agents, shrinkage)),
        figures=figures,
    )
