"""Hot topics (热点, issue 21 point 3; seeds 000 第8篇: "后台设立专人负责来电原因的汇总、
分析 … 针对客户咨询的热点、投诉的焦点采用日报的形式一天一报"): which call reasons rose
against a comparable span, and which are new. Pure Python: counts in, topics out.

A topic's count is the number of contacts on it in the span; `before` its count in the span
compared with (the day before, the same weekday a week before, or the seven days before),
always of the same length and hours, so a morning is never compared with a whole day.

- A topic is *new* when nobody called about it in the span before and at least
  `min_count` did now.
- A topic *rises* when at least `min_count` called about it now, more than before, and the
  rise is at least `MIN_SCORE` times the noise a count of that size carries. Counts of
  calls vary like a Poisson count, whose spread is about √count, so the score is
  (now − before) / √(before + 1): 12 calls after 2 scores 5.8, 130 after 100 scores 3.0,
  105 after 100 scores 0.5 (an ordinary wobble, not a topic).
- The topics come highest score first; equal scores by the larger count, then by key, so
  the order never depends on the database's.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

#: The fewest contacts in the span for a topic to be called hot.
MIN_COUNT = 5
#: The least score, (now − before) / √(before + 1), for a rise.
MIN_SCORE = 2.0


@dataclass(frozen=True)
class Topic(Generic[K]):
    key: K
    count: int
    before: int

    @property
    def change(self) -> int:
        return self.count - self.before

    @property
    def new(self) -> bool:
        return self.before == 0

    @property
    def ratio(self) -> float | None:
        """The change as a share of before (0.5 = half as many again); None for a new one."""
        return None if self.before == 0 else self.change / self.before

    @property
    def score(self) -> float:
        return score(self.count, self.before)


def score(count: int, before: int) -> float:
    return (count - before) / math.sqrt(before + 1)


def hot_topics(
    now: Mapping[K, int],
    before: Mapping[K, int],
    *,
    min_count: int = MIN_COUNT,
    min_score: float = MIN_SCORE,
    limit: int = 10,
) -> list[Topic[K]]:
    """The rising and new topics of `now` against `before`, at most `limit`."""
    found = [
        Topic(key, count, before.get(key, 0))
        for key, count in now.items()
        if count >= min_count and score(count, before.get(key, 0)) >= min_score
    ]
    found.sort(key=lambda topic: (-topic.score, -topic.count, str(topic.key)))
    return found[: max(0, limit)]
