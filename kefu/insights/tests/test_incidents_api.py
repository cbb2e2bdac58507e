"""A major incident's whole flow through the API (issue 21 point 1): a leader opens it by
hand (the script published as a notice), agents attach their callers (the orders opened on
them become child orders), the one order goes to the department on duty, the instant
report (000 第8篇) is sent, and the incident closes with one reply: one text message per
customer, every child order closed."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.conftest import ApiClient, token_for
from kefu.core.models import Notification
from kefu.insights.models import Incident, IncidentState
from kefu.insights.tests.conftest import IncidentWorld
from kefu.satisfaction.models import Message, Notice, NoticeState, OptOut
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client(username: str) -> ApiClient:
    return ApiClient(token_for(username))


def _open(world: IncidentWorld, api: ApiClient, **extra: Any) -> Any:
    return api.post(
        "/api/v1/insights/incidents",
        {
            "region_id": world.region.pk,
            "reason_id": world.outage.pk,
            "title": "鼓楼区10kV线路跳闸",
            "script": "鼓楼区部分线路故障停电，抢修人员已到场，预计18:00前恢复。",
            "department_id": world.department.pk,
            **extra,
        },
    )


def test_open_attach_dispatch_close_with_one_reply(incident_world: IncidentWorld) -> None:
    world = incident_world
    leader, agent, agent2 = client("leader"), client("agent"), client("agent2")
    opened = _open(world, leader)
    assert opened.status_code == 201, opened.json()
    incident = opened.json()
    assert incident["state"] == "open" and incident["origin"] == "manual"
    notice = Notice.objects.get(pk=incident["notice_id"])
    assert notice.state == NoticeState.PUBLISHED and notice.kind == "unplanned_outage"
    assert notice.text.startswith("鼓楼区部分线路故障停电")
    # The leaders and the department on duty are alerted.
    told = set(
        Notification.objects.filter(kind="insights.incident").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"leader", "manager", "handler"} <= told

    # Three customers call; two have orders opened; one customer calls twice; one caller
    # has no customer record.
    zhang, li, wang = world.customers
    contacts = [
        world.record(zhang, order=True),
        world.record(li, agent="agent2", order=True),
        world.record(zhang),
        world.record(wang),
        world.record(None),
    ]
    url = f"/api/v1/insights/incidents/{incident['id']}"
    for n, contact in enumerate(contacts):
        api = agent2 if n == 1 else agent
        response = api.post(f"{url}/contacts", {"contact_id": contact.pk})
        assert response.status_code == 201, response.json()
    # Attaching again changes nothing.
    again = agent.post(f"{url}/contacts", {"contact_id": contacts[0].pk})
    assert again.status_code == 201
    detail = again.json()
    assert len(detail["contacts"]) == 5
    assert len(detail["orders"]) == 2
    assert detail["report"]["contacts"] == 5 and detail["report"]["orders"] == 2
    assert detail["report"]["areas"][0] == {"area": "鼓楼区", "contacts": 5, "orders": 2}
    assert sum(step["contacts"] for step in detail["report"]["steps"]) == 5

    # An existing open order of another customer is attached by number.
    other = world.record(wang, order=True)
    (extra,) = Ticket.objects.filter(contacts=other)
    attached = leader.post(f"{url}/orders", {"number": extra.number})
    assert attached.status_code == 201
    assert len(attached.json()["orders"]) == 3

    # The one order to the department on duty.
    version = attached.json()["version"]
    dispatched = leader.post(f"{url}/dispatch", {"version": version})
    assert dispatched.status_code == 200, dispatched.json()
    progress = dispatched.json()["progress"]
    assert progress["state"] == "dispatched"
    assert progress["department_id"] == world.department.pk
    twice = leader.post(f"{url}/dispatch", {"version": dispatched.json()["version"]})
    assert twice.status_code == 409
    assert Ticket.objects.filter(department=world.department).count() == 1

    sent = leader.post(f"{url}/report")
    assert sent.status_code == 200 and sent.json()["told"] >= 1
    assert leader.post(f"{url}/report").json()["told"] == 0  # the same figures, nobody twice

    # The last customer unsubscribed: their message is kept as refused, not sent.
    OptOut.objects.create(centre=world.centre, address="13800000003", channel="", source="agent")
    version = leader.get(url).json()["version"]
    closed = leader.post(
        f"{url}/close", {"version": version, "reply": "鼓楼区线路已抢修完毕，17:40恢复供电。"}
    )
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["state"] == "closed"
    assert {order["state"] for order in body["orders"]} == {"closed"}
    assert body["progress"]["state"] == "closed"
    messages = Message.objects.filter(key__startswith=f"incident:{incident['id']}:")
    # One per customer (张三 called twice), one for the caller with no record.
    assert sorted(messages.values_list("address", flat=True)) == [
        "13800000001",
        "13800000002",
        "13800000003",
        "13900000009",
    ]
    assert set(messages.values_list("text", flat=True)) == {"鼓楼区线路已抢修完毕，17:40恢复供电。"}
    assert messages.get(address="13800000003").state == "refused"
    assert messages.filter(state="queued").count() == 3
    notice.refresh_from_db()
    assert notice.text == "鼓楼区线路已抢修完毕，17:40恢复供电。"
    # Closing again is refused and writes nothing more.
    assert (
        leader.post(f"{url}/close", {"version": body["version"], "reply": "x"}).status_code == 409
    )
    assert messages.count() == 4


def test_a_dismissed_incident_closes_nothing(incident_world: IncidentWorld) -> None:
    world = incident_world
    leader = client("leader")
    incident = _open(world, leader).json()
    contact = world.record(world.customers[0], order=True)
    url = f"/api/v1/insights/incidents/{incident['id']}"
    client("agent").post(f"{url}/contacts", {"contact_id": contact.pk})
    dismissed = leader.post(f"{url}/dismiss", {"version": 2, "note": "单户故障，非大面积停电"})
    assert dismissed.status_code == 200, dismissed.json()
    assert dismissed.json()["state"] == "dismissed"
    assert Ticket.objects.get(contacts=contact).state == "accepted"
    assert not Message.objects.exists()
    assert Notice.objects.get().state == NoticeState.WITHDRAWN


def test_script_change_updates_the_notice_and_stale_versions_are_refused(
    incident_world: IncidentWorld,
) -> None:
    world = incident_world
    leader = client("leader")
    incident = _open(world, leader).json()
    url = f"/api/v1/insights/incidents/{incident['id']}"
    changed = leader.put(
        url,
        {
            "version": 1,
            "title": incident["title"],
            "script": "预计恢复时间推迟到20:00。",
            "department_id": world.department.pk,
        },
    )
    assert changed.status_code == 200, changed.json()
    assert Notice.objects.get().text == "预计恢复时间推迟到20:00。"
    stale = leader.put(url, {"version": 1, "title": "x", "script": "y"})
    assert stale.status_code == 409


def test_inputs_are_strict_and_creates_are_safe_to_retry(incident_world: IncidentWorld) -> None:
    world = incident_world
    leader = client("leader")
    assert _open(world, leader, colour="red").status_code == 422
    assert _open(world, leader, region_id=10**12).status_code == 422
    assert _open(world, leader, title="").status_code == 422
    assert _open(world, leader, department_id=world.users["agent"].pk).status_code == 422
    headers = {**leader.headers, "Idempotency-Key": "incident-open-1"}
    body = {
        "region_id": world.region.pk,
        "title": "鼓楼区停电",
        "script": "抢修中。",
    }
    first = leader.client.post(
        "/api/v1/insights/incidents", body, content_type="application/json", headers=headers
    )
    second = leader.client.post(
        "/api/v1/insights/incidents", body, content_type="application/json", headers=headers
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Incident.objects.count() == 1
    assert Incident.objects.get().state == IncidentState.OPEN
