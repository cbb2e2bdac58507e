"""The escalation-risk score (升级风险, issue 21 point 4; seeds 003 (二) 2 "严把投诉风险,有效降低
升级投诉", 002 "遇到客户情绪激烈 … 应马上报告现场业务主管"): each sign's points, their caps,
the reasons it gives, and that one strong sign alone does not raise an order to the top of
the queues while two do."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.insights.risk import (
    ANGER_WORD,
    DISSATISFIED,
    REPEAT,
    TIER,
    URGE,
    Inputs,
    anger_words,
    score,
)
from kefu.tickets.models import RISK_RAISED


def test_a_calm_order_of_a_general_customer_scores_nothing() -> None:
    assert score(Inputs(texts=["询问阶梯电价"])) == score(Inputs()) and score(Inputs()).score == 0
    assert score(Inputs()).reasons == []


def test_each_sign_gives_its_points_up_to_its_cap() -> None:
    assert score(Inputs(urges=1)).score == URGE[0]
    assert score(Inputs(urges=9)).score == URGE[1]
    assert score(Inputs(repeats=2)).score == 2 * REPEAT[0]
    assert score(Inputs(tier="vip")).score == TIER["vip"]
    assert score(Inputs(dissatisfied=True)).score == DISSATISFIED
    angry = score(Inputs(texts=["再不处理就投诉到12398，", "我要曝光你们"]))
    assert angry.reasons == [
        {"code": "anger", "points": 3 * ANGER_WORD[0], "words": ["投诉到", "曝光", "12398"]}
    ]


def test_the_reasons_say_why_biggest_first() -> None:
    risk = score(Inputs(urges=2, repeats=1, tier="special", dissatisfied=True, reopens=1))
    assert [reason["code"] for reason in risk.reasons] == [
        "urges",
        "dissatisfied",
        "tier",
        "reopened",
        "repeats",
    ]
    assert risk.score == 30 + 25 + 20 + 15 + 10
    assert risk.reasons[0] == {"code": "urges", "points": 30, "count": 2}


def test_one_strong_sign_does_not_raise_the_order_two_do() -> None:
    for alone in (
        Inputs(urges=3),
        Inputs(dissatisfied=True),
        Inputs(repeats=5),
        Inputs(tier="special"),
        Inputs(texts=["投诉到 曝光 媒体 记者 法院"]),
    ):
        assert score(alone).score < RISK_RAISED, alone
    assert score(Inputs(urges=2, dissatisfied=True)).score >= RISK_RAISED
    assert score(Inputs(urges=1, repeats=1, tier="vip", texts=["太过分了"])).score >= RISK_RAISED


def test_anger_words_are_found_once_each() -> None:
    assert anger_words(["骗子！骗子！", "气死我了"]) == ["气死", "骗子"]


@given(
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
    st.sampled_from(sorted(TIER)),
    st.booleans(),
    st.lists(st.text(max_size=30), max_size=3),
)
def test_the_score_is_the_sum_of_its_reasons_from_0_to_100(
    urges: int, repeats: int, reopens: int, tier: str, dissatisfied: bool, texts: list[str]
) -> None:
    risk = score(Inputs(urges, repeats, reopens, texts, tier, dissatisfied))
    assert 0 <= risk.score <= 100
    assert risk.score == min(100, sum(reason["points"] for reason in risk.reasons))
    assert all(reason["points"] > 0 for reason in risk.reasons)
    assert score(Inputs(urges + 1, repeats, reopens, texts, tier, dissatisfied)).score >= risk.score
