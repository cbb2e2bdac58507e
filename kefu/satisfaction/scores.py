"""The survey figures and how far each can be trusted, pure (issue 19 point 2).

Every figure names its formula, and is shown with its response rate and a 95 %
confidence interval:

- CSAT (1-5): the share of answers of 4 or 5 ("satisfied" or "very satisfied") among all
  answers, in per cent. Interval: Wilson's score interval for a proportion.
- NPS (0-10): the per cent of promoters (9-10) minus the per cent of detractors (0-6), from
  -100 to 100. Interval: the normal (Wald) interval on the trinomial variance,
  NPS ± z·sqrt((p₉₋₁₀ + p₀₋₆ − (p₉₋₁₀ − p₀₋₆)²) / n) × 100, clipped to [-100, 100]: the
  standard interval for a difference of two shares of one multinomial sample.
- CES (1-7, 7 "very easy"): the mean score. Interval: the normal interval on the mean,
  mean ± z·s/√n with s the sample standard deviation (n ≥ 2).
- Response rate: answered / sent, in per cent, with Wilson's interval.

The satisfaction figures of 003 (满意度 by touchpoint) are CSAT figures; a monthly paper
questionnaire (000 第7篇) is scored on the same 1-5 scale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

Z95: Final = 1.959963984540054

#: The range of each scale, lowest and highest score.
SCALES: Final = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}

#: The formulas as the pages and the API state them.
FORMULAS: Final = {
    "csat": "CSAT = 4–5分的回答数 ÷ 回答数 × 100%（Wilson 置信区间）",
    "nps": "NPS = 9–10分占比 − 0–6分占比（三项分布方差的正态区间）",
    "ces": "CES = 1–7分的平均分（均值的正态区间）",
    "rate": "回复率 = 已回答 ÷ 已发送 × 100%（Wilson 置信区间）",
}

#: A score low enough to put the customer on the dissatisfied list (CSAT 1-2, NPS 0-6).
LOW: Final = {"csat": 2, "nps": 6}


def in_scale(kind: str, score: int) -> bool:
    low, high = SCALES[kind]
    return low <= score <= high


def is_low(kind: str, score: int | None) -> bool:
    return score is not None and kind in LOW and score <= LOW[kind]


@dataclass(frozen=True)
class Figure:
    """A figure with the number of answers it rests on and its 95 % interval."""

    n: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def half_width(self) -> float | None:
        if self.value is None or self.low is None or self.high is None:
            return None
        return max(self.value - self.low, self.high - self.value)


EMPTY: Final = Figure(0, None, None, None)


def wilson(k: int, n: int, z: float = Z95) -> Figure:
    """The share k/n in per cent with Wilson's score interval."""
    if n <= 0:
        return EMPTY
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At k = 0 or k = n a bound equals the share; rounding must not put it past it.
    low = min(p, max(0.0, centre - half))
    high = max(p, min(1.0, centre + half))
    return Figure(n, 100 * p, 100 * low, 100 * high)


def csat(satisfied: int, n: int) -> Figure:
    """CSAT from the count of 4-5 answers among n."""
    return wilson(satisfied, n)


def nps(promoters: int, detractors: int, n: int, z: float = Z95) -> Figure:
    """NPS from the counts of 9-10 and 0-6 answers among n."""
    if n <= 0:
        return EMPTY
    pp, pd = promoters / n, detractors / n
    value = pp - pd
    half = z * math.sqrt(max(0.0, pp + pd - value * value) / n)
    return Figure(
        n, 100 * value, max(-100.0, 100 * (value - half)), min(100.0, 100 * (value + half))
    )


def mean(total: float, squares: float, n: int, z: float = Z95) -> Figure:
    """A mean from the sum and the sum of squares of n scores (the CES)."""
    if n <= 0:
        return EMPTY
    average = total / n
    if n == 1:
        return Figure(1, average, None, None)
    variance = max(0.0, (squares - n * average * average) / (n - 1))
    half = z * math.sqrt(variance / n)
    return Figure(n, average, average - half, average + half)


@dataclass(frozen=True)
class Counts:
    """What the database sums per group: answers by kind, and invitations."""

    sent: int = 0
    answered: int = 0
    csat_n: int = 0
    csat_top: int = 0
    nps_n: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    ces_n: int = 0
    ces_sum: float = 0.0
    ces_squares: float = 0.0


@dataclass(frozen=True)
class Figures:
    rate: Figure
    csat: Figure
    nps: Figure
    ces: Figure
    sent: int
    answered: int


def figures(counts: Counts) -> Figures:
    return Figures(
        rate=wilson(counts.answered, counts.sent),
        csat=csat(counts.csat_top, counts.csat_n),
        nps=nps(counts.nps_promoters, counts.nps_detractors, counts.nps_n),
        ces=mean(counts.ces_sum, counts.ces_squares, counts.ces_n),
        sent=counts.sent,
        answered=counts.answered,
    )


def counts_of(kind_scores: Iterable[tuple[str, int]], sent: int, answered: int) -> Counts:
    """The counts of a list of (kind, score) answers: what tests and small callers use."""
    pairs = list(kind_scores)
    csat_scores = [score for kind, score in pairs if kind == "csat"]
    nps_scores = [score for kind, score in pairs if kind == "nps"]
    ces_scores = [score for kind, score in pairs if kind == "ces"]
    return Counts(
        sent=sent,
        answered=answered,
        csat_n=len(csat_scores),
        csat_top=sum(1 for score in csat_scores if score >= 4),
        nps_n=len(nps_scores),
        nps_promoters=sum(1 for score in nps_scores if score >= 9),
        nps_detractors=sum(1 for score in nps_scores if score <= 6),
        ces_n=len(ces_scores),
        ces_sum=float(sum(ces_scores)),
        ces_squares=float(sum(score * score for score in ces_scores)),
    )


def digit_answer(text: str, kind: str) -> int | None:
    """The score an SMS reply gives, or None: one whole number in the scale, full-width
    digits accepted ("５", " 4 ", "10")."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！")
    if not folded.isdigit() or len(folded) > 2 or kind not in SCALES:
        return None
    score = int(folded)
    return score if in_scale(kind, score) else None
