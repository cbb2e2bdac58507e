"""What every centre starts with before it brings its own rules: the default time-limit
policies and the standard phrases. Pure data; `kefu init` and the demo write it through the
services.

Policies: the complaint promise of 002 第17篇 20 (a clear answer within 24 hours when not
answered on the call) and the expert seat's 10 minutes to take and 10 to answer (000 第8篇),
with kefu's own defaults for everything else. A policy that matches a call-reason category
(002 第17篇 20's simple complaints, 2 hours) needs the centre's catalogue, so it comes with
the centre's own rules, not here.

Phrases: the back office's reply and callback openings, kefu's own. What an agent says
during a call (规范用语, 002 第13/17/18篇) is the quality app's (`kefu.quality.phrase_defaults`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The calendar a policy counts on when it is the centre's own choice (working hours, or
# round the clock for a 24×7 centre); the other policies always count round the clock.
CENTRE_CALENDAR = "centre"


def stage_limits(**stages: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {
        stage: {"limit": limit, "warning": warning} for stage, (limit, warning) in stages.items()
    }


@dataclass(frozen=True)
class DefaultPolicy:
    name: str
    match: dict[str, Any]
    calendar: str  # CENTRE_CALENDAR or a standard calendar's name
    limits: dict[str, dict[str, str]]
    callback_required: bool = True


POLICIES: list[DefaultPolicy] = [
    DefaultPolicy(
        "一般工单",
        {},
        CENTRE_CALENDAR,
        stage_limits(
            review=("PT2H", "PT1H30M"),
            take=("PT4H", "PT3H"),
            **{"return": ("P2D", "P1D")},
            verify=("PT4H", "PT3H"),
            reply=("PT4H", "PT3H"),
            callback=("P1D", "PT4H"),
            overall=("P5D", "P4D"),
        ),
    ),
    # 002 第17篇 20: a complaint not answered on the call gets a clear answer within 24 hours
    # (complex): the `answer` limit, counted to the reply, not to the close after the
    # callback. The callback has its own limit (ours: a day after the reply).
    DefaultPolicy(
        "投诉（复杂，24小时答复）",
        {"kind": "complaint"},
        "24x7",
        stage_limits(
            review=("PT1H", "PT45M"),
            take=("PT2H", "PT1H30M"),
            **{"return": ("PT16H", "PT12H")},
            verify=("PT2H", "PT1H30M"),
            reply=("PT2H", "PT1H30M"),
            answer=("PT24H", "PT20H"),
            callback=("PT24H", "PT20H"),
            overall=("PT48H", "PT40H"),
        ),
    ),
    DefaultPolicy(
        "故障报修（7×24小时）",
        {"kind": "fault"},
        "24x7",
        stage_limits(
            review=("PT10M", "PT5M"),
            take=("PT15M", "PT10M"),
            **{"return": ("PT4H", "PT3H")},
            verify=("PT1H", "PT45M"),
            reply=("PT1H", "PT45M"),
            callback=("P1D", "PT20H"),
            overall=("P1D", "PT20H"),
        ),
    ),
    DefaultPolicy(
        "VIP客户（时限减半）",
        {"tier": "vip"},
        CENTRE_CALENDAR,
        stage_limits(
            review=("PT1H", "PT45M"),
            take=("PT2H", "PT1H30M"),
            **{"return": ("P1D", "PT4H")},
            verify=("PT2H", "PT1H30M"),
            reply=("PT2H", "PT1H30M"),
            callback=("PT4H", "PT3H"),
            overall=("P2D", "P1D"),
        ),
    ),
    # 一线+专席 (000 第8篇): the transfer is taken within 10 minutes, and the expert seat
    # answers the customer within 10 minutes of taking it (its own steps alone).
    DefaultPolicy(
        "专席转派（10分钟接单，10分钟答复）",
        {"expert_seat": True},
        "24x7",
        stage_limits(take=("PT10M", "PT8M"), **{"return": ("PT10M", "PT8M")}),
    ),
    DefaultPolicy(
        "表扬与建议（无需回访）",
        {"kind": "praise"},
        CENTRE_CALENDAR,
        stage_limits(review=("P1D", "PT4H"), reply=("P2D", "P1D"), overall=("P5D", "P4D")),
        callback_required=False,
    ),
]


@dataclass(frozen=True)
class Phrase:
    use: str  # StandardPhrase.Use
    kind: str  # a work-order kind, or "" for any
    text: str


# The back office's openings of a reply ({result}: the returned result) and callback notes.
REPLY_AND_CALLBACK: list[Phrase] = [
    Phrase("reply", "", "您好，您反映的问题已处理完毕，处理结果如下：{result}。感谢您的耐心等待。"),
    Phrase(
        "reply",
        "complaint",
        "您好，对给您带来的不便我们深表歉意。经核实，{result}。我们已加强管理，避免类似情况再次发生。",
    ),
    Phrase("callback", "", "客户对处理结果表示满意。"),
    Phrase("callback", "", "客户表示已知晓处理结果，无其他诉求。"),
    Phrase("callback", "", "客户对处理结果不满意，要求重新处理。"),
    Phrase("callback", "complaint", "客户接受道歉，对整改措施表示认可。"),
]
