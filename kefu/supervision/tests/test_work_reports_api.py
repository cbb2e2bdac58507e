"""Work reports over the API (issue 20 point 6; seed 002 第14篇): open (201, then 200 with the
same report), edit, submit, the leader's view of who submitted, comment and return; an
agent never reads another's report; strict schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient, token_for
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db

BASE = "/api/v1/supervision/work-reports"


@pytest.fixture
def api(world: World) -> Callable[[str], ApiClient]:
    def client(username: str) -> ApiClient:
        return ApiClient(token_for(username))

    return client


def _open(client: ApiClient, **body: Any) -> Any:
    return client.post(BASE, {"kind": "weekly", **body})


def test_the_weekly_report_from_draft_to_returned(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    agent, leader = api("agent"), api("leader")
    created = _open(agent)
    assert created.status_code == 201, created.content
    report = created.json()
    again = _open(agent)
    assert again.status_code == 200 and again.json()["id"] == report["id"]
    assert report["state"] == "draft" and report["figures"] == []
    assert report["summary"]  # the draft says there were no figures
    # The leader sees the draft as not submitted.
    team = leader.get(f"{BASE}/team", kind="weekly").json()
    assert team["submitted"] == 0
    assert [row["report"] for row in team["rows"]] == [None]
    assert leader.get(f"{BASE}/{report['id']}").status_code == 404

    edited = agent.put(
        f"{BASE}/{report['id']}",
        {"version": report["version"], "summary": "本周接话 200 通", "plans": "- 学习新口径"},
    )
    assert edited.status_code == 200, edited.content
    stale = agent.post(f"{BASE}/{report['id']}/submit", {"version": report["version"]})
    assert stale.status_code == 409
    submitted = agent.post(f"{BASE}/{report['id']}/submit", {"version": edited.json()["version"]})
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert submitted.json()["late"] is False

    team = leader.get(f"{BASE}/team", kind="weekly").json()
    assert team["submitted"] == 1 and team["rows"][0]["report"]["id"] == report["id"]
    comment = leader.post(f"{BASE}/{report['id']}/comments", {"note": "很好"})
    assert comment.status_code == 201
    returned = leader.post(
        f"{BASE}/{report['id']}/return",
        {"version": submitted.json()["version"], "note": "计划要写具体"},
    )
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert body["state"] == "returned" and body["times_returned"] == 1
    assert [entry["action"] for entry in body["entries"]] == ["submitted", "commented", "returned"]
    # The author reads the comment; the leader cannot edit the text.
    assert agent.get(f"{BASE}/{report['id']}").json()["entries"][2]["note"] == "计划要写具体"
    refused = leader.put(f"{BASE}/{report['id']}", {"version": body["version"], "summary": "x"})
    assert refused.status_code == 403


def test_an_agent_never_reads_another_agents_report(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    report = _open(api("agent")).json()
    expert = api("expert")
    assert expert.get(f"{BASE}/{report['id']}").status_code == 404
    assert expert.get(BASE).json()["count"] == 0
    assert expert.post(f"{BASE}/{report['id']}/comments", {"note": "x"}).status_code == 404
    assert expert.get(f"{BASE}/team").status_code == 403
    assert api("agent").get(BASE, mine=True).json()["count"] == 1


def test_the_schemas_are_strict(world: World, api: Callable[[str], ApiClient]) -> None:
    agent = api("agent")
    assert _open(agent, kind="yearly").status_code == 422
    assert _open(agent, extra=1).status_code == 422
    assert _open(agent, day="2999-01-01").status_code == 422
    report = _open(agent).json()
    too_long = agent.put(
        f"{BASE}/{report['id']}", {"version": report["version"], "summary": "x" * 5001}
    )
    assert too_long.status_code == 422
    assert agent.post(f"{BASE}/{report['id']}/submit", {}).status_code == 422
    assert agent.get(f"{BASE}/999999").status_code == 404
    leader = api("leader")
    for day in ("9999-12-31", "0001-01-01"):
        assert leader.get(f"{BASE}/team", kind="monthly", day=day).status_code == 422
