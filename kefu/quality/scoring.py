"""A contact's score from an inspector's answers to a scorecard (issue 18 point 1). Pure.

The rules, the way QueueMetrics' QA forms and VICIdial's QC score a call:

- each item is answered met (``yes``), not met (``no``) or not applicable (``na``, only
  where the item allows it);
- the score is the weight of the items met over the weight of the items that applied,
  out of 100, to one decimal; not-applicable items count on neither side;
- a fatal item not met (VICIdial's "instant-kill": a forbidden phrase, a false promise, a
  customer's data given to a stranger) scores the whole contact 0, whatever the rest;
- a scorecard whose every item was not applicable has no score: the inspector is told so.

The 监听分值 of 002 第7篇 is the mean of these scores over the contacts listened to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

YES: Final = "yes"
NO: Final = "no"
NA: Final = "na"
ANSWERS: Final = (YES, NO, NA)


@dataclass(frozen=True)
class ItemRule:
    """What scoring needs of one scorecard item."""

    key: int
    weight: int
    fatal: bool = False
    allow_na: bool = False


@dataclass(frozen=True)
class Score:
    score: Decimal
    fatal: bool
    met: int
    applicable: int


class ScoringError(ValueError):
    """The answers do not fit the scorecard; ``code`` names what is wrong, ``items`` where."""

    def __init__(self, code: str, items: Iterable[int] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.items = tuple(items)


def score(items: Iterable[ItemRule], answers: Mapping[int, str]) -> Score:
    """The score of ``answers`` (item key → yes / no / na) on the scorecard ``items``.

    Every item must be answered, with an answer it allows; answers to items the scorecard
    does not have are refused.
    """
    rules = {item.key: item for item in items}
    unknown = sorted(set(answers) - set(rules))
    if unknown:
        raise ScoringError("unknown_item", unknown)
    missing = [key for key in rules if answers.get(key) not in ANSWERS]
    if missing:
        raise ScoringError("unanswered", missing)
    refused_na = [key for key, rule in rules.items() if answers[key] == NA and not rule.allow_na]
    if refused_na:
        raise ScoringError("not_applicable_refused", refused_na)
    fatal = any(rule.fatal and answers[key] == NO for key, rule in rules.items())
    met = sum(rule.weight for key, rule in rules.items() if answers[key] == YES)
    applicable = sum(rule.weight for key, rule in rules.items() if answers[key] != NA)
    if applicable == 0 and not fatal:
        raise ScoringError("nothing_applicable", list(rules))
    value = Decimal(0) if fatal else Decimal(100 * met) / Decimal(applicable)
    return Score(
        score=value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        fatal=fatal,
        met=met,
        applicable=applicable,
    )


def prefill(auto_checks: Mapping[int, str], families_hit: Iterable[str]) -> dict[int, str]:
    """The answers the automatic transcript checks give (issue 18 point 3): an item tied to
    a check (item key → rule family) is not met when the transcript has a hit of that
    family, met otherwise. The inspector confirms or changes each."""
    hit = set(families_hit)
    return {key: NO if family in hit else YES for key, family in auto_checks.items() if family}
