"""Escalation risk of an open work order (升级风险, issue 21 point 4): how likely the
customer is to take the matter higher (越级投诉, 12398/12315, the media) if it is not
handled first.

Seeds: 003 (二) 2 "严把投诉风险,有效降低升级投诉" (hold the complaint risk, lower the
escalated complaints); 000 "越级上诉" (going over the centre's head) is what settling the
matter in the centre prevents; 002 "遇到客户情绪激烈,破口大骂 … 若无法处理,应马上报告现场业务
主管" (an angry caller is reported to the supervisor at once). The signs are those the
issue names: the customer urged the order, called again on the same reason, used angry
words, is of a tier the centre owes more to, is on the dissatisfied list; an order
reopened after an unsatisfied callback is the same sign, recorded by the loop itself.

Each sign gives points up to its cap; the score is their sum, at most 100. The weights are
set so that one strong sign alone (dissatisfied, or three urges) does not lift an order to
the top of the queues (`tickets.models.RISK_RAISED`, 50) but two do. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: (points per occurrence, cap) of each counted sign.
URGE = (15, 45)  # each urge (催办): the customer is chasing
REPEAT = (10, 30)  # each repeat contact on the order's reason (重复来电)
REOPEN = (15, 30)  # each reopening after an unsatisfied callback (重办)
ANGER_WORD = (10, 30)  # each distinct angry word in the texts
#: Points of the customer's tier (特定客户/VIP/中高端) and of the dissatisfied list.
TIER = {"special": 20, "vip": 15, "high_value": 10, "general": 0}
DISSATISFIED = 25

#: Words that say a caller is angry or about to go higher, as Chinese callers say it:
#: threats to escalate (投诉到/曝光/12398/12345/媒体/法院/律师), anger and its swear words.
ANGER_WORDS: tuple[str, ...] = (
    "投诉到",
    "越级",
    "上访",
    "曝光",
    "媒体",
    "记者",
    "12345",
    "12398",
    "12315",
    "市长热线",
    "法院",
    "起诉",
    "律师",
    "赔偿",
    "太过分",
    "欺负人",
    "忍无可忍",
    "气死",
    "骗子",
    "垃圾",
    "不像话",
    "没人管",
    "一直没人",
    "第三次",
    "多少次",
    "到底",
)


@dataclass(frozen=True)
class Inputs:
    """What is known of one open order."""

    urges: int = 0
    repeats: int = 0
    reopens: int = 0
    texts: Sequence[str] = ()  # title, description, contact summaries, transcript sentences
    tier: str = "general"
    dissatisfied: bool = False


@dataclass(frozen=True)
class Risk:
    score: int
    # [{"code", "points", …what the reason shows: "count", "words", "tier"}], biggest first
    reasons: list[dict[str, Any]] = field(default_factory=list)


def anger_words(texts: Iterable[str], words: Sequence[str] = ANGER_WORDS) -> list[str]:
    """The angry words found in the texts, each once, in the list's order."""
    joined = "\n".join(texts)
    return [word for word in words if word in joined]


def _counted(count: int, weight: tuple[int, int]) -> int:
    per, cap = weight
    return min(max(count, 0) * per, cap)


def score(inputs: Inputs) -> Risk:
    """The order's escalation risk from 0 to 100 and each reason with its points."""
    reasons: list[dict[str, Any]] = []
    for code, count, weight in (
        ("urges", inputs.urges, URGE),
        ("repeats", inputs.repeats, REPEAT),
        ("reopened", inputs.reopens, REOPEN),
    ):
        if count > 0:
            reasons.append({"code": code, "points": _counted(count, weight), "count": count})
    words = anger_words(inputs.texts)
    if words:
        reasons.append(
            {"code": "anger", "points": _counted(len(words), ANGER_WORD), "words": words[:5]}
        )
    if TIER.get(inputs.tier, 0):
        reasons.append({"code": "tier", "points": TIER[inputs.tier], "tier": inputs.tier})
    if inputs.dissatisfied:
        reasons.append({"code": "dissatisfied", "points": DISSATISFIED})
    reasons.sort(key=lambda reason: -reason["points"])
    return Risk(min(100, sum(reason["points"] for reason in reasons)), reasons)
