"""Drawing a person's exam paper (issue 20 point 2; 001 4.4.3.2 每季度…综合性的考试): from
the bank's questions on the exam's topics, as many of each kind as the paper spec asks,
at random but repeatably: the same seed and the same bank draw the same paper, so a
paper can be explained afterwards. Each person gets a seed of their own (a different
paper); the service keeps the drawn paper, so reloading never redraws. Pure: no ORM."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

#: The order the kinds appear in on a paper: objective questions first.
KIND_ORDER = ("single", "multiple", "true_false", "short")


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    topic: str


@dataclass(frozen=True)
class Part:
    """How many questions of one kind a paper holds and what each is worth."""

    count: int
    points: Decimal


@dataclass(frozen=True)
class Drawn:
    question_id: int
    kind: str
    points: Decimal


class NotEnoughQuestions(ValueError):
    def __init__(self, kind: str, wanted: int, available: int) -> None:
        super().__init__(f"{kind}: {wanted} wanted, {available} in the bank")
        self.kind, self.wanted, self.available = kind, wanted, available


def shortfall(
    bank: Sequence[Candidate], topics: Sequence[str], spec: Mapping[str, Part]
) -> list[tuple[str, int, int]]:
    """The kinds the bank cannot fill: (kind, wanted, available)."""
    wanted_topics = set(topics)
    short = []
    for kind, part in spec.items():
        available = sum(1 for q in bank if q.kind == kind and q.topic in wanted_topics)
        if available < part.count:
            short.append((kind, part.count, available))
    return short


def draw(
    bank: Sequence[Candidate], topics: Sequence[str], spec: Mapping[str, Part], seed: int
) -> list[Drawn]:
    """The paper for `seed`: for each kind (in `KIND_ORDER`), `count` questions picked
    from the bank's questions of that kind on the topics, spread over the topics as
    evenly as the bank allows, in a shuffled order. Raises `NotEnoughQuestions` when the
    bank holds fewer than asked."""
    rng = random.Random(seed)  # noqa: S311 - a fair draw, not a secret
    wanted_topics = [t for t in dict.fromkeys(topics)]
    paper: list[Drawn] = []
    for kind in KIND_ORDER:
        part = spec.get(kind)
        if part is None or part.count == 0:
            continue
        pools = {
            topic: sorted(q.id for q in bank if q.kind == kind and q.topic == topic)
            for topic in wanted_topics
        }
        available = sum(len(pool) for pool in pools.values())
        if available < part.count:
            raise NotEnoughQuestions(kind, part.count, available)
        for pool in pools.values():
            rng.shuffle(pool)
        # Round-robin over the topics (in a shuffled order) so each topic is asked.
        order = list(wanted_topics)
        rng.shuffle(order)
        picked: list[int] = []
        while len(picked) < part.count:
            for topic in order:
                if pools[topic] and len(picked) < part.count:
                    picked.append(pools[topic].pop())
        rng.shuffle(picked)
        paper.extend(Drawn(qid, kind, part.points) for qid in picked)
    return paper


def out_of(spec: Mapping[str, Part]) -> Decimal:
    return sum((part.points * part.count for part in spec.values()), Decimal(0))
