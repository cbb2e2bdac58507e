from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason, Contact
from kefu.core.models import AuditEntry, OrgUnit, Region, User
from kefu.customers.services import customer_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy(centre: OrgUnit) -> dict[str, CallReason]:
    dims = CallReason.Dimension

    def node(dimension: str, code: str, name: str, parent: CallReason | None = None) -> CallReason:
        return CallReason.objects.create(
            centre=centre, dimension=dimension, code=code, name=name, parent=parent
        )

    repair = node(dims.BUSINESS_TYPE, "repair", "故障报修")
    billing = node(dims.BUSINESS_TYPE, "billing", "电费电价")
    return {
        "resident": node(dims.CUSTOMER_ATTRIBUTE, "resident", "居民客户"),
        "repair": repair,
        "billing": billing,
        "outage": node(dims.SERVICE_CONTENT, "outage", "停电", repair),
        "bill-query": node(dims.SERVICE_CONTENT, "bill-query", "电费查询", billing),
    }


def contact_body(**change: Any) -> dict[str, Any]:
    return {
        "channel": "hotline",
        "caller_number": "13812345678",
        "started_at": "2026-11-20T09:00:00+08:00",
        "ended_at": "2026-11-20T09:04:30+08:00",
        "customer_attribute": "resident",
        "region": "320106",
        "business_type": "repair",
        "service_content": "outage",
        "summary": "客户来电反映家中停电，已告知抢修人员约一小时内到达。",
        "settled": True,
        **change,
    }


def test_record_a_classified_contact(
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
    taxonomy: dict[str, CallReason],
    region: Region,
) -> None:
    customer = customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])
    response = api_as("agent").post("/api/v1/contacts", contact_body(customer_id=customer.pk))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["caller_number"] == "138****5678"
    assert body["agent"] == "agent"
    assert body["customer_name"] == "王建国"
    assert body["business_type"] == {"code": "repair", "name": "故障报修"}
    assert body["service_content"] == {"code": "outage", "name": "停电"}
    assert body["region"] == {"code": "320106", "name": "鼓楼区"}
    assert body["started_at"] == "2026-11-20T09:00:00+08:00"
    contact = Contact.objects.get(pk=body["id"])
    assert contact.caller_number == "13812345678"
    assert AuditEntry.objects.filter(action="contact.create", object_id=str(contact.pk)).exists()


def test_unknown_callers_are_recorded_without_a_customer(
    api_as: Callable[[str], ApiClient], taxonomy: dict[str, CallReason], region: Region
) -> None:
    response = api_as("agent").post("/api/v1/contacts", contact_body())
    assert response.status_code == 201
    assert response.json()["customer_id"] is None


def test_service_content_implies_its_business_type(
    api_as: Callable[[str], ApiClient], taxonomy: dict[str, CallReason], region: Region
) -> None:
    response = api_as("agent").post(
        "/api/v1/contacts", contact_body(business_type=None, service_content="bill-query")
    )
    assert response.status_code == 201
    assert response.json()["business_type"]["code"] == "billing"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"service_content": "bill-query"}, "call_reason_mismatch"),
        ({"business_type": "nope"}, "call_reason_unknown"),
        ({"caller_number": "12345"}, "phone_invalid"),
        ({"ended_at": "2026-11-20T08:00:00+08:00"}, "ended_before_started"),
        ({"started_at": "2099-01-01T08:00:00+08:00", "ended_at": None}, "started_in_future"),
        ({"region": "000000"}, "region_unknown"),
        ({"customer_id": 987654}, "customer_unknown"),
    ],
)
def test_bad_contacts_are_refused_and_nothing_is_written(
    api_as: Callable[[str], ApiClient],
    taxonomy: dict[str, CallReason],
    region: Region,
    change: dict[str, Any],
    code: str,
) -> None:
    response = api_as("agent").post("/api/v1/contacts", contact_body(**change))

    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert Contact.objects.count() == 0
    assert not AuditEntry.objects.filter(action="contact.create").exists()


def test_schema_rejects_unknown_channel(
    api_as: Callable[[str], ApiClient], taxonomy: dict[str, CallReason]
) -> None:
    response = api_as("agent").post("/api/v1/contacts", contact_body(channel="fax"))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_list_filters_and_pages(
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
    taxonomy: dict[str, CallReason],
    region: Region,
) -> None:
    agent, expert = api_as("agent"), api_as("expert")
    for day in range(1, 10):
        agent.post(
            "/api/v1/contacts",
            contact_body(
                started_at=f"2026-11-0{day}T10:00:00+08:00",
                ended_at=None,
                channel="hotline" if day % 3 else "wechat",
                settled=day % 2 == 0,
                service_content="outage" if day < 5 else "bill-query",
                business_type=None,
            ),
        )
    expert.post("/api/v1/contacts", contact_body(caller_number="02583456789", ended_at=None))

    def count(**query: Any) -> int:
        response = agent.get("/api/v1/contacts", **query)
        assert response.status_code == 200, response.content
        return int(response.json()["count"])

    assert count() == 10
    assert count(channel="wechat") == 3
    assert count(settled="true") == 5
    assert count(business_type="billing") == 5
    assert count(service_content="outage") == 5
    assert count(agent="expert") == 1
    assert count(caller="025-8345 6789") == 1
    assert count(since="2026-11-03T00:00:00+08:00", until="2026-11-06T00:00:00+08:00") == 3
    page = agent.get("/api/v1/contacts", limit=4, offset=4).json()
    assert len(page["items"]) == 4 and page["count"] == 10
    days = [item["started_at"][:10] for item in page["items"]]
    assert days == sorted(days, reverse=True)


def test_call_reasons_are_the_centres_taxonomy(
    api_as: Callable[[str], ApiClient], taxonomy: dict[str, CallReason]
) -> None:
    reasons = api_as("agent").get("/api/v1/call-reasons").json()
    by_code = {reason["code"]: reason for reason in reasons}
    assert by_code["outage"] == {
        "code": "outage",
        "name": "停电",
        "dimension": "service_content",
        "parent": "repair",
    }
    assert len(reasons) == 5


def test_list_query_count_is_fixed(
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
    taxonomy: dict[str, CallReason],
    region: Region,
    django_assert_max_num_queries: Any,
) -> None:
    api = api_as("agent")
    for _ in range(15):
        api.post("/api/v1/contacts", contact_body())
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/contacts").json()["items"]) == 15
