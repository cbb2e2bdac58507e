from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.core.models import AuditEntry, OrgUnit, Region, User
from kefu.customers.models import Customer, CustomerPhone, Tag

pytestmark = pytest.mark.django_db

VALID_ID = "32010619900307001X"


def id_with_check_digit(first17: str) -> str:
    from kefu.core.validation import id_number_check_digit

    return first17 + id_number_check_digit(first17)


@pytest.fixture
def customer_body(region: Region, tags: dict[str, Tag]) -> dict[str, Any]:
    return {
        "name": "王建国",
        "phones": ["138 1234 5678", "025-83456789"],
        "id_number": id_with_check_digit("32010619900307001"),
        "account_number": "3201000001",
        "address": "江苏省南京市鼓楼区中山北路128号3栋2单元501室",
        "region": "320106",
        "tier": "vip",
        "tags": ["sensitive"],
        "notes": "老客户",
    }


def create(api: ApiClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/v1/customers", body)
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_create_normalises_phones_masks_output_and_audits(
    api_as: Callable[[str], ApiClient], customer_body: dict[str, Any], users: dict[str, User]
) -> None:
    created = create(api_as("agent"), customer_body)

    assert created["phones"] == [
        {"number": "138****5678", "kind": "mobile"},
        {"number": "025****6789", "kind": "fixed"},
    ]
    assert created["id_number"] == "320106********" + customer_body["id_number"][-4:]
    assert created["address"] == "江苏省南京市鼓楼区****"
    assert created["masked"] is True
    assert created["tier"] == "vip" and created["tags"] == ["sensitive"]
    assert created["region"] == {"code": "320106", "name": "鼓楼区"}
    stored = Customer.objects.get(pk=created["id"])
    assert list(stored.phones.values_list("number", flat=True)) == ["13812345678", "02583456789"]
    entry = AuditEntry.objects.get(action="customer.create", object_id=str(stored.pk))
    assert entry.actor == users["agent"]
    assert entry.ip == "127.0.0.1"
    assert entry.after is not None and entry.after["phones"] == ["13812345678", "02583456789"]


@pytest.mark.parametrize(
    "written", ["13812345678", "+86 138-1234-5678", "0086 13812345678", "138 1234 5678"]
)
def test_search_by_any_phone_written_any_way(
    api_as: Callable[[str], ApiClient], customer_body: dict[str, Any], written: str
) -> None:
    api = api_as("agent")
    created = create(api, customer_body)
    create(api, {"name": "李四", "phones": ["13900001111"]})

    found = api.get("/api/v1/customers", phone=written).json()

    assert found["count"] == 1
    assert found["items"][0]["id"] == created["id"]


def test_search_by_second_phone_name_account_and_id_number(
    api_as: Callable[[str], ApiClient], customer_body: dict[str, Any]
) -> None:
    api = api_as("agent")
    created = create(api, customer_body)
    create(api, {"name": "李四", "phones": ["13900001111"], "account_number": "3201000002"})

    for query in [
        {"phone": "(025) 8345 6789"},
        {"q": "建国"},
        {"q": "3201000001"},
        {"q": customer_body["id_number"]},
        {"q": "13812345678"},
    ]:
        found = api.get("/api/v1/customers", **query).json()
        assert [item["id"] for item in found["items"]] == [created["id"]], query


def test_list_is_paginated_and_filtered(
    api_as: Callable[[str], ApiClient], region: Region, tags: dict[str, Tag]
) -> None:
    api = api_as("agent")
    for index in range(25):
        create(
            api,
            {
                "name": f"客户{index:02d}",
                "tier": "vip" if index % 5 == 0 else "general",
                "tags": ["dissatisfied"] if index % 2 == 0 else [],
            },
        )

    first = api.get("/api/v1/customers").json()
    assert first["count"] == 25 and len(first["items"]) == 20
    assert first["items"][0]["name"] == "客户24"  # newest first
    second = api.get("/api/v1/customers", limit=10, offset=20).json()
    assert [item["name"] for item in second["items"]] == [f"客户{i:02d}" for i in range(4, -1, -1)]
    assert api.get("/api/v1/customers", tier="vip").json()["count"] == 5
    assert api.get("/api/v1/customers", tag="dissatisfied").json()["count"] == 13
    assert api.get("/api/v1/customers", tier="vip", tag="dissatisfied").json()["count"] == 3
    assert api.get("/api/v1/customers", limit=0).status_code == 422
    assert api.get("/api/v1/customers", limit=201).status_code == 422


def test_users_see_only_their_centre(
    api_as: Callable[[str], ApiClient],
    make_user: Callable[..., User],
    other_centre: OrgUnit,
    customer_body: dict[str, Any],
) -> None:
    created = create(api_as("agent"), customer_body)
    make_user("agent", username="stranger", centre=other_centre)
    from kefu.conftest import token_for

    stranger = ApiClient(token_for("stranger"))

    assert stranger.get("/api/v1/customers").json()["count"] == 0
    assert stranger.get(f"/api/v1/customers/{created['id']}").status_code == 404


def test_update_with_version_and_stale_version_conflict(
    api_as: Callable[[str], ApiClient], customer_body: dict[str, Any]
) -> None:
    api = api_as("backoffice")
    created = create(api, customer_body)
    url = f"/api/v1/customers/{created['id']}"

    updated = api.patch(url, {"version": 1, "address": "江苏省南京市玄武区北京东路1号"})
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2

    stale = api.patch(url, {"version": 1, "name": "王小明"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert stale.json()["detail"] == {"current_version": 2}
    assert Customer.objects.get(pk=created["id"]).name == "王建国"
    audit = AuditEntry.objects.get(action="customer.update")
    assert audit.before == {"address": customer_body["address"]}
    assert audit.after == {"address": "江苏省南京市玄武区北京东路1号"}


def test_duplicate_account_number_is_a_conflict_and_changes_nothing(
    api_as: Callable[[str], ApiClient], customer_body: dict[str, Any]
) -> None:
    api = api_as("agent")
    create(api, customer_body)
    response = api.post("/api/v1/customers", {**customer_body, "name": "重复户号"})

    assert response.status_code == 409
    assert response.json()["code"] == "account_number_taken"
    assert Customer.objects.count() == 1
    assert CustomerPhone.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"phones": ["12345"]}, "phone_invalid"),
        ({"id_number": "320106199003070011"}, "id_check_digit"),
        ({"region": "999999"}, "region_unknown"),
        ({"tags": ["vip-ish"]}, "tag_unknown"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    api_as: Callable[[str], ApiClient],
    customer_body: dict[str, Any],
    change: dict[str, Any],
    code: str,
) -> None:
    response = api_as("agent").post("/api/v1/customers", {**customer_body, **change})

    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert Customer.objects.count() == 0
    assert not AuditEntry.objects.filter(action="customer.create").exists()


def test_history_lists_contacts_newest_first(
    api_as: Callable[[str], ApiClient], customer_body: dict[str, Any]
) -> None:
    api = api_as("agent")
    created = create(api, customer_body)
    for day in (1, 3, 2):
        response = api.post(
            "/api/v1/contacts",
            {
                "channel": "hotline",
                "customer_id": created["id"],
                "started_at": f"2026-11-0{day}T09:00:00+08:00",
                "summary": f"第{day}天来电",
            },
        )
        assert response.status_code == 201, response.content

    history = api.get(f"/api/v1/customers/{created['id']}/history").json()

    assert history["count"] == 3
    assert [item["summary"] for item in history["items"]] == ["第3天来电", "第2天来电", "第1天来电"]
    assert {item["type"] for item in history["items"]} == {"contact"}
