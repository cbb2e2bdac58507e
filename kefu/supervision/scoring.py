"""A round's score out of 10 and what it means. Pure.

Seed 000 第7篇 (物业服务质量提升计划, 第三部分): the inspection items are scored out of 10
(以上检查项满分为10分); a site scoring 8 or more earns 10 points on the year's performance
total (8分及以上的...加10分), one scoring 6 or less loses 10 (低于6分及以下的...扣除10分).

Each checklist item weighs its points (1 unless the checklist says otherwise); the score is
the weight of the items passed over the weight of the items that applied, times 10, to one
decimal. Items not applicable (不适用) and items not yet answered weigh nothing; a round with
no applicable item has no score (None), never 0 or 10.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

FULL_MARKS = Decimal(10)
BONUS_FROM = Decimal(8)  # 000 第7篇: 8分及以上
PENALTY_AT_OR_BELOW = Decimal(6)  # 000 第7篇: 6分及以下


class ItemResult(StrEnum):
    PASS = "pass"  # noqa: S105 (a result, not a password)
    FAIL = "fail"
    NOT_APPLICABLE = "na"


class Band(StrEnum):
    BONUS = "bonus"  # +10 on the year's performance total
    NONE = "none"
    PENALTY = "penalty"  # -10


def score(results: Iterable[tuple[str | None, Decimal]]) -> Decimal | None:
    """The score out of 10 of (result, points) pairs; None when nothing applied."""
    passed = applied = Decimal(0)
    for result, points in results:
        if points <= 0 or result not in (ItemResult.PASS, ItemResult.FAIL):
            continue
        applied += points
        if result == ItemResult.PASS:
            passed += points
    if applied == 0:
        return None
    return (passed / applied * FULL_MARKS).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band(value: Decimal | None) -> Band | None:
    """What a site inspection's score means for the year's performance (000 第7篇)."""
    if value is None:
        return None
    if value >= BONUS_FROM:
        return Band.BONUS
    if value <= PENALTY_AT_OR_BELOW:
        return Band.PENALTY
    return Band.NONE
