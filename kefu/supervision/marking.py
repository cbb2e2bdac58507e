"""Marking exam answers (issue 20 point 2). Objective questions are marked automatically:

- single choice: the right option, full points; anything else, none;
- true or false: the right value, full points; anything else, none;
- multiple choice: every right option and no wrong one, full points; any wrong option,
  none; some right options and no wrong one (少选) by the exam's rule: nothing
  (`none`), half the points (`half`, the common 少选得一半分), or the share of the right
  options chosen (`proportional`);
- an empty answer (nothing chosen, nothing written) earns nothing, and a short answer left
  empty needs no marker.

Short answers are marked by a marker (QA or a manager) between 0 and the question's
worth. The result: the paper's score, its percentage and pass or fail against the pass
mark. Pure: no ORM."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

OBJECTIVE = ("single", "multiple", "true_false")
CENT = Decimal("0.01")


def is_empty(answer: Any) -> bool:
    return answer is None or answer == [] or (isinstance(answer, str) and not answer.strip())


def mark_objective(kind: str, key: Any, answer: Any, worth: Decimal, rule: str = "half") -> Decimal:
    """The points an objective answer earns (`kind` one of `OBJECTIVE`)."""
    if is_empty(answer):
        return Decimal(0)
    if kind == "true_false":
        return worth if answer is key else Decimal(0)
    if kind == "single":
        return worth if isinstance(answer, list) and answer == list(key) else Decimal(0)
    if kind == "multiple":
        if not isinstance(answer, list):
            return Decimal(0)
        chosen, right = set(answer), set(key)
        if chosen - right:
            return Decimal(0)
        if chosen == right:
            return worth
        if rule == "half":
            return (worth / 2).quantize(CENT, ROUND_HALF_UP)
        if rule == "proportional":
            return (worth * len(chosen) / len(right)).quantize(CENT, ROUND_HALF_UP)
        return Decimal(0)
    raise ValueError(f"not an objective kind: {kind}")


def needs_marker(kind: str, answer: Any) -> bool:
    """A short answer someone wrote: only a marker can give its points."""
    return kind not in OBJECTIVE and not is_empty(answer)


def percent(score: Decimal, out_of: Decimal) -> Decimal:
    if out_of <= 0:
        return Decimal(0)
    return (score * 100 / out_of).quantize(CENT, ROUND_HALF_UP)


def result(
    points: Sequence[Decimal], out_of: Decimal, pass_mark: Decimal
) -> tuple[Decimal, Decimal, bool]:
    """(score, percentage, passed): passed when the percentage reaches the pass mark."""
    score = sum(points, Decimal(0))
    share = percent(score, out_of)
    return score, share, share >= pass_mark
