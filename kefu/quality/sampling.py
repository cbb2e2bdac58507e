"""Which contacts the inspectors listen to (issue 18 point 2; 002 第7篇: each agent
listened to four or five times a month). Pure: the services hand it the agents, what each
has been sampled so far this month and the contacts that could be drawn.

A plan asks for ``per_agent`` contacts per agent per month (``per_new_agent`` for agents
in their first weeks). The draws are spread over the month: on a given day an agent is
owed the share of the month's quota that has passed (rounded up), less what was drawn
already, so a daily draw keeps every agent on pace and a month never ends with the quota
drawn in its last days. Which contacts are drawn is random (a seeded generator, so a draw
can be repeated exactly in a test or an audit).
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Quota:
    per_agent: int
    per_new_agent: int


def owed_by(day: date, monthly: int) -> int:
    """How many of an agent's ``monthly`` contacts should have been drawn by the end of
    ``day``: the month's share so far, rounded up."""
    days = calendar.monthrange(day.year, day.month)[1]
    return min(monthly, math.ceil(monthly * day.day / days))


def draw(
    *,
    day: date,
    quota: Quota,
    new_agents: set[int],
    drawn: Mapping[int, int],
    candidates: Mapping[int, Sequence[int]],
    seed: int,
) -> dict[int, list[int]]:
    """The contacts to draw today: agent → contact ids, picked at random from each agent's
    ``candidates`` (contacts not sampled yet), as many as they are owed."""
    rng = random.Random(seed)  # noqa: S311 - a fair draw, not a secret
    picked: dict[int, list[int]] = {}
    for agent in sorted(candidates):
        monthly = quota.per_new_agent if agent in new_agents else quota.per_agent
        owed = owed_by(day, monthly) - drawn.get(agent, 0)
        pool = sorted(candidates[agent])
        if owed <= 0 or not pool:
            continue
        picked[agent] = sorted(rng.sample(pool, min(owed, len(pool))))
    return picked


def share_out(items: Sequence[int], inspectors: Mapping[int, int]) -> dict[int, int]:
    """Give each item to the inspector with the fewest open items (ties: the lower id), so
    the queues stay even; ``inspectors`` maps each inspector to their open items now."""
    load = dict(inspectors)
    given: dict[int, int] = {}
    if not load:
        return given
    for item in items:
        inspector = min(load, key=lambda person: (load[person], person))
        given[item] = inspector
        load[inspector] += 1
    return given
