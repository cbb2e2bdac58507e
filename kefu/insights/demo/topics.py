"""The demo's hot topic (issue 21 point 3): the new residential tariff, in force from the
month the demo is loaded in, brings questions about it through the app and WeChat, a few
yesterday and many today, so the hot-topics page and the dashboard show a rising topic
beside the day's outage. By the app, through the service, as the repeats' contacts come."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from kefu.contacts.models import Channel, Contact
from kefu.contacts.services import contact_create
from kefu.core.forms import start_of
from kefu.core.models import OrgUnit, User

TOPIC = "price_inquiry"  # 电价咨询
QUESTIONS = (
    "客户看到{month}月起居民阶梯电价调整的通知，询问第二档电价标准，已按新标准解释。",
    "客户询问本月电费为什么比上月多，已说明{month}月起执行调整后的阶梯电价。",
    "客户咨询峰谷电价新时段划分，已告知调整后的峰谷时段和电价。",
    "客户询问阶梯电价调整后年度用电量档位是否重新计算，已解释。",
    "客户在公众号看到电价调整公告，询问是否影响已预存电费，已答复不影响。",
)
#: Extra questions on the topic: yesterday's few, today's many.
YESTERDAY, TODAY = 6, 30


def load_topics(centre: OrgUnit) -> None:
    if Contact.objects.filter(centre=centre, summary=QUESTIONS[2]).exists():
        return  # loaded before
    agent = User.objects.get(username="agent")
    rng = random.Random(12)  # noqa: S311 - demo data, nothing secret
    callers = list(
        Contact.objects.filter(centre=centre, customer__isnull=False, region__isnull=False)
        .select_related("region")
        .order_by("-started_at")[:200]
    )
    if not callers:
        return
    now = timezone.now()
    today = start_of(timezone.localdate(now))
    spans = ((today - timedelta(days=1), today, YESTERDAY), (today, now, TODAY))
    for start, end, count in spans:
        step = (end - start) / (count + 1)
        for index in range(count):
            caller = rng.choice(callers)
            at = start + step * (index + 1)
            contact_create(
                actor=agent,
                channel=rng.choice([Channel.APP, Channel.WECHAT]),
                started_at=at,
                ended_at=at + timedelta(minutes=3),
                caller_number=caller.caller_number,
                customer_id=caller.customer_id,
                region=caller.region.code if caller.region else None,
                business_type="billing",
                service_content=TOPIC,
                summary=rng.choice(QUESTIONS).format(month=at.month),
                settled=True,
            )
