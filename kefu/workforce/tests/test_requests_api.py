"""Leave and swap requests through the API (调班申请, 002 第15篇 3.1.1: a change is asked,
the leader approves it, nothing changes before): asking, answering, withdrawing, the
impact shown before the decision, the decision applied to the shifts with a RotaChange,
and each role against each request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient, token_for
from kefu.core.models import Notification, OrgUnit, User
from kefu.workforce.models import (
    LeaveRequest,
    RequestStatus,
    RotaChange,
    RotaStatus,
    Shift,
    StaffMember,
    SwapRequest,
)
from kefu.workforce.queries.requests import leave_to_decide
from kefu.workforce.tests.requests_world import (  # noqa: F401 (a fixture)
    World,
    add_shift,
    build_world,
    world_fixture,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workforce"


def client(username: str) -> ApiClient:
    return ApiClient(token_for(username))


def ask_leave(api: ApiClient, world: World, first: int, last: int, **extra: Any) -> Any:
    return api.post(
        f"{BASE}/leave-requests",
        {
            "kind": "annual",
            "first_day": world.day(first).isoformat(),
            "last_day": world.day(last).isoformat(),
            "reason": "家中有事",
            **extra,
        },
    )


def offer_swap(api: ApiClient, world: World, mine: int, theirs: int | None) -> Any:
    return api.post(
        f"{BASE}/swap-requests",
        {
            "shift_id": world.shift(world.agent, mine).pk,
            "counterpart_id": world.colleague.pk,
            "counterpart_shift_id": (
                world.shift(world.colleague, theirs).pk if theirs is not None else None
            ),
            "reason": "孩子开家长会",
        },
    )


def test_leave_is_asked_shown_with_its_coverage_and_approved_into_the_rota(world: World) -> None:
    agent, leader = client("agent"), client("leader")
    created = ask_leave(agent, world, 3, 4)
    assert created.status_code == 201, created.content
    leave = created.json()
    assert leave["status"] == "pending"
    # The leader is told (the request's notification to its team's leaders).
    assert Notification.objects.filter(recipient=world.leader, kind="leave_request").exists()
    # Nothing changes before approval (002 第15篇 3.1.1 未批准前不允许私自调班).
    assert Shift.objects.filter(member=world.agent, day=world.day(3)).exists()

    impact = leader.get(f"{BASE}/leave-requests/{leave['id']}/impact").json()
    assert impact["published"] is True
    rows = [row for row in impact["coverage"] if row["day"] == world.day(3).isoformat()]
    # 09:00–18:00: two agents (王 and 李 on the day shift) become one, one required.
    assert len(rows) == 18
    assert {(row["queue"], row["required"], row["before"], row["after"]) for row in rows} == {
        ("95598", 1.0, 2, 1)
    }
    assert impact["breaches"] == []

    decided = leader.post(
        f"{BASE}/leave-requests/{leave['id']}/decision",
        {"decision": "approve", "note": "", "digest": impact["digest"]},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by"] == "陈建华"
    assert not Shift.objects.filter(member=world.agent, day__in=[world.day(3), world.day(4)])
    changes = RotaChange.objects.filter(leave_id=leave["id"])
    assert changes.count() == 2
    change = changes.get(day=world.day(3))
    assert change.cause == "leave" and change.after == {} and change.by == world.leader
    assert change.before["starts_at"].startswith(f"{world.day(3).isoformat()}T09:00")
    # The change log keeps a shift the rota's own way (its page shows the shift's name).
    assert change.before["template_name"] and set(change.before) == {
        "member",
        "day",
        "template",
        "template_name",
        "starts_at",
        "ends_at",
        "breaks",
    }
    assert Notification.objects.filter(recipient=world.agent.user, kind="leave_decided").exists()

    # A second decision on a decided request is refused and changes nothing.
    again = leader.post(
        f"{BASE}/leave-requests/{leave['id']}/decision", {"decision": "refuse", "note": "不行"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "request_decided"
    assert "已批准" in again.json()["message"]
    assert LeaveRequest.objects.get(pk=leave["id"]).status == RequestStatus.APPROVED


def test_a_refusal_needs_a_reason_and_changes_no_shift(world: World) -> None:
    leave = ask_leave(client("agent"), world, 1, 1).json()
    leader = client("leader")
    bare = leader.post(f"{BASE}/leave-requests/{leave['id']}/decision", {"decision": "refuse"})
    assert bare.status_code == 422
    assert bare.json()["message"] == "请填写理由。"
    assert LeaveRequest.objects.get(pk=leave["id"]).status == RequestStatus.PENDING
    refused = leader.post(
        f"{BASE}/leave-requests/{leave['id']}/decision",
        {"decision": "refuse", "note": "当天人手不足"},
    )
    assert refused.status_code == 200
    assert refused.json()["decision_note"] == "当天人手不足"
    assert Shift.objects.filter(member=world.agent, day=world.day(1)).exists()
    assert not RotaChange.objects.exists()


def test_a_swap_is_offered_accepted_checked_against_the_contract_and_approved(
    world: World,
) -> None:
    agent, colleague, leader = client("agent"), client("agent2"), client("leader")
    # 王's day shift on day 1 for 李's night on day 1: 王 would then start a day shift at
    # 09:00 on day 2 two hours after the night ends (11 hours between shifts).
    created = offer_swap(agent, world, 1, 1)
    assert created.status_code == 201, created.content
    swap = created.json()
    assert Notification.objects.filter(recipient=world.colleague.user, kind="swap_offer").exists()
    offers = colleague.get(f"{BASE}/swap-requests", scope="offers").json()
    assert [item["id"] for item in offers["items"]] == [swap["id"]]

    # The leader cannot decide before the colleague accepts.
    early = leader.post(f"{BASE}/swap-requests/{swap['id']}/decision", {"decision": "approve"})
    assert early.status_code == 409 and early.json()["code"] == "swap_not_accepted"

    accepted = colleague.post(f"{BASE}/swap-requests/{swap['id']}/answer", {"accept": True})
    assert accepted.status_code == 200
    assert accepted.json()["accepted_at"] is not None
    assert Notification.objects.filter(recipient=world.leader, kind="swap_request").exists()

    impact = leader.get(f"{BASE}/swap-requests/{swap['id']}/impact").json()
    breaches = {(item["agent"], item["rule"]) for item in impact["breaches"]}
    assert ("王晓婷", "rest") in breaches
    message = next(item["message"] for item in impact["breaches"] if item["rule"] == "rest")
    assert "只间隔2小时" in message and "至少须间隔11小时" in message
    # Both are on the one queue: who works changes, the coverage does not.
    assert impact["coverage"] == []

    shift = world.shift(world.agent, 1)
    theirs = world.shift(world.colleague, 1)
    decided = leader.post(
        f"{BASE}/swap-requests/{swap['id']}/decision",
        {"decision": "approve", "note": "同意", "digest": impact["digest"]},
    )
    assert decided.status_code == 200, decided.content
    shift.refresh_from_db()
    theirs.refresh_from_db()
    assert shift.member_id == world.colleague.pk and shift.starts_at.hour == 1  # 09:00 +08
    assert theirs.member_id == world.agent.pk
    changes = RotaChange.objects.filter(swap_id=swap["id"])
    assert changes.count() == 4
    assert set(changes.values_list("cause", flat=True)) == {"swap"}
    assert {change.member_id for change in changes} == {world.agent.pk, world.colleague.pk}


def test_a_draft_rota_changes_without_recorded_changes(
    centre: OrgUnit, make_user: Callable[..., User]
) -> None:
    world = build_world(centre, make_user, status=RotaStatus.DRAFT)
    leave = ask_leave(client("agent"), world, 2, 2).json()
    impact = client("leader").get(f"{BASE}/leave-requests/{leave['id']}/impact").json()
    assert impact["published"] is False
    client("leader").post(f"{BASE}/leave-requests/{leave['id']}/decision", {"decision": "approve"})
    assert not Shift.objects.filter(member=world.agent, day=world.day(2)).exists()
    assert not RotaChange.objects.exists()


def test_a_shift_that_changed_since_the_page_was_drawn_is_refused(world: World) -> None:
    agent, colleague, leader = client("agent"), client("agent2"), client("leader")
    swap = offer_swap(agent, world, 3, None).json()  # given away: 李 works day 3 already
    assert "id" not in swap and swap["code"] == "swap_day_taken"
    swap = offer_swap(agent, world, 0, 0).json()
    colleague.post(f"{BASE}/swap-requests/{swap['id']}/answer", {"accept": True})
    digest = leader.get(f"{BASE}/swap-requests/{swap['id']}/impact").json()["digest"]
    moved = world.shift(world.colleague, 0)
    Shift.objects.filter(pk=moved.pk).update(ends_at=moved.ends_at - dt.timedelta(hours=1))
    answer = leader.post(
        f"{BASE}/swap-requests/{swap['id']}/decision",
        {"decision": "approve", "digest": digest},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "shift_changed"
    assert "班次已有变动" in answer.json()["message"]
    assert SwapRequest.objects.get(pk=swap["id"]).status == RequestStatus.PENDING
    assert world.shift(world.agent, 0).member_id == world.agent.pk
    assert not RotaChange.objects.exists()


def test_the_requester_withdraws_while_pending_and_the_colleague_declines(world: World) -> None:
    agent, colleague = client("agent"), client("agent2")
    leave = ask_leave(agent, world, 5, 5).json()
    withdrawn = agent.post(f"{BASE}/leave-requests/{leave['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert agent.post(f"{BASE}/leave-requests/{leave['id']}/withdraw").status_code == 409

    swap = offer_swap(agent, world, 2, 2).json()
    # The colleague cannot withdraw it; the requester cannot answer it.
    assert colleague.post(f"{BASE}/swap-requests/{swap['id']}/withdraw").status_code == 404
    assert (
        agent.post(f"{BASE}/swap-requests/{swap['id']}/answer", {"accept": True}).status_code == 404
    )
    declined = colleague.post(
        f"{BASE}/swap-requests/{swap['id']}/answer", {"accept": False, "note": "那天有事"}
    )
    assert declined.json()["status"] == "refused"
    assert declined.json()["decision_note"] == "那天有事"
    assert Notification.objects.filter(recipient=world.agent.user, kind="swap_answer").exists()
    swap = offer_swap(agent, world, 2, 2).json()
    assert agent.post(f"{BASE}/swap-requests/{swap['id']}/withdraw").json()["status"] == (
        "withdrawn"
    )


def test_creates_are_safe_to_retry_and_schemas_strict(world: World) -> None:
    agent = client("agent")
    agent.headers["Idempotency-Key"] = "leave-1"
    first = ask_leave(agent, world, 6, 6)
    second = ask_leave(agent, world, 6, 6)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert LeaveRequest.objects.count() == 1
    del agent.headers["Idempotency-Key"]

    unknown = ask_leave(agent, world, 6, 6, days=3)
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_field"
    kind = ask_leave(agent, world, 6, 6, kind="holiday")
    assert kind.status_code == 422 and kind.json()["code"] == "validation_error"
    backwards = ask_leave(agent, world, 4, 2)
    assert backwards.status_code == 422
    assert backwards.json()["message"] == "结束日期早于开始日期。"
    overlap = ask_leave(agent, world, 5, 6)
    assert overlap.status_code == 409 and overlap.json()["code"] == "leave_overlaps"
    bad = client("leader").post(
        f"{BASE}/leave-requests/{first.json()['id']}/decision", {"decision": "maybe"}
    )
    assert bad.status_code == 422


def test_each_role_sees_and_decides_only_what_is_theirs(
    world: World, make_user: Callable[..., User], other_centre: OrgUnit
) -> None:
    leave = ask_leave(client("agent"), world, 1, 1).json()
    swap = offer_swap(client("agent"), world, 2, 2).json()
    make_user("agent", "bystander")
    make_user("manager", "manager")
    make_user("leader", "far-leader", centre=other_centre)
    make_user("qa", "qa")
    team = OrgUnit.objects.create(
        kind=OrgUnit.Kind.TEAM, code="t9", name="九班", parent=world.centre
    )
    make_user("leader", "other-team-leader", team=team)
    cases = {
        # who: (sees the leave, sees the swap, may decide)
        "agent": (True, True, False),
        "agent2": (False, True, False),
        "bystander": (False, False, False),
        "leader": (True, True, True),
        "manager": (True, True, True),
        "far-leader": (False, False, False),
        "other-team-leader": (False, False, False),
        "qa": (False, False, False),
    }
    for username, (sees_leave, sees_swap, decides) in cases.items():
        api = client(username)
        got = api.get(f"{BASE}/leave-requests/{leave['id']}")
        if username == "qa":
            assert got.status_code == 403, username
            continue
        assert got.status_code == (200 if sees_leave else 404), username
        got = api.get(f"{BASE}/swap-requests/{swap['id']}")
        assert got.status_code == (200 if sees_swap else 404), username
        impact = api.get(f"{BASE}/leave-requests/{leave['id']}/impact")
        assert impact.status_code == (200 if sees_leave else 404), username
        answer = api.post(
            f"{BASE}/leave-requests/{leave['id']}/decision",
            {"decision": "refuse", "note": "测试"},
        )
        if decides:
            assert answer.status_code in (200, 409), username
        else:
            assert answer.status_code in (403, 404), username
        led = api.get(f"{BASE}/leave-requests", scope="led").json()
        assert (leave["id"] in [item["id"] for item in led["items"]]) is decides, username
    assert LeaveRequest.objects.get(pk=leave["id"]).decided_by is not None


def test_approved_leave_closes_the_open_swaps_of_its_shifts_and_keeps_them_on_record(
    world: World,
) -> None:
    agent, colleague, leader = client("agent"), client("agent2"), client("leader")
    given = offer_swap(agent, world, 2, 2).json()
    colleague.post(f"{BASE}/swap-requests/{given['id']}/answer", {"accept": True})
    leave = ask_leave(agent, world, 2, 2).json()
    approved = leader.post(f"{BASE}/leave-requests/{leave['id']}/decision", {"decision": "approve"})
    assert approved.status_code == 200
    swap = agent.get(f"{BASE}/swap-requests/{given['id']}").json()
    assert swap["status"] == "refused"
    assert swap["shift"] is None
    assert swap["decision_note"] == "该班次因请假获批已从排班表中取消。"
    assert leader.get(f"{BASE}/swap-requests/{given['id']}/impact").json()["coverage"] == []


def test_a_shift_given_away_moves_to_the_colleague_with_its_change_recorded(
    world: World,
) -> None:
    extra = add_shift(world.rota, world.agent, world.templates["day"], world.day(5))
    agent, colleague, leader = client("agent"), client("agent2"), client("leader")
    given = agent.post(
        f"{BASE}/swap-requests",
        {"shift_id": extra.pk, "counterpart_id": world.colleague.pk, "reason": "有事"},
    ).json()
    assert given["counterpart_shift"] is None
    colleague.post(f"{BASE}/swap-requests/{given['id']}/answer", {"accept": True})
    decided = leader.post(f"{BASE}/swap-requests/{given['id']}/decision", {"decision": "approve"})
    assert decided.status_code == 200
    extra.refresh_from_db()
    assert extra.member_id == world.colleague.pk and extra.day == world.day(5)
    changes = RotaChange.objects.filter(swap_id=given["id"])
    assert {(change.member_id, bool(change.before), bool(change.after)) for change in changes} == {
        (world.agent.pk, True, False),
        (world.colleague.pk, False, True),
    }


def test_a_leader_does_not_decide_their_own_request(
    world: World, make_user: Callable[..., User]
) -> None:
    member = StaffMember.objects.create(
        user=world.leader, centre=world.centre, contract=world.contract
    )
    add_shift(world.rota, member, world.templates["day"], world.day(5))
    leader = client("leader")
    own = ask_leave(leader, world, 5, 5).json()
    assert own["id"] not in [item.pk for item in leave_to_decide(world.leader)]
    refused = leader.post(f"{BASE}/leave-requests/{own['id']}/decision", {"decision": "approve"})
    assert refused.status_code == 403
    assert refused.json()["message"] == "您本人的申请须由另一位班长审批。"
    make_user("manager", "manager")
    approved = client("manager").post(
        f"{BASE}/leave-requests/{own['id']}/decision", {"decision": "approve"}
    )
    assert approved.status_code == 200
