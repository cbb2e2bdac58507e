"""How many contacts each agent is owed and which are drawn (issue 18 point 2; 002 第7篇:
each agent listened to four or five times a month): pure."""

from __future__ import annotations

from datetime import date

from kefu.quality import sampling
from kefu.quality.sampling import Quota


def test_the_quota_is_spread_over_the_month_and_rounded_up() -> None:
    assert sampling.owed_by(date(2026, 12, 1), 5) == 1
    assert sampling.owed_by(date(2026, 12, 7), 5) == 2
    assert sampling.owed_by(date(2026, 12, 31), 5) == 5
    assert sampling.owed_by(date(2027, 2, 28), 4) == 4


def test_each_agent_gets_what_is_owed_less_what_was_drawn_new_agents_more() -> None:
    candidates = {1: list(range(100, 130)), 2: list(range(200, 230)), 3: [300]}
    picked = sampling.draw(
        day=date(2026, 12, 31),
        quota=Quota(per_agent=5, per_new_agent=8),
        new_agents={2},
        drawn={1: 3},
        candidates=candidates,
        seed=7,
    )
    assert len(picked[1]) == 2
    assert len(picked[2]) == 8
    assert picked[3] == [300]  # fewer contacts than owed: all of them
    assert set(picked[1]) <= set(candidates[1])


def test_the_draw_is_random_and_repeatable_with_its_seed() -> None:
    args = {
        "day": date(2026, 12, 31),
        "quota": Quota(5, 5),
        "new_agents": set(),
        "drawn": {},
        "candidates": {1: list(range(1000))},
    }
    first = sampling.draw(**args, seed=1)  # type: ignore[arg-type]
    assert first == sampling.draw(**args, seed=1)  # type: ignore[arg-type]
    assert first != sampling.draw(**args, seed=2)  # type: ignore[arg-type]


def test_drawn_contacts_go_to_the_inspector_with_the_fewest_open() -> None:
    given = sampling.share_out([1, 2, 3, 4, 5], {10: 2, 11: 0})
    assert [given[item] for item in (1, 2, 3, 4, 5)] == [11, 11, 10, 11, 10]
    assert sampling.share_out([1], {}) == {}
