"""Weekly review meetings over the API (issue 20 point 6; seed 000 第1篇 每周可进行例会总结,
002 第14篇 全体员工 3): a leader records a meeting with attendees, minutes and an action
item; the owner marks it done; next week's meeting shows last week's open items; who sees
which meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: World) -> Callable[[str], ApiClient]:
    def client(username: str) -> ApiClient:
        return ApiClient(token_for(username))

    return client


def test_meetings_and_action_items(world: World, api: Callable[[str], ApiClient]) -> None:
    leader, agent = api("leader"), api("agent")
    users = world.users
    today = timezone.localdate()
    last_week = today - dt.timedelta(days=7)
    first = leader.post(
        "/api/v1/supervision/meetings",
        {
            "held_on": last_week.isoformat(),
            "title": "周例会",
            "team_id": world.team.pk,
            "attendee_ids": [users["agent"].pk, users["leader"].pk],
            "minutes": "上周工作完成情况",
        },
    )
    assert first.status_code == 201, first.content
    meeting = first.json()
    item = leader.post(
        f"/api/v1/supervision/meetings/{meeting['id']}/actions",
        {
            "description": "整理停电口径",
            "owner_id": users["agent"].pk,
            "due_on": (last_week + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert item.status_code == 201, item.content
    assert item.json()["overdue"] is True
    # The agent attended: reads the meeting, sees the item as theirs; cannot add items.
    assert agent.get(f"/api/v1/supervision/meetings/{meeting['id']}").status_code == 200
    assert [a["id"] for a in agent.get("/api/v1/supervision/actions").json()] == [item.json()["id"]]
    assert (
        agent.post(
            f"/api/v1/supervision/meetings/{meeting['id']}/actions",
            {"description": "x", "owner_id": users["agent"].pk, "due_on": today.isoformat()},
        ).status_code
        == 403
    )
    assert (
        agent.post(
            "/api/v1/supervision/meetings", {"held_on": today.isoformat(), "title": "x"}
        ).status_code
        == 403
    )
    # This week's meeting shows last week's open item.
    second = leader.post(
        "/api/v1/supervision/meetings",
        {"held_on": today.isoformat(), "title": "周例会", "team_id": world.team.pk},
    ).json()
    assert [a["id"] for a in second["carried_over"]] == [item.json()["id"]]
    # Only the owner marks it done; then it is carried no more.
    done_url = f"/api/v1/supervision/actions/{item.json()['id']}/done"
    assert leader.post(done_url, {}).status_code == 403
    done = agent.post(done_url, {"note": "已发布"})
    assert done.status_code == 200 and done.json()["done_at"] and not done.json()["overdue"]
    assert agent.post(done_url, {}).json()["done_at"] == done.json()["done_at"]
    assert leader.get(f"/api/v1/supervision/meetings/{second['id']}").json()["carried_over"] == []
    # Minutes are edited with the version read.
    edited = leader.put(
        f"/api/v1/supervision/meetings/{meeting['id']}",
        {
            "version": meeting["version"],
            "held_on": last_week.isoformat(),
            "title": "周例会",
            "attendee_ids": [users["agent"].pk],
            "decisions": "下周起早会 8:30",
        },
    )
    assert edited.status_code == 200 and edited.json()["attendee_ids"] == [users["agent"].pk]
    stale = leader.put(
        f"/api/v1/supervision/meetings/{meeting['id']}",
        {"version": meeting["version"], "held_on": last_week.isoformat(), "title": "x"},
    )
    assert stale.status_code == 409
    # Someone of another centre, or a stranger to the meeting, does not see it.
    assert api("expert").get(f"/api/v1/supervision/meetings/{meeting['id']}").status_code == 404
    assert api("other-manager").get("/api/v1/supervision/meetings").json()["count"] == 0
    assert api("manager").get("/api/v1/supervision/meetings").json()["count"] == 2
    # An owner from another centre is refused.
    refused = leader.post(
        f"/api/v1/supervision/meetings/{meeting['id']}/actions",
        {"description": "x", "owner_id": world.other.pk, "due_on": today.isoformat()},
    )
    assert refused.status_code == 422
