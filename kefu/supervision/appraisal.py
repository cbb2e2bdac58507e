"""The quarterly appraisal (季度考评) of agents and of teams: components, their weights, each
normalised to 0–100 and combined. Pure: no database; the caller passes each person's
measured values and the centre's weights.

Seed 002 第14篇 7: the service centre holds a quarterly appraisal (每季度最后一日…进行季度
考评) and the mean of the four quarters' appraisals makes 70 % of the year's total. Seed 001
4.4.3 and 4.6 name what it draws on: the quarterly exams and the supervision results used
for the team's assessment; issue 20 point 3 names the components: the indicators, the QA
scores, the exam results and attendance, with weights the centre edits.

Each component and its rule (shown on the appraisal page, so nobody guesses):

- ``answered`` 接听量: answered calls, relative to the most any person answered
  (score = 100 × value ÷ the most);
- ``aht`` 平均处理时长: average handling time in seconds, relative to the shortest
  (score = 100 × the shortest ÷ value);
- ``qa`` 质检成绩: the mean QA (monitoring) score, already out of 100;
- ``exam`` 考试成绩: the mean exam percentage, already out of 100;
- ``attendance`` 出勤率: the share of rostered shifts attended, × 100;
- ``complaints`` 有责投诉: complaints judged against the person (判责), 100 less
  ``COMPLAINT_DEDUCTION`` for each, never below 0.

Missing data is not 0: a component a person has no value for (no exam sat, no call scored)
is left out, and the weights of the components they have are rescaled to make 100. A person
with no component at all has no total and is not ranked. Equal totals share a rank
(1, 2, 2, 4). A team's component score is the mean of its members' scores for it (members
without the component left out), combined with the same weights.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any


class Component(StrEnum):
    ANSWERED = "answered"
    AHT = "aht"
    QA = "qa"
    EXAM = "exam"
    ATTENDANCE = "attendance"
    COMPLAINTS = "complaints"


COMPONENTS: tuple[Component, ...] = tuple(Component)
#: The weights a centre starts with (they sum to 100).
DEFAULT_WEIGHTS: Mapping[str, int] = {
    Component.ANSWERED: 15,
    Component.AHT: 10,
    Component.QA: 30,
    Component.EXAM: 15,
    Component.ATTENDANCE: 20,
    Component.COMPLAINTS: 10,
}
#: Points taken off the complaints component for each complaint judged against the person.
COMPLAINT_DEDUCTION = 20
TOTAL_WEIGHT = 100
_CENT = Decimal("0.01")


class WeightsInvalid(ValueError):
    """Why a set of weights is refused: `code` names the rule, `component` the culprit."""

    def __init__(self, code: str, component: str | None = None) -> None:
        self.code = code
        self.component = component
        super().__init__(code if component is None else f"{code}: {component}")


def check_weights(weights: Mapping[str, int]) -> dict[str, int]:
    """The weights as the centre keeps them: every component named once, each a whole
    number from 0 to 100, summing to 100. Raises WeightsInvalid otherwise."""
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise WeightsInvalid("unknown", sorted(unknown)[0])
    checked: dict[str, int] = {}
    for code in COMPONENTS:
        if code not in weights:
            raise WeightsInvalid("missing", code)
        value = weights[code]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise WeightsInvalid("range", code)
        checked[code] = value
    if sum(checked.values()) != TOTAL_WEIGHT:
        raise WeightsInvalid("sum")
    return checked


def _clamp(score: Decimal) -> Decimal:
    return min(Decimal(100), max(Decimal(0), score))


def normalise(
    code: str, value: float | Decimal | None, best: float | Decimal | None = None
) -> Decimal | None:
    """A component's value on 0–100 by its rule (the module's docstring); `best` is the
    population's most answered calls or shortest handling time. None when there is no
    value to score."""
    if value is None:
        return None
    v = Decimal(str(value))
    if code == Component.ANSWERED:
        if best is None or Decimal(str(best)) <= 0:
            return Decimal(0)
        return _clamp(100 * v / Decimal(str(best)))
    if code == Component.AHT:
        if v <= 0 or best is None:
            return None  # no handling time: no calls handled, nothing to score
        return _clamp(100 * Decimal(str(best)) / v)
    if code in (Component.QA, Component.EXAM):
        return _clamp(v)
    if code == Component.ATTENDANCE:
        return _clamp(100 * v)
    if code == Component.COMPLAINTS:
        return _clamp(Decimal(100) - COMPLAINT_DEDUCTION * v)
    raise WeightsInvalid("unknown", code)


@dataclass(frozen=True)
class Part:
    """One component of one appraisal, as the page explains it."""

    code: str
    value: Decimal | None  # what was measured (None: no data)
    score: Decimal | None  # on 0–100 (None: no data)
    weight: int  # the centre's weight
    applied_weight: Decimal  # rescaled over the components present (0 when left out)
    contribution: Decimal  # score × applied weight ÷ 100


@dataclass(frozen=True)
class Appraisal:
    key: Hashable
    parts: tuple[Part, ...]
    total: Decimal | None  # None: no component with data, not ranked
    rank: int | None = None

    @property
    def missing(self) -> list[str]:
        """The weighted components left out for want of data."""
        return [part.code for part in self.parts if part.weight and part.score is None]

    @property
    def rescaled(self) -> bool:
        return bool(self.missing) and self.total is not None


def combine(
    key: Hashable,
    values: Mapping[str, Decimal | None],
    scores: Mapping[str, Decimal | None],
    weights: Mapping[str, int],
) -> Appraisal:
    """One appraisal from its components' values and scores: the weights of the components
    with a score are rescaled to make 100; a component with weight 0 never counts."""
    present = sum(weights[code] for code in COMPONENTS if scores.get(code) is not None)
    parts: list[Part] = []
    total = Decimal(0)
    for code in COMPONENTS:
        score = scores.get(code)
        weight = weights[code]
        applied = Decimal(0)
        contribution = Decimal(0)
        if score is not None and present:
            applied = Decimal(weight) * TOTAL_WEIGHT / present
            contribution = score * applied / TOTAL_WEIGHT
            total += contribution
        parts.append(
            Part(
                code=code,
                value=values.get(code),
                score=None if score is None else score.quantize(_CENT, ROUND_HALF_UP),
                weight=weight,
                applied_weight=applied.quantize(_CENT, ROUND_HALF_UP),
                contribution=contribution.quantize(_CENT, ROUND_HALF_UP),
            )
        )
    return Appraisal(
        key=key,
        parts=tuple(parts),
        total=total.quantize(_CENT, ROUND_HALF_UP) if present else None,
    )


def ranked(appraisals: Iterable[Appraisal]) -> list[Appraisal]:
    """Highest total first, equal totals sharing a rank (1, 2, 2, 4); those without a
    total last, unranked."""
    with_total = sorted(
        (a for a in appraisals if a.total is not None), key=lambda a: -(a.total or 0)
    )
    out: list[Appraisal] = []
    previous: Decimal | None = None
    rank = 0
    for position, appraisal in enumerate(with_total, start=1):
        if appraisal.total != previous:
            rank, previous = position, appraisal.total
        out.append(
            Appraisal(key=appraisal.key, parts=appraisal.parts, total=appraisal.total, rank=rank)
        )
    out.extend(a for a in appraisals if a.total is None)
    return out


def _to_decimal(value: float | Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def appraise(
    people: Mapping[Any, Mapping[str, float | Decimal | int | None]],
    weights: Mapping[str, int],
) -> list[Appraisal]:
    """Every person's appraisal, ranked. `people` maps a key to its measured values by
    component code (a component absent or None: no data)."""
    weights = check_weights(weights)
    best_answered = max(
        (v for p in people.values() if (v := p.get(Component.ANSWERED)) is not None),
        default=None,
    )
    best_aht = min(
        (v for p in people.values() if (v := p.get(Component.AHT)) is not None and v > 0),
        default=None,
    )
    best = {Component.ANSWERED: best_answered, Component.AHT: best_aht}
    appraisals = []
    for key, measured in people.items():
        values: dict[str, Decimal | None] = {
            code: _to_decimal(measured.get(code)) for code in COMPONENTS
        }
        scores: dict[str, Decimal | None] = {
            code: normalise(code, values[code], best.get(code)) for code in COMPONENTS
        }
        appraisals.append(combine(key, values, scores, weights))
    return ranked(appraisals)


def _mean(items: Sequence[Decimal]) -> Decimal | None:
    return sum(items, Decimal(0)) / len(items) if items else None


def appraise_teams(
    members: Mapping[Any, Sequence[Appraisal]], weights: Mapping[str, int]
) -> list[Appraisal]:
    """Each team's appraisal from its members' (as `appraise` made them): per component,
    the mean of the members' values and of their scores, members without it left out."""
    weights = check_weights(weights)
    appraisals = []
    for key, people in members.items():
        values: dict[str, Decimal | None] = {}
        scores: dict[str, Decimal | None] = {}
        for index, code in enumerate(COMPONENTS):
            parts = [p.parts[index] for p in people]
            values[code] = _mean([p.value for p in parts if p.value is not None])
            scores[code] = _mean([p.score for p in parts if p.score is not None])
        appraisals.append(combine(key, values, scores, weights))
    return ranked(appraisals)
