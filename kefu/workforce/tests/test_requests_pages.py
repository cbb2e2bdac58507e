"""The request pages through HTTP (调班申请, 002 第15篇 3.1.1): each role gets the tabs
and pages it may use, and a page's action on a request that is not theirs changes
nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.workforce.models import LeaveRequest, RequestStatus
from kefu.workforce.tests.requests_world import World, world_fixture  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_each_role_is_sent_to_its_first_tab_and_kept_from_the_others(
    world: World, make_user: Callable[..., User]
) -> None:
    make_user("qa", "qa")
    make_user("agent", "newcomer")
    agent, leader, qa = signed_in("agent"), signed_in("leader"), signed_in("qa")
    # The first tab each role may open (navigation.TABS): the plan for a leader, the
    # agent's own rota for an agent.
    assert agent.get("/workforce/")["Location"] == "/workforce/my-rota/"
    assert leader.get("/workforce/")["Location"] == "/workforce/plan/"
    assert agent.get("/workforce/requests/").status_code == 403
    assert qa.get("/workforce/my-requests/").status_code == 403
    page = agent.get("/workforce/my-requests/").content.decode()
    assert "申请请假" in page and "调班邀请" in page and "申请审批" not in page
    assert (
        "您不在本中心的排班表上。"
        in signed_in("newcomer").get("/workforce/my-requests/").content.decode()
    )
    assert "申请审批" in leader.get("/workforce/requests/").content.decode()


def test_a_page_action_on_someone_elses_request_changes_nothing(world: World) -> None:
    leave = LeaveRequest.objects.create(
        member=world.agent, kind="annual", first_day=world.day(1), last_day=world.day(1)
    )
    colleague = signed_in("agent2")
    assert colleague.post(f"/workforce/leave/{leave.pk}/withdraw/").status_code == 404
    assert (
        colleague.post(
            "/workforce/requests/", {"kind": "leave", "id": leave.pk, "decision": "approve"}
        ).status_code
        == 403
    )
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING
    refused = signed_in("leader").post(
        "/workforce/requests/", {"kind": "leave", "id": leave.pk, "decision": "refuse"}
    )
    assert refused.status_code == 200
    assert "请填写理由。" in refused.content.decode()
    leader = signed_in("leader")
    assert leader.post("/workforce/requests/", {"kind": "shift", "id": "1"}).status_code == 404
    assert leader.post("/workforce/requests/", {"kind": "leave", "id": "x"}).status_code == 404
    assert leader.post("/workforce/requests/", {"kind": "leave", "id": 2**70}).status_code == 404
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING


def test_a_decision_on_a_page_drawn_before_a_shift_changed_is_refused(world: World) -> None:
    leave = LeaveRequest.objects.create(
        member=world.agent, kind="annual", first_day=world.day(1), last_day=world.day(1)
    )
    leader = signed_in("leader")
    page = leader.get("/workforce/requests/").content.decode()
    assert 'name="digest"' in page
    digest = page.split('name="digest" value="')[1].split('"')[0]
    shift = world.shift(world.agent, 1)
    shift.ends_at = shift.ends_at.replace(hour=shift.ends_at.hour - 1)
    shift.save()
    answer = leader.post(
        "/workforce/requests/",
        {"kind": "leave", "id": leave.pk, "decision": "approve", "digest": digest},
        follow=True,
    )
    assert "页面打开后该申请涉及的班次已有变动，未做任何更改。" in answer.content.decode()
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING
    assert world.shift(world.agent, 1).pk == shift.pk
