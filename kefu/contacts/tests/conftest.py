"""A centre as an agent meets it at screen pop: a taxonomy with Chinese names, regions, a
caller who called two days ago about the same outage, and the standard phrases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import OrgUnit, Region, User
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.quality.phrase_defaults import default_phrases
from kefu.quality.services.phrases import phrase_book_ensure
from kefu.tickets.demo import load_phrases


@dataclass
class Scene:
    customer: Customer
    earlier: Contact
    reasons: dict[str, CallReason]
    region: Region


def _reason(
    centre: OrgUnit, dimension: str, code: str, name: str, parent: CallReason | None = None
) -> CallReason:
    return CallReason.objects.create(
        centre=centre, dimension=dimension, code=code, name=name, parent=parent
    )


@pytest.fixture
def scene(centre: OrgUnit, region: Region, users: dict[str, User], tags: dict[str, Any]) -> Scene:
    content = CallReason.Dimension.SERVICE_CONTENT
    business = CallReason.Dimension.BUSINESS_TYPE
    fees = _reason(centre, business, "fees", "电费电价")
    repair = _reason(centre, business, "fault_repair", "故障报修")
    complaint = _reason(centre, business, "complaint", "服务投诉")
    reasons = {
        "bill_query": _reason(centre, content, "bill_query", "电费查询", fees),
        "tariff": _reason(centre, content, "tariff", "电价咨询", fees),
        "power_outage": _reason(centre, content, "power_outage", "停电", repair),
        "service_attitude": _reason(centre, content, "service_attitude", "服务态度", complaint),
        # The same name under two business types: only the whole path tells them apart.
        "repair_other": _reason(centre, content, "repair_other", "其他", repair),
        "fees_other": _reason(centre, content, "fees_other", "其他", fees),
        "resident": _reason(
            centre, CallReason.Dimension.CUSTOMER_ATTRIBUTE, "resident", "居民客户"
        ),
    }
    Region.objects.create(code="320114", name="雨花台区", parent=region.parent)
    customer = customer_create(
        actor=users["agent"],
        name="李秀英",
        phones=["13912345678"],
        id_number="11010519491231002X",
        address="江苏省南京市鼓楼区中山北路1号3栋502室",
        region=region.code,
        tags=["dissatisfied"],
    )
    earlier = Contact.objects.create(
        centre=centre,
        channel="hotline",
        caller_number="13912345678",
        customer=customer,
        agent=users["agent"],
        started_at=timezone.now() - timedelta(days=2),
        business_type=repair,
        service_content=reasons["power_outage"],
        summary="客户反映家中停电，已告知抢修人员两小时内到达。",
        settled=True,
    )
    load_phrases()
    phrase_book_ensure(actor=None, centre=centre, phrases=default_phrases("国网95598", "95598"))
    return Scene(customer=customer, earlier=earlier, reasons=reasons, region=region)
