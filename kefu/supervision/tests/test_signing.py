"""Signing a meeting's minutes (issue 20 point 6; seed 002 第14篇 全体员工 3: 会议记录……
交与会者签名确认后存档备查): each attendee signs; the page and the API show who signed and
when and who has not; from the first signature the minutes are frozen; the chair's
correction, with a reason, keeps the replaced text and re-opens the signing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import Notification
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def _meeting(world: World, leader: ApiClient, minutes: str = "上周工作完成情况") -> dict:
    users = world.users
    made = leader.post(
        "/api/v1/supervision/meetings",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "周例会",
            "team_id": world.team.pk,
            "attendee_ids": [users["agent"].pk, users["leader"].pk],
            "minutes": minutes,
        },
    )
    assert made.status_code == 201, made.content
    return made.json()


def test_sign_freeze_correct(world: World) -> None:
    leader, agent = ApiClient(token_for("leader")), ApiClient(token_for("agent"))
    qa = ApiClient(token_for("qa"))
    meeting = _meeting(world, leader)
    url = f"/api/v1/supervision/meetings/{meeting['id']}"
    signing = agent.get(f"{url}/signing").json()
    assert signing["frozen"] is False and signing["signed"] == 0
    assert [row["signed_at"] for row in signing["attendees"]] == [None, None]
    # Only attendees sign (the QA inspector did not attend: cannot even see it).
    assert qa.post(f"{url}/sign").status_code == 404
    signed = agent.post(f"{url}/sign")
    assert signed.status_code == 200, signed.content
    again = agent.post(f"{url}/sign").json()
    assert again["signed"] == 1 and again["frozen"] is True and again["complete"] is False
    row = next(r for r in again["attendees"] if r["person_id"] == world.users["agent"].pk)
    assert row["signed_at"] is not None
    # Frozen: editing is refused; a correction needs a reason and the current version.
    version = leader.get(url).json()["version"]
    edit = leader.put(
        url,
        {
            "version": version,
            "held_on": meeting["held_on"],
            "title": "周例会",
            "attendee_ids": meeting["attendee_ids"],
            "minutes": "改过",
        },
    )
    assert edit.status_code == 409 and edit.json()["code"] == "minutes_frozen"
    body = {"version": version, "minutes": "上周工作完成情况(更正)", "reason": ""}
    assert leader.post(f"{url}/corrections", body).status_code == 422
    assert agent.post(f"{url}/corrections", {**body, "reason": "x"}).status_code == 403
    corrected = leader.post(f"{url}/corrections", {**body, "reason": "漏记一项"})
    assert corrected.status_code == 201, corrected.content
    out = corrected.json()
    assert out["round"] == 1 and out["signed"] == 0 and out["frozen"] is False
    (correction,) = out["corrections"]
    assert correction["minutes_before"] == "上周工作完成情况"
    assert correction["signed_before"] == 1 and correction["reason"] == "漏记一项"
    # The retry with the old version is refused, not doubled.
    assert leader.post(f"{url}/corrections", {**body, "reason": "漏记一项"}).status_code == 409
    # The agent who had signed is told to sign again, once.
    told = Notification.objects.filter(recipient=world.users["agent"], kind="meeting")
    assert told.count() == 1
    # Once re-opened with no signature the minutes can be edited again; then signed anew.
    assert agent.post(f"{url}/sign").json()["signed"] == 1
    assert leader.post(f"{url}/sign").json()["complete"] is True


def test_nothing_to_sign_before_minutes(world: World) -> None:
    leader, agent = ApiClient(token_for("leader")), ApiClient(token_for("agent"))
    meeting = _meeting(world, leader, minutes="")
    refused = agent.post(f"/api/v1/supervision/meetings/{meeting['id']}/sign")
    assert refused.status_code == 409 and refused.json()["code"] == "minutes_empty"


def test_meeting_page_shows_and_takes_signatures(world: World) -> None:
    leader = ApiClient(token_for("leader"))
    meeting = _meeting(world, leader)
    page_url = f"/supervision/meetings/{meeting['id']}/"
    agent = Client()
    assert agent.login(username="agent", password=PASSWORD)
    page = agent.get(page_url).content.decode()
    assert "尚未签名" in page and f"{page_url}sign/" in page
    assert agent.post(f"{page_url}sign/").status_code == 302
    page = agent.get(page_url).content.decode()
    assert f"{page_url}sign/" not in page and "1/2" in page
    chair = Client()
    assert chair.login(username="leader", password=PASSWORD)
    page = chair.get(page_url).content.decode()
    assert "更正纪要" in page and f"{page_url}edit/" not in page
    refused = chair.post(
        f"{page_url}correct/", {"version": 1, "minutes": "新纪要(已改)", "reason": ""}
    )
    assert refused.status_code == 400 and "新纪要(已改)" in refused.content.decode()
    done = chair.post(f"{page_url}correct/", {"version": 1, "minutes": "新纪要", "reason": "补记"})
    assert done.status_code == 302
    assert "补记" in chair.get(page_url).content.decode()
