"""What every centre starts with before it brings its own rules: the default time-limit
policies and the standard phrases. Pure data; `kefu init` and the demo write it through the
services.

Policies: the complaint promise of 002 第17篇 20 (a clear answer within 24 hours when not
answered on the call) and the expert seat's 10 minutes to take and 10 to answer (000 第8篇),
with kefu's own defaults for everything else. A policy that matches a call-reason category
(002 第17篇 20's simple complaints, 2 hours) needs the centre's catalogue, so it comes with
the centre's own rules, not here.

Phrases: what an agent says in each situation of a call and what never to say (002 第13篇,
客户服务中心规范用语), with the centre's own greeting and number put in; the back office's
reply and callback openings are kefu's own.
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
    situation: str = ""
    avoid: str = ""


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


def call_phrases(greeting: str, hotline: str = "") -> list[Phrase]:
    """An agent's wording during a call (002 第13篇), opening with `greeting` (the centre's
    name, e.g. 国网95598) and closing with the `hotline` number when there is one."""
    farewell = f"请随时拨打{hotline}与我们联系" if hotline else "请随时与我们联系"
    rows = [
        ("开头语", "", f"{greeting}，您好，很高兴为您服务。", "“讲”；“说话”；“我听的见”；“喂”"),
        (
            "听不清或听不懂客户的讲话",
            "",
            "对不起先生/女士，由于线路的问题，我没有听清楚您的意思，您能再重复一遍吗？",
            "“您说话呀”；“您说什么？”；“嗯？”；“什么？”",
        ),
        (
            "需要向主管咨询后答复",
            "",
            "先生/女士抱歉，您的问题需要向主管咨询，请您不要挂机，等待一下可以吗？",
            "没有征求客户的同意就离席问问题；“我不知道，我给您问一下吧”",
        ),
        (
            "让客户久等之后",
            "",
            "先生/女士，很抱歉让您久等了。",
            "“我告诉您…”；“我查了一下…”；“喂”；“您记一下。”",
        ),
        (
            "查询时间较长",
            "",
            "由于信息量很大，系统处理要花一些时间，您需要稍等，请原谅！",
            "“我不是正在给您查那吗？”；“您等会不行呀！”",
        ),
        (
            "需要转接电话",
            "",
            "我需要将您的电话转给专席处理，您看可以吗？（客户同意后再转接，并说“谢谢您！”）",
            "客户不同意时私自把电话转出",
        ),
        (
            "客户表示不满或抱怨",
            "complaint",
            "先生/女士，真对不起给您带来这么多麻烦，请您不要生气，您的意思我明白，我会尽快帮助您协调的。",
            "在客户抱怨时打断客户；“您的意思我不懂”；“您到底让我们怎么办？”",
        ),
        (
            "客户要求找领导",
            "",
            "先生/女士很抱歉给您带来这么多麻烦，您有什么事情可以跟我讲一下，我也会尽快帮您反映的，您看可以吗？",
            "“您有多大的事还用找领导，和我讲就可以了”",
        ),
        (
            "客户询问处理结果",
            "query",
            "先生/女士，我们这里已经有了您反映的问题的记录，并且已经通知相关部门正在帮您处理，一有结果我们会马上和您联系。很抱歉给您带来这么多麻烦，您再耐心地等待一下好吗？",
            "“您得给我们处理时间呀！”；“我们处理也得有个过程吧！”",
        ),
        (
            "客户提出意见和建议",
            "suggestion",
            "非常感谢您给我们提出这么好的建议，我已经作了详细的记录，并会反馈到相关部门进行分析，根据实际情况进行改进。",
            "不作任何回应，继续下一个问题或结束通话",
        ),
        (
            "客户投诉工作人员",
            "complaint",
            "先生/女士很抱歉给您带来这么多麻烦，您所反映的问题我们已经做了相关记录，一经核实，会对其进行严肃处理。",
            "推脱客户、回避客户投诉座席的问题",
        ),
        (
            "客户有无理要求",
            "",
            "感谢您提出的宝贵意见，我们会针对您所提出的意见进行调查，如有需要，公司会考虑修改相关规定。",
            "“不可能，您的要求我们做不到。”；“这个我们办不到。”",
        ),
        (
            "结束通话",
            "",
            f"感谢您的来电，今后有什么需要帮助，{farewell}，再见！",
            "客户还在反映问题时强行说结束语并挂断电话",
        ),
    ]
    return [
        Phrase("call", kind, text, situation=situation, avoid=avoid)
        for situation, kind, text, avoid in rows
    ]
