"""Drawing records at random for a spot check (001 4.4.1.2: 抽查投诉记录、回访记录、报修记录).
Pure: the caller passes the candidate ids; the draw is seeded, so the same seed and the
same candidates give the same records (a spot check can be explained and repeated), and
bounded, so a large centre never draws more than `MAX_DRAW` at once."""

from __future__ import annotations

import random
from collections.abc import Sequence

MAX_DRAW = 20


def draw(candidates: Sequence[int], count: int, seed: int) -> list[int]:
    """`count` ids (at most MAX_DRAW, at most all) drawn without repeats, in the order
    drawn; the candidates' order does not matter."""
    pool = sorted(set(candidates))
    wanted = max(0, min(count, MAX_DRAW, len(pool)))
    # Not a secret: the draw must be repeatable from its seed.
    return random.Random(seed).sample(pool, wanted)  # noqa: S311
