"""Hot topics' rule (kefu/insights/topics.py; seeds 000 第8篇 "客户咨询的热点 … 一天一报")."""

from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from kefu.insights.topics import MIN_COUNT, MIN_SCORE, hot_topics, score


def test_chance_rarely_makes_a_topic() -> None:
    """With nothing changed, both spans draw the same Poisson rate: about one reason in
    160 passes by chance."""
    rng = random.Random(3)
    passed = 0
    for _ in range(4000):
        rate = rng.choice([5, 20, 80, 300])
        now, before = poisson(rng, rate), poisson(rng, rate)
        passed += bool(hot_topics({"r": now}, {"r": before}, min_count=0)) and before > 0
    assert passed / 4000 < 0.012


def test_a_rise_is_measured_against_the_noise_of_its_size() -> None:
    now = {"outage": 12, "bill": 150, "meter": 130, "ev": 105}
    before = {"outage": 2, "bill": 100, "meter": 100, "ev": 100}
    topics = hot_topics(now, before)
    assert [topic.key for topic in topics] == ["bill", "outage"]
    assert [round(topic.score, 1) for topic in topics] == [3.2, 2.7]
    assert topics[0].ratio == 0.5
    assert round(score(130, 100), 1) == 2.0 and round(score(105, 100), 1) == 0.3


def test_a_new_topic_needs_the_minimum_count() -> None:
    topics = hot_topics({"new": MIN_COUNT, "rare": MIN_COUNT - 1}, {})
    assert [(topic.key, topic.new, topic.ratio) for topic in topics] == [("new", True, None)]


def test_falling_and_steady_topics_are_not_hot() -> None:
    assert hot_topics({"a": 50, "b": 40}, {"a": 80, "b": 40}) == []


def test_ties_are_ordered_by_count_then_key() -> None:
    topics = hot_topics({"b": 9, "a": 9, "c": 20, "d": 35}, {"c": 5, "d": 14})
    assert score(9, 0) == score(20, 5) == score(35, 14) == 3.0
    assert [topic.key for topic in topics] == ["d", "c", "a", "b"]


@given(
    st.dictionaries(st.text(max_size=3), st.integers(0, 500)),
    st.dictionaries(st.text(max_size=3), st.integers(0, 500)),
    st.integers(0, 20),
)
def test_every_topic_listed_is_a_rise_and_the_limit_holds(
    now: dict[str, int], before: dict[str, int], limit: int
) -> None:
    topics = hot_topics(now, before, limit=limit)
    assert len(topics) <= limit
    for topic in topics:
        assert topic.count == now[topic.key] >= MIN_COUNT
        assert topic.change > 0 and (topic.new or topic.score >= MIN_SCORE)
    scores = [topic.score for topic in topics]
    assert scores == sorted(scores, reverse=True)


def poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method, for the small rates of a test."""
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
