"""Hot topics' rule (kefu/insights/topics.py; seeds 000 第8篇 "客户咨询的热点 … 一天一报")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.insights.topics import MIN_COUNT, hot_topics, score


def test_a_rise_is_measured_against_the_noise_of_its_size() -> None:
    now = {"outage": 12, "bill": 130, "meter": 105}
    before = {"outage": 2, "bill": 100, "meter": 100}
    topics = hot_topics(now, before)
    assert [topic.key for topic in topics] == ["outage", "bill"]
    assert round(topics[0].score, 1) == 5.8 and round(topics[1].score, 1) == 3.0
    assert topics[1].ratio == 0.3


def test_a_new_topic_needs_the_minimum_count() -> None:
    topics = hot_topics({"new": MIN_COUNT, "rare": MIN_COUNT - 1}, {})
    assert [(topic.key, topic.new, topic.ratio) for topic in topics] == [("new", True, None)]


def test_falling_and_steady_topics_are_not_hot() -> None:
    assert hot_topics({"a": 50, "b": 40}, {"a": 80, "b": 40}) == []


def test_ties_are_ordered_by_count_then_key() -> None:
    topics = hot_topics({"b": 5, "a": 5, "c": 11}, {"c": 3})
    assert score(11, 3) == 4.0 and score(5, 0) == 5.0
    assert [topic.key for topic in topics] == ["a", "b", "c"]


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
        assert topic.change > 0 and topic.score >= 2.0
    scores = [topic.score for topic in topics]
    assert scores == sorted(scores, reverse=True)
