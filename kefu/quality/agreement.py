"""How far inspectors agree when they score the same contacts blind (校准, issue 18
point 5; Genesys Cloud's calibrations). Pure.

For each item: how the answers spread (met, not met, not applicable) and the share that
agree with the reference scorer's answer. For each inspector: the share of their answers
that agree with the reference, and how far their scores lie from the reference's
(the mean absolute difference, in points out of 100).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scoring:
    """One inspector's blind score of one contact."""

    inspector: int
    contact: int
    score: float
    answers: Mapping[int, str]  # item → yes / no / na


@dataclass
class ItemSpread:
    answers: Counter[str] = field(default_factory=Counter)
    agree: int = 0
    compared: int = 0

    @property
    def agreement(self) -> float | None:
        return self.agree / self.compared if self.compared else None


@dataclass
class InspectorAgreement:
    agree: int = 0
    compared: int = 0
    score_gaps: list[float] = field(default_factory=list)

    @property
    def agreement(self) -> float | None:
        return self.agree / self.compared if self.compared else None

    @property
    def mean_gap(self) -> float | None:
        return sum(self.score_gaps) / len(self.score_gaps) if self.score_gaps else None


@dataclass(frozen=True)
class Calibration:
    items: dict[int, ItemSpread]
    inspectors: dict[int, InspectorAgreement]


def compare(scorings: list[Scoring], reference: int) -> Calibration:
    """The spread per item and each inspector's agreement with ``reference``'s scores;
    contacts the reference has not scored count in the spread only."""
    refs = {s.contact: s for s in scorings if s.inspector == reference}
    items: dict[int, ItemSpread] = defaultdict(ItemSpread)
    people: dict[int, InspectorAgreement] = defaultdict(InspectorAgreement)
    for scoring in scorings:
        ref = refs.get(scoring.contact)
        for item, value in scoring.answers.items():
            spread = items[item]
            spread.answers[value] += 1
            if ref is None or scoring.inspector == reference or item not in ref.answers:
                continue
            same = ref.answers[item] == value
            spread.compared += 1
            spread.agree += same
            people[scoring.inspector].compared += 1
            people[scoring.inspector].agree += same
        if ref is not None and scoring.inspector != reference:
            people[scoring.inspector].score_gaps.append(abs(scoring.score - ref.score))
    return Calibration(items=dict(items), inspectors=dict(people))
