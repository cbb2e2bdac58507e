"""The callback and dissatisfied-list pages through HTTP, in Chinese: the back office
works a callback, a refused form keeps what was typed, the results and the list with
its indicators, each role reaching only what it may."""

from __future__ import annotations

from django.test import Client

from kefu.conftest import PASSWORD
from kefu.satisfaction.models import CallbackAttempt, CallbackTask, EntryState
from kefu.satisfaction.queries.dissatisfied import dissatisfied_open_for
from kefu.satisfaction.services.callbacks import callbacks_sweep
from kefu.satisfaction.services.dissatisfied import dissatisfied_enter
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import ALL, World

world = world_callbacks.world  # the fixture


def signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_back_office_works_a_callback_in_chinese(world: World) -> None:
    world.rule("sample", rate=ALL, script="您好,请问是{name}吗?")
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    page = signed_in("bo1").get("/satisfaction/callbacks/mine/")
    text = page.content.decode()
    assert page.status_code == 200
    for label in ("我的回访", "回访口径", "记录回访", "满意", "基本满意", "不满意", "联系不上"):
        assert label in text
    assert "您好,请问是王建国吗?" in text and "138****5678" in text
    # A refused form keeps what was typed (no outcome chosen).
    refused = signed_in("bo1").post(
        f"/satisfaction/callbacks/{task.pk}/attempt/", {"note": "客户在开会", "version": 1}
    )
    assert refused.status_code == 400 and "客户在开会" in refused.content.decode()
    done = signed_in("bo1").post(
        f"/satisfaction/callbacks/{task.pk}/attempt/",
        {"outcome": "unreachable", "note": "无人接听", "version": 1},
    )
    assert done.status_code == 302
    stale = signed_in("bo1").post(
        f"/satisfaction/callbacks/{task.pk}/attempt/",
        {"outcome": "satisfied", "note": "第二次的备注", "version": 1},
    )
    assert stale.status_code == 400 and "第二次的备注" in stale.content.decode()
    assert CallbackAttempt.objects.get().note == "无人接听"


def test_who_reaches_the_callback_pages(world: World) -> None:
    world.rule("sample", rate=ALL)
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    assert signed_in("bo2").get(f"/satisfaction/callbacks/{task.pk}/").status_code == 200
    forbidden = signed_in("bo2").post(
        f"/satisfaction/callbacks/{task.pk}/attempt/", {"outcome": "satisfied", "version": 1}
    )
    assert forbidden.status_code == 400  # not theirs: refused at the form, nothing written
    assert not CallbackAttempt.objects.exists()
    assert signed_in("a1").get(f"/satisfaction/callbacks/{task.pk}/").status_code == 404
    assert signed_in("outsider").get(f"/satisfaction/callbacks/{task.pk}/").status_code == 404
    assert signed_in("handler").get("/satisfaction/callbacks/mine/").status_code == 403
    assert signed_in("a1").get("/satisfaction/callbacks/results/").status_code == 403
    assert signed_in("a1").get("/satisfaction/dissatisfied/").status_code == 403
    results = signed_in("manager").get("/satisfaction/callbacks/results/?by=team")
    assert results.status_code == 200 and "回访结果" in results.content.decode()
    assert signed_in("manager").get("/satisfaction/").status_code == 302


def test_the_dissatisfied_list_and_an_entry_in_chinese(world: World) -> None:
    entry = dissatisfied_enter(
        centre=world.centre,
        customer=world.customers[0],
        cause="escalation",
        source="e:1",
        note="客户向12345投诉",
    )
    page = signed_in("leader").get("/satisfaction/dissatisfied/")
    text = page.content.decode()
    assert page.status_code == 200
    for label in ("不满意客户", "越级投诉", "按月指标", "修复率", "王建国"):
        assert label in text
    detail = signed_in("bo1").get(f"/satisfaction/dissatisfied/{entry.pk}/")
    assert detail.status_code == 200 and "客户向12345投诉" in detail.content.decode()
    refused = signed_in("bo1").post(
        f"/satisfaction/dissatisfied/{entry.pk}/plan/",
        {"owner": "a1", "goal": "恢复信任", "step": "上门致歉", "version": entry.version},
    )
    assert refused.status_code == 400
    assert "恢复信任" in refused.content.decode() and "上门致歉" in refused.content.decode()
    saved = signed_in("bo1").post(
        f"/satisfaction/dissatisfied/{entry.pk}/plan/",
        {"owner": "bo2", "goal": "恢复信任", "step": "上门致歉", "version": entry.version},
    )
    assert saved.status_code == 302
    contact = signed_in("bo1").post(
        f"/satisfaction/dissatisfied/{entry.pk}/contacts/", {"channel": "outbound", "note": ""}
    )
    assert contact.status_code == 400
    check = signed_in("bo1").post(f"/satisfaction/dissatisfied/{entry.pk}/check/")
    assert check.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.CHECKING
    assert signed_in("qa").get(f"/satisfaction/dissatisfied/{entry.pk}/").status_code == 200
    assert signed_in("outsider").get(f"/satisfaction/dissatisfied/{entry.pk}/").status_code == 404
    # The workbench's card (kefu/contacts includes it with `dissatisfied_open_for`).
    from django.template.loader import render_to_string

    card = render_to_string(
        "satisfaction/partials/dissatisfied_card.html",
        {"dissatisfied": dissatisfied_open_for(world.customers[0])},
    )
    assert "上门致歉" in card and "恢复信任" in card


def test_the_lists_read_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    """My callbacks, the API's list and the dissatisfied list do not grow with their rows."""
    from kefu.conftest import ApiClient, token_for

    world.rule("sample", rate=ALL)
    for n in range(12):
        world.contact("a1", world.customers[n % 3])
    callbacks_sweep()
    for customer in world.customers:
        dissatisfied_enter(
            centre=world.centre, customer=customer, cause="other", source=f"c{customer.pk}"
        )
    client = signed_in("bo1")
    api = ApiClient(token_for("bo1"))
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get("/satisfaction/callbacks/mine/").status_code == 200
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert api.get("/api/v1/satisfaction/callbacks", mine="true").status_code == 200
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get("/satisfaction/dissatisfied/").status_code == 200
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert api.get("/api/v1/satisfaction/dissatisfied").status_code == 200


def test_the_rules_page_keeps_a_refused_rule_and_writes_a_good_one(world: World) -> None:
    manager = signed_in("manager")
    good = {
        "name": "热线抽样",
        "kind": "sample",
        "channel": "hotline",
        "rate": "5",
        "delay_days": "1",
        "due_days": "2",
        "max_attempts": "3",
        "retry_hours": "4",
        "assignment": "round_robin",
        "script": "您好,请问是{name}吗?",
        "active": "on",
    }
    refused = manager.post("/satisfaction/callbacks/rules/", {**good, "rate": "150"})
    assert refused.status_code == 400 and "您好,请问是{name}吗?" in refused.content.decode()
    assert manager.post("/satisfaction/callbacks/rules/", good).status_code == 302
    page = manager.get("/satisfaction/callbacks/rules/").content.decode()
    assert "热线抽样" in page and "即时服务抽样回访" in page and "新增或修改规则" in page
    leader = signed_in("leader")
    shown = leader.get("/satisfaction/callbacks/rules/").content.decode()
    assert "热线抽样" in shown and "新增或修改规则" not in shown
    assert leader.post("/satisfaction/callbacks/rules/", good).status_code == 403
    assert signed_in("a1").get("/satisfaction/callbacks/rules/").status_code == 403
