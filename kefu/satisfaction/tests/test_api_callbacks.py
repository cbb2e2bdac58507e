"""Callbacks and the dissatisfied list over the API: strict schemas (unknown fields and
values refused), access-checked getters (another centre's task is not there), a stale
version refused, no 5xx for odd input, the results against hand-computed figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.satisfaction.models import CallbackTask
from kefu.satisfaction.services.callbacks import callbacks_sweep
from kefu.satisfaction.services.dissatisfied import dissatisfied_enter
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import ALL, World

world = world_callbacks.world  # the fixture
BASE = "/api/v1/satisfaction"


def api(username: str) -> ApiClient:
    return ApiClient(token_for(username))


@pytest.fixture
def task(world: World) -> CallbackTask:
    world.rule("sample", rate=ALL)
    world.contact("a1")
    callbacks_sweep()
    return CallbackTask.objects.get()


def test_the_assignee_works_a_task_over_the_api(world: World, task: CallbackTask) -> None:
    bo = api("bo1")
    mine = bo.get(f"{BASE}/callbacks", mine="true", state="open")
    assert mine.status_code == 200 and [row["id"] for row in mine.json()["items"]] == [task.pk]
    body = {"outcome": "unreachable", "note": "无人接听", "version": 1}
    first = bo.post(f"{BASE}/callbacks/{task.pk}/attempts", body)
    assert first.status_code == 201, first.content
    shown = first.json()
    assert shown["state"] == "open" and shown["attempts"] == 1 and shown["version"] == 2
    assert shown["attempt_log"][0]["note"] == "无人接听"
    stale = bo.post(f"{BASE}/callbacks/{task.pk}/attempts", body)
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    done = bo.post(f"{BASE}/callbacks/{task.pk}/attempts", {"outcome": "satisfied", "version": 2})
    assert done.status_code == 201 and done.json()["state"] == "done"


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "happy", "version": 1},
        {"outcome": "satisfied", "version": 1, "extra": 1},
        {"outcome": "satisfied", "version": 0},
        {"outcome": "satisfied", "version": 1, "note": "x" * 1001},
        {"outcome": "satisfied", "version": 1, "note": "a\x00b"},
        {"outcome": "satisfied"},
    ],
)
def test_odd_attempts_are_refused_with_422(task: CallbackTask, body: dict[str, Any]) -> None:
    response = api("bo1").post(f"{BASE}/callbacks/{task.pk}/attempts", body)
    assert response.status_code == 422, response.content


def test_each_role_against_a_task(world: World, task: CallbackTask) -> None:
    assert api("manager").get(f"{BASE}/callbacks/{task.pk}").status_code == 200
    assert api("bo2").get(f"{BASE}/callbacks/{task.pk}").status_code == 200
    body = {"outcome": "satisfied", "version": 1}
    assert api("bo2").post(f"{BASE}/callbacks/{task.pk}/attempts", body).status_code == 403
    for name in ("a1", "outsider", "other_agent", "handler"):
        assert api(name).get(f"{BASE}/callbacks/{task.pk}").status_code == 404
        assert api(name).post(f"{BASE}/callbacks/{task.pk}/attempts", body).status_code == 404
    assert api("outsider").get(f"{BASE}/callbacks").json()["count"] == 0
    assert api("a1").get(f"{BASE}/callbacks").json()["count"] == 0
    assert api("bo1").get(f"{BASE}/callbacks/{2**63}").status_code == 422
    assert api("bo1").get(f"{BASE}/callbacks/999999").status_code == 404


def test_rules_are_written_by_name_and_results_read(world: World) -> None:
    body = {"name": "热线抽样", "kind": "sample", "channel": "hotline", "rate": "100"}
    manager = api("manager")
    first = manager.put(f"{BASE}/callback-rules", body)
    assert first.status_code == 200, first.content
    again = manager.put(f"{BASE}/callback-rules", body)
    assert again.json()["id"] == first.json()["id"]
    assert api("bo1").put(f"{BASE}/callback-rules", body).status_code == 403
    for wrong in ({**body, "rate": "101"}, {**body, "kind": "repair_check"}, {**body, "x": 1}):
        assert manager.put(f"{BASE}/callback-rules", wrong).status_code == 422
    world.contact("a1")
    world.contact("a2")
    callbacks_sweep()
    for task in CallbackTask.objects.order_by("pk"):
        outcome = "satisfied" if task.agent == world.people["a1"] else "dissatisfied"
        manager.post(f"{BASE}/callbacks/{task.pk}/attempts", {"outcome": outcome, "version": 1})
    today = str(timezone.localdate())
    results = manager.get(f"{BASE}/callbacks/results", since=today, until=today, by="team")
    assert results.status_code == 200
    assert results.json() == [
        {
            "group": "一班",
            "closed": 2,
            "satisfied": 1,
            "fairly_satisfied": 0,
            "dissatisfied": 1,
            "unreachable": 0,
            "satisfaction": "50.0",
            "reach_rate": "100.0",
        }
    ]
    assert (
        manager.get(f"{BASE}/callbacks/results", since=today, until=today, by="x").status_code
        == 422
    )
    assert api("a1").get(f"{BASE}/callbacks/results", since=today, until=today).status_code == 403


def test_the_dissatisfied_list_over_the_api(world: World) -> None:
    bo = api("bo1")
    added = bo.post(f"{BASE}/dissatisfied", {"customer": world.customers[1].pk, "note": "来访不满"})
    assert added.status_code == 201, added.content
    entry = added.json()
    assert entry["cause"] == "other" and entry["reasons"][0]["entered_by"]["username"] == "bo1"
    plan = bo.put(
        f"{BASE}/dissatisfied/{entry['id']}/plan",
        {
            "owner": "bo2",
            "goal": "恢复信任",
            "deadline": "2030-01-31",
            "steps": [{"text": "上门致歉", "due_on": "2030-01-10"}],
            "version": entry["version"],
        },
    )
    assert plan.status_code == 200, plan.content
    step = plan.json()["steps"][0]
    assert bo.post(f"{BASE}/dissatisfied/{entry['id']}/steps/{step['id']}/done").status_code == 200
    contact = bo.post(
        f"{BASE}/dissatisfied/{entry['id']}/contacts", {"channel": "outbound", "note": "已致歉"}
    )
    assert contact.status_code == 201
    assert (
        bo.post(
            f"{BASE}/dissatisfied/{entry['id']}/contacts", {"channel": "fax", "note": "x"}
        ).status_code
        == 422
    )
    check = bo.post(f"{BASE}/dissatisfied/{entry['id']}/check", {})
    assert check.status_code == 200 and check.json()["state"] == "checking"
    assert bo.post(f"{BASE}/dissatisfied/{entry['id']}/check", {}).status_code == 409
    closed = bo.post(
        f"{BASE}/dissatisfied/{entry['id']}/close", {"repaired": True, "note": "客户满意"}
    )
    assert closed.status_code == 200 and closed.json()["state"] == "repaired"
    listed = api("leader").get(f"{BASE}/dissatisfied", state="all")
    assert listed.json()["count"] == 1
    assert api("a1").get(f"{BASE}/dissatisfied").json()["count"] == 0
    assert api("outsider").get(f"{BASE}/dissatisfied/{entry['id']}").status_code == 404
    assert (
        api("qa")
        .post(f"{BASE}/dissatisfied", {"customer": world.customers[1].pk, "note": "x"})
        .status_code
        == 403
    )
    figures = api("manager").get(f"{BASE}/dissatisfied/indicators", months=2)
    assert figures.status_code == 200 and len(figures.json()) == 2
    this_month = figures.json()[-1]
    assert (this_month["entries"], this_month["exits"], this_month["repair_rate"]) == (
        1,
        1,
        "100.0",
    )
    assert api("manager").get(f"{BASE}/dissatisfied/indicators", months=99).status_code == 422


def test_surveys_enter_once_and_the_api_shows_the_reason(world: World) -> None:
    entry = dissatisfied_enter(
        centre=world.centre,
        customer=world.customers[0],
        cause="low_survey_score",
        source="survey:7",
    )
    dissatisfied_enter(
        centre=world.centre,
        customer=world.customers[0],
        cause="low_survey_score",
        source="survey:7",
    )
    shown = api("bo1").get(f"{BASE}/dissatisfied/{entry.pk}").json()
    assert [reason["cause"] for reason in shown["reasons"]] == ["low_survey_score"]


def test_a_rule_on_an_unknown_business_type_is_refused(world: World) -> None:
    body = {"name": "抽样", "kind": "sample", "rate": "5", "business_type": 999999}
    response = api("manager").put(f"{BASE}/callback-rules", body)
    assert response.status_code == 422 and response.json()["code"] == "business_type_unknown"


def test_a_task_is_given_to_a_colleague_when_its_assignee_is_away(
    world: World, task: CallbackTask
) -> None:
    body = {"assignee": "bo2", "version": 1}
    assert api("bo1").post(f"{BASE}/callbacks/{task.pk}/reassign", body).status_code == 403
    assert api("outsider").post(f"{BASE}/callbacks/{task.pk}/reassign", body).status_code == 404
    wrong = api("manager").post(
        f"{BASE}/callbacks/{task.pk}/reassign", {**body, "assignee": "handler"}
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "assignee_invalid"
    moved = api("manager").post(f"{BASE}/callbacks/{task.pk}/reassign", body)
    assert moved.status_code == 200 and moved.json()["assignee"]["username"] == "bo2"
    assert api("manager").post(f"{BASE}/callbacks/{task.pk}/reassign", body).status_code == 409
    attempt = {"outcome": "satisfied", "version": 2}
    assert api("bo1").post(f"{BASE}/callbacks/{task.pk}/attempts", attempt).status_code == 403
    assert api("bo2").post(f"{BASE}/callbacks/{task.pk}/attempts", attempt).status_code == 201
