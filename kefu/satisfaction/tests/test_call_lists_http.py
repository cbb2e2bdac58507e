"""Outbound lists over the API and on the pages: strict schemas, a create safe to repeat,
each role reaching only what it may, account numbers refused row by row with nothing
changed, a refused form keeping what was typed, in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.customers.models import Customer
from kefu.satisfaction.models import CallbackTask, CallList
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import World

world = world_callbacks.world  # the fixture
BASE = "/api/v1/satisfaction/callbacks/lists"


def api(username: str) -> ApiClient:
    return ApiClient(token_for(username))


def signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "新装感谢回访",
        "purpose": "thank_you",
        "fill_rule": "new_customers",
        "due_on": str(timezone.localdate() + dt.timedelta(days=7)),
        "script": "您好,感谢您选择我们。",
        **extra,
    }


def test_a_list_over_the_api(world: World) -> None:
    manager = api("manager")
    first = manager.post(BASE, _body())
    assert first.status_code == 201, first.content
    shown = first.json()
    assert shown["counts"] == {
        "to_call": 0,
        "done": 0,
        "unreachable": 0,
        "cancelled": 0,
        "satisfied": 0,
        "fairly_satisfied": 0,
        "dissatisfied": 0,
        "reach_rate": None,
    }
    again = manager.post(BASE, _body())
    assert again.status_code == 200 and again.json()["id"] == shown["id"]
    taken = manager.post(BASE, _body(script="另一段口径"))
    assert taken.status_code == 409 and taken.json()["code"] == "list_name_taken"
    filled = manager.post(f"{BASE}/{shown['id']}/fill", {})
    assert filled.status_code == 200, filled.content
    assert filled.json()["written"] == 3 and filled.json()["call_list"]["counts"]["to_call"] == 3
    listed = manager.get(BASE)
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["counts"]["to_call"] == 3
    task = CallbackTask.objects.order_by("pk").first()
    assert task is not None and task.assignee is not None
    mine = api(task.assignee.username).get("/api/v1/satisfaction/callbacks", mine="true")
    assert shown["id"] in [row["call_list"] for row in mine.json()["items"]]
    today = str(timezone.localdate())
    by_list = manager.get(
        "/api/v1/satisfaction/callbacks/results", since=today, until=today, by="list"
    )
    assert by_list.status_code == 200 and by_list.json() == []  # none closed yet
    closed = manager.post(
        f"{BASE}/{shown['id']}/close", {"version": filled.json()["call_list"]["version"]}
    )
    assert closed.status_code == 200 and closed.json()["counts"]["cancelled"] == 3
    assert manager.post(f"{BASE}/{shown['id']}/close", {}).status_code == 409


def test_account_numbers_over_the_api_are_all_or_nothing(world: World) -> None:
    Customer.objects.filter(pk=world.customers[0].pk).update(account_number="0101000001")
    manager = api("manager")
    made = manager.post(BASE, _body(name="导入", purpose="other", fill_rule="accounts")).json()
    refused = manager.post(f"{BASE}/{made['id']}/fill", {"accounts": ["0101000001", "0109999999"]})
    assert refused.status_code == 422
    assert refused.json()["detail"]["rows"] == [
        {"line": 2, "value": "0109999999", "reason": "unknown"}
    ]
    assert not CallbackTask.objects.exists()
    done = manager.post(f"{BASE}/{made['id']}/fill", {"accounts": ["0101000001"]})
    assert done.status_code == 200 and done.json()["written"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"purpose": "sale"},
        {"fill_rule": "everyone"},
        {"extra": 1},
        {"name": ""},
        {"name": "a\x00b"},
        {"sample_size": 5001},
        {"max_attempts": 0},
        {"due_on": "tomorrow"},
        {"team": 2**63},
        {"tier": "gold"},
        {"business_type": 999999, "fill_rule": "closed_orders"},
        {"survey": 999999},
        {"region": 999999},
        {"team": 999999},
        {"due_on": "2020-01-01"},
    ],
)
def test_odd_lists_are_refused_with_422(world: World, change: dict[str, Any]) -> None:
    response = api("manager").post(BASE, _body(**change))
    assert response.status_code == 422, response.content
    assert not CallList.objects.exists()


def test_each_role_against_the_lists(world: World) -> None:
    made = api("manager").post(BASE, _body()).json()
    for name in ("bo1", "leader", "qa"):
        assert api(name).get(f"{BASE}/{made['id']}").status_code == 200
        assert api(name).post(f"{BASE}/{made['id']}/fill", {}).status_code == 403
        assert api(name).post(BASE, _body(name="别的")).status_code == 403
    for name in ("a1", "handler", "outsider"):
        assert api(name).get(f"{BASE}/{made['id']}").status_code == 404
        assert api(name).post(f"{BASE}/{made['id']}/fill", {}).status_code == 404
    assert api("outsider").get(BASE).json()["count"] == 0
    assert api("manager").get(f"{BASE}/999999").status_code == 404
    assert api("manager").post(f"{BASE}/{made['id']}/fill", {"accounts": "x"}).status_code == 422


def test_the_list_pages_in_chinese(world: World) -> None:
    manager = signed_in("manager")
    page = manager.get("/satisfaction/callbacks/lists/")
    text = page.content.decode()
    assert page.status_code == 200
    for label in ("外呼名单", "新建名单", "外呼目的", "名单规则", "完成期限", "创建名单"):
        assert label in text
    refused = manager.post(
        "/satisfaction/callbacks/lists/",
        {
            "name": "报装感谢",
            "purpose": "thank_you",
            "fill_rule": "closed_orders",
            "due_on": str(timezone.localdate() + dt.timedelta(days=3)),
            "script": "您好,感谢您办理新装。",
            "max_attempts": 3,
            "retry_hours": 4,
            "assignment": "round_robin",
        },
    )
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "请选择工单的业务种类。" in text and "您好,感谢您办理新装。" in text
    made = manager.post(
        "/satisfaction/callbacks/lists/",
        {
            "name": "新客户感谢",
            "purpose": "thank_you",
            "fill_rule": "new_customers",
            "due_on": str(timezone.localdate() + dt.timedelta(days=3)),
            "max_attempts": 3,
            "retry_hours": 4,
            "assignment": "round_robin",
        },
    )
    assert made.status_code == 302
    call_list = CallList.objects.get()
    filled = manager.post(f"/satisfaction/callbacks/lists/{call_list.pk}/fill/", follow=True)
    text = filled.content.decode()
    assert "新增3个外呼，0户已在名单中。" in text and "王建国" in text
    bad = manager.post(
        f"/satisfaction/callbacks/lists/{call_list.pk}/fill/",
        {"by": "accounts", "accounts": "0109999999\n坏行"},
    )
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "部分行不是本中心的户号" in text and "本中心没有该户号的客户" in text
    assert "0109999999" in text  # what was typed stays
    Customer.objects.filter(pk=world.customers[0].pk).update(account_number="0101000001")
    upload = SimpleUploadedFile("accounts.csv", "户号,姓名\n0101000001,王建国\n".encode())
    with_file = manager.post(
        f"/satisfaction/callbacks/lists/{call_list.pk}/fill/",
        {"by": "accounts", "upload": upload},
    )
    # The header row is not an account number: refused, nothing added.
    assert with_file.status_code == 400 and "不是户号" in with_file.content.decode()
    listing = manager.get("/satisfaction/callbacks/lists/").content.decode()
    assert "新客户感谢" in listing
    closed = manager.post(f"/satisfaction/callbacks/lists/{call_list.pk}/close/", follow=True)
    assert "名单已关闭" in closed.content.decode()
    assert signed_in("bo1").get(f"/satisfaction/callbacks/lists/{call_list.pk}/").status_code == 200
    assert (
        signed_in("bo1").post(f"/satisfaction/callbacks/lists/{call_list.pk}/close/").status_code
        == 403
    )
    assert signed_in("bo1").post("/satisfaction/callbacks/lists/", {"name": "x"}).status_code == 403
    assert signed_in("a1").get("/satisfaction/callbacks/lists/").status_code == 403
    assert (
        signed_in("outsider").get(f"/satisfaction/callbacks/lists/{call_list.pk}/").status_code
        == 404
    )
    task = CallbackTask.objects.filter(assignee__isnull=False).first()
    assert task is not None and task.assignee is not None
    results = manager.get("/satisfaction/callbacks/results/?by=list")
    assert results.status_code == 200 and "外呼名单" in results.content.decode()


def test_an_agent_sees_a_list_call_in_my_callbacks(world: World) -> None:
    made = api("manager").post(BASE, _body(script="您好,{name},感谢您选择我们。")).json()
    api("manager").post(f"{BASE}/{made['id']}/fill", {})
    task = CallbackTask.objects.get(assignee__username="a1")
    page = signed_in("a1").get(f"/satisfaction/callbacks/{task.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "外呼名单" in text and "新装感谢回访" in text and "感谢回访" in text
    assert f"您好,{task.customer.name},感谢您选择我们。" in text


def test_the_lists_page_and_api_read_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    manager = signed_in("manager")
    token = api("manager")
    for index in range(6):
        made = token.post(BASE, _body(name=f"名单{index}")).json()
        token.post(f"{BASE}/{made['id']}/fill", {})
    with django_assert_max_num_queries(25):
        assert manager.get("/satisfaction/callbacks/lists/").status_code == 200
    with django_assert_max_num_queries(12):
        assert token.get(BASE).json()["count"] == 6
    first = CallList.objects.order_by("pk").first()
    assert first is not None
    with django_assert_max_num_queries(25):
        assert manager.get(f"/satisfaction/callbacks/lists/{first.pk}/").status_code == 200
