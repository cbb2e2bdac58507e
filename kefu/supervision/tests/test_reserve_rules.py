"""The pure rules of 绿苗计划 (seed 003 第二部分(八)1: 每半年进行一次值班长后备人才公开选拔,
对现任值班长岗位人员进行开测评): half years, the panel mean, and the shift leaders'
evaluation with its ties and its leader with no figure (not 0)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation

from kefu.supervision.reserve_rules import (
    MIN_RATINGS,
    evaluate,
    half_label,
    half_of,
    is_half_start,
    mean,
    previous_half,
)


def test_half_years() -> None:
    assert half_of(dt.date(2026, 6, 30)) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert half_of(dt.date(2026, 7, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert previous_half(dt.date(2026, 1, 1)) == dt.date(2025, 7, 1)
    assert is_half_start(dt.date(2026, 7, 1)) and not is_half_start(dt.date(2026, 8, 1))
    with translation.override("zh-hans"):
        assert half_label(dt.date(2026, 7, 1)) == "2026下半年"
        assert half_label(dt.date(2026, 1, 1)) == "2026上半年"


def test_mean_to_one_decimal_and_none_for_nothing() -> None:
    assert mean([80, 85, 86]) == Decimal("83.7")
    assert mean([]) is None


def test_evaluation_combines_half_each_and_ranks_ties_together() -> None:
    rows = evaluate(
        ["a", "b", "c", "d"],
        {"a": [80], "b": [90], "c": [70]},
        {"a": [90, 90, 90], "b": [80, 80, 80], "c": [60, 70, 80, 90]},
    )
    by_key = {row.key: row for row in rows}
    assert by_key["a"].total == Decimal("85.0") and by_key["b"].total == Decimal("85.0")
    assert by_key["a"].rank == by_key["b"].rank == 1
    assert by_key["c"].total == Decimal("72.5") and by_key["c"].rank == 3
    # No score and no rating: no figure, not 0, unranked and last.
    assert rows[-1].key == "d" and rows[-1].total is None and rows[-1].rank is None


def test_too_few_ratings_are_not_shown_and_the_manager_part_stands_alone() -> None:
    few = [100] * (MIN_RATINGS - 1)
    (row,) = evaluate(["a"], {"a": [70]}, {"a": few})
    assert row.members is None and row.ratings == MIN_RATINGS - 1
    assert row.total == Decimal("70.0") and row.rank == 1
    (only_members,) = evaluate(["a"], {}, {"a": [60, 70, 80]})
    assert only_members.manager is None and only_members.total == Decimal("70.0")
