"""绿苗计划 (seed 003 第二部分(八)1: 每半年进行一次值班长后备人才公开选拔,对现任值班长岗位
人员进行开测评,持续更新值班长后备人才库): the half years the selection runs by, a
candidate's panel score, and the evaluation (测评) of the current shift leaders. Pure: no
database, no clock.

The seed names the selection, its half-yearly rhythm and the evaluation; it gives no
weights. kefu's rules, stated here and on the page:

- A half year is January–June (上半年) or July–December (下半年).
- A candidate's panel score is the mean of the panel's scores (0–100), to one decimal;
  no score yet is no figure.
- A shift leader's evaluation combines the manager's score (the mean of the managers'
  scores) and the mean of their team members' anonymous ratings, half each. The members'
  mean counts only from MIN_RATINGS ratings on: with fewer, a mean would show what one or
  two people said. A leader with only one of the two parts has that part as the figure;
  with neither, no figure (never 0) and no rank.
- Leaders are ranked by the figure, highest first; equal figures share a rank (1, 1, 3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

MANAGER_WEIGHT = Decimal("0.5")
MEMBER_WEIGHT = Decimal("0.5")
#: The fewest members' ratings whose mean is shown and counted (anonymity).
MIN_RATINGS = 3
ONE_PLACE = Decimal("0.1")


def half_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the half year holding `day`."""
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)


def is_half_start(day: dt.date) -> bool:
    return day.day == 1 and day.month in (1, 7)


def half_label(first: dt.date) -> str:
    """'2026上半年' or '2026下半年' (in the current language)."""
    if first.month <= 6:
        return _("%(year)s, first half") % {"year": first.year}
    return _("%(year)s, second half") % {"year": first.year}


def previous_half(first: dt.date) -> dt.date:
    return half_of(first - dt.timedelta(days=1))[0]


def mean(scores: Sequence[int | Decimal]) -> Decimal | None:
    """The mean to one decimal, None for no score."""
    if not scores:
        return None
    total = sum((Decimal(score) for score in scores), Decimal(0))
    return (total / len(scores)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LeaderEvaluation:
    key: Hashable
    manager: Decimal | None  # the managers' mean score (None: not scored)
    members: Decimal | None  # the members' mean (None: fewer than MIN_RATINGS)
    ratings: int  # how many members rated
    total: Decimal | None  # None: no figure, not ranked
    rank: int | None = None


def evaluate(
    leaders: Iterable[Hashable],
    manager_scores: Mapping[Any, Sequence[int]],
    member_ratings: Mapping[Any, Sequence[int]],
) -> list[LeaderEvaluation]:
    """Each leader's evaluation, ranked: highest figure first, ties sharing a rank, the
    leaders with no figure last (in the order given)."""
    rows: list[LeaderEvaluation] = []
    for key in leaders:
        manager = mean(manager_scores.get(key, ()))
        ratings = list(member_ratings.get(key, ()))
        members = mean(ratings) if len(ratings) >= MIN_RATINGS else None
        if manager is not None and members is not None:
            total: Decimal | None = (manager * MANAGER_WEIGHT + members * MEMBER_WEIGHT).quantize(
                ONE_PLACE, rounding=ROUND_HALF_UP
            )
        else:
            total = manager if manager is not None else members
        rows.append(LeaderEvaluation(key, manager, members, len(ratings), total))
    scored = sorted(
        (row for row in rows if row.total is not None),
        key=lambda row: row.total or Decimal(0),
        reverse=True,
    )
    ranked: list[LeaderEvaluation] = []
    for position, row in enumerate(scored, start=1):
        same = ranked and ranked[-1].total == row.total
        rank = ranked[-1].rank if same else position
        ranked.append(
            LeaderEvaluation(row.key, row.manager, row.members, row.ratings, row.total, rank)
        )
    return ranked + [row for row in rows if row.total is None]
