"""The smallest question bank and exam the exam tests need."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kefu.core.models import User
from kefu.supervision.models import Exam, Question
from kefu.supervision.services.exams import exam_create
from kefu.supervision.services.training import question_save


def bank(
    author: User, *, singles: int = 3, multiples: int = 2, flags: int = 2, shorts: int = 1
) -> list[Question]:
    """Questions on business knowledge: single choices whose answer is option 0, multiple
    choices whose answer is options 0 and 2, true-or-false statements that are true, and
    short answers."""
    specs: list[tuple[str, str, list[str], Any]] = [
        (
            "single",
            f"居民阶梯电价第{n + 1}档的起点是？",
            ["每月230度", "每月400度", "每月100度"],
            [0],
        )
        for n in range(singles)
    ]
    specs += [
        (
            "multiple",
            f"停电报修需要核实的信息（{n + 1}）",
            ["户号", "身份证号", "停电范围", "银行卡号"],
            [0, 2],
        )
        for n in range(multiples)
    ]
    specs += [
        ("true_false", f"故障报修工单须在规定时限内回访（{n + 1}）", [], True) for n in range(flags)
    ]
    specs += [
        (
            "short",
            f"客户来电投诉抄表不准，你如何处理？（{n + 1}）",
            [],
            "致歉，核实读数，派单复核，按时回复",
        )
        for n in range(shorts)
    ]
    return [
        question_save(
            actor=author, topic="business", kind=kind, text=text, options=options, key=key
        )
        for kind, text, options, key in specs
    ]


def an_exam(
    keeper: User,
    *,
    minutes: int = 30,
    singles: int = 2,
    multiples: int = 1,
    flags: int = 1,
    shorts: int = 1,
    opens: dt.timedelta = dt.timedelta(hours=-1),
    closes: dt.timedelta = dt.timedelta(days=1),
    certifies_id: int | None = None,
) -> Exam:
    """An exam of 2 single choices (2 points), 1 multiple choice (4), 1 true-or-false (2)
    and 1 short answer (6): 16 points, pass mark 60 %."""
    now = timezone.now()
    return exam_create(
        actor=keeper,
        kind="ad_hoc",
        title="业务知识测验",
        topics=["business"],
        spec={
            "single": (singles, Decimal(2)),
            "multiple": (multiples, Decimal(4)),
            "true_false": (flags, Decimal(2)),
            "short": (shorts, Decimal(6)),
        },
        opens_at=now + opens,
        closes_at=now + closes,
        minutes=minutes,
        certifies_id=certifies_id,
    )
