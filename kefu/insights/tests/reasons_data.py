"""The call-reason tests' world: four service contents under two business types, and a
few hundred classified contacts whose notes vary as agents' do (a lead or none, the ask in
several words, a closing or none, an address), so a model learns the words, not the
templates."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import OrgUnit, User

ASKS: dict[str, tuple[str, ...]] = {
    "outage": ("家里停电了", "整栋楼没电", "突然停电，邻居家也没电", "小区停电两小时", "没电了"),
    "voltage": ("电压不稳", "灯光忽明忽暗", "电压偏低空调启动不了", "电压太高烧坏电视"),
    "bill": ("查询上月电费", "电费怎么这么高", "电费账单金额不对", "本月电费是多少"),
    "tariff": ("阶梯电价怎么算", "峰谷电价什么时候执行", "电价标准是多少", "居民电价"),
}
LEADS = ("客户来电反映", "客户称", "", "来电咨询", "用户反映")
CLOSINGS = ("，已解答。", "，已派单处理。", "。", "，已告知客户。", "")
PLACES = ("鼓楼区中山北路", "江宁区双龙大道", "玄武区北京东路", "")


def note(rng: random.Random, reason: str) -> str:
    place = rng.choice(PLACES)
    return f"{rng.choice(LEADS)}{place}{rng.choice(ASKS[reason])}{rng.choice(CLOSINGS)}"


@dataclass
class ReasonWorld:
    centre: OrgUnit
    reasons: dict[str, CallReason]
    agent: User


def taxonomy(centre: OrgUnit) -> dict[str, CallReason]:
    business = CallReason.Dimension.BUSINESS_TYPE
    content = CallReason.Dimension.SERVICE_CONTENT
    repair = CallReason.objects.create(
        centre=centre, dimension=business, code="fault_repair", name="故障报修"
    )
    fees = CallReason.objects.create(
        centre=centre, dimension=business, code="fees", name="电费电价"
    )
    names = {
        "outage": ("停电", repair),
        "voltage": ("电压异常", repair),
        "bill": ("电费查询", fees),
        "tariff": ("电价咨询", fees),
    }
    return {
        code: CallReason.objects.create(
            centre=centre, dimension=content, code=code, name=name, parent=parent
        )
        for code, (name, parent) in names.items()
    }


def contacts(world: ReasonWorld, count: int, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    codes = sorted(world.reasons)
    rows = []
    for index in range(count):
        code = codes[index % len(codes)]
        reason = world.reasons[code]
        rows.append(
            Contact(
                centre=world.centre,
                channel="hotline",
                agent=world.agent,
                started_at=now - timedelta(minutes=index + 1),
                business_type=reason.parent,
                service_content=reason,
                summary=note(rng, code),
                settled=True,
            )
        )
    Contact.objects.bulk_create(rows)


@pytest.fixture
def reason_world(centre: OrgUnit, users: dict[str, User]) -> ReasonWorld:
    """The taxonomy and 240 classified contacts, not yet trained on."""
    world = ReasonWorld(centre=centre, reasons=taxonomy(centre), agent=users["agent"])
    contacts(world, 240)
    return world
