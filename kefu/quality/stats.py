"""How far a mean of a few scores can be trusted (issue 18 point 2). Pure.

An agent listened to four or five times a month (002 第7篇) has a mean score whose
uncertainty is wide: five calls scoring 80, 95, 70, 100 and 85 give 86 ± 15. A leader
ranking agents needs that interval and the sample size beside the mean, and needs to be
told when an agent cannot be told apart from the centre.

The interval is Student's t interval for a mean at 95 %, clipped to 0–100: the scores of
a handful of calls are far from normal, but the t interval is what QA teams and their
statisticians quote for small samples, and it widens honestly as n falls. One score has
no interval.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

CONFIDENCE: Final = 0.95
ABOVE: Final = "above"
BELOW: Final = "below"
UNCLEAR: Final = "unclear"


@dataclass(frozen=True)
class Estimate:
    """A mean score with its sample size and its 95 % interval (``None`` for n < 2)."""

    n: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def half_width(self) -> float | None:
        if self.low is None or self.high is None or self.mean is None:
            return None
        return max(self.mean - self.low, self.high - self.mean)


@functools.cache
def _t(df: int) -> float:
    """Student's t quantile: a fraction of a millisecond in scipy, and a results page asks
    it for each of hundreds of agents with a handful of sample sizes between them."""
    from scipy.stats import t  # imported here: scipy takes a moment to load

    return float(t.ppf(0.5 + CONFIDENCE / 2, df))


def estimate(scores: Sequence[float]) -> Estimate:
    """The mean of ``scores`` (0–100) with its 95 % t interval."""
    n = len(scores)
    if n == 0:
        return Estimate(0, None, None, None)
    mean = sum(scores) / n
    if n == 1:
        return Estimate(1, mean, None, None)
    variance = sum((value - mean) ** 2 for value in scores) / (n - 1)
    return summarised(n, mean, math.sqrt(variance))


def summarised(n: int, mean: float | None, sd: float | None) -> Estimate:
    """The estimate of ``n`` scores known by their mean and sample standard deviation (as
    a database sums them up)."""
    if n == 0 or mean is None:
        return Estimate(0, None, None, None)
    if n == 1 or sd is None:
        return Estimate(n, mean, None, None)
    half = _t(n - 1) * sd / math.sqrt(n)
    return Estimate(n, mean, max(0.0, mean - half), min(100.0, mean + half))


def against(agent: Estimate, reference: float | None) -> str:
    """Whether an agent's scores are above or below ``reference`` (the team's or centre's
    mean) with 95 % confidence, or ``unclear``: too few calls, or too spread, to say."""
    if reference is None or agent.low is None or agent.high is None:
        return UNCLEAR
    if agent.low > reference:
        return ABOVE
    if agent.high < reference:
        return BELOW
    return UNCLEAR
