"""The duty log and the handover over real HTTP (issue 17 point 4; 002 第15篇 3.4):
entries, the handover with the orders in warning or overdue, the incoming leader's
acknowledgement, the read-only log, the search, retries, strict input and access."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.core.roles import ROLES
from kefu.core.services import user_create
from kefu.tickets.models import Ticket
from kefu.workforce.models import DutyEntry, DutyLog, Handover

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/workforce/duty/logs"


def as_user(user: User) -> ApiClient:
    return ApiClient(token_for(user.username))


def open_log(api: ApiClient, hours: int = 8) -> dict[str, Any]:
    now = timezone.now()
    response = api.post(
        LOGS,
        {
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=hours - 1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_handover_lists_the_orders_in_warning_or_overdue_and_the_acknowledged_log_is_read_only(
    outgoing: User, incoming: User, orders: dict[str, Ticket]
) -> None:
    """002 第15篇 3.4.2.4 (遗留问题 and 注意事项 in writing), 3.4.1.5 (both sign), 3.4.2.3."""
    zhang, li = as_user(outgoing), as_user(incoming)
    log = open_log(zhang)
    entries = f"{LOGS}/{log['id']}/entries"
    for body in (
        {"kind": "event", "text": "10:20 城东片区停电，来电量激增，已启用应急话术"},
        {
            "kind": "open_issue",
            "text": "多收电费投诉待营销部回复",
            "ticket": orders["overdue"].number,
        },
        {"kind": "equipment", "text": "3号座席耳麦有杂音，已报IT"},
    ):
        response = zhang.post(entries, body)
        assert response.status_code == 201, response.content
    assert response.json()["kind"] == "equipment"

    response = zhang.post(
        f"{LOGS}/{log['id']}/handover", {"incoming": "li", "notes": "注意城东停电的回访"}
    )
    assert response.status_code == 201, response.content
    handed = response.json()
    assert handed["state"] == "handing_over"
    handover = handed["handover"]
    assert handover["handed_by"] == {"username": "zhang", "name": "张班长"}
    assert handover["incoming"] == {"username": "li", "name": "李班长"}
    assert handover["acknowledged_at"] is None
    listed = {row["number"]: row for row in handover["orders"]}
    assert set(listed) == {orders["overdue"].number, orders["warning"].number}
    assert listed[orders["overdue"].number]["status"] == "overdue"
    assert listed[orders["overdue"].number]["title"] == "抄表数据错误多收电费"
    assert listed[orders["warning"].number]["status"] == "warning"
    assert handover["orders"][0]["number"] == orders["overdue"].number  # overdue first
    assert listed[orders["overdue"].number]["state"] == orders["overdue"].state
    assert listed[orders["overdue"].number]["due_at"] is not None

    # 3.4.2.3: what the incoming leader acknowledges is what was handed over.
    refused = zhang.post(entries, {"kind": "other", "text": "补一句"})
    assert refused.status_code == 409 and refused.json()["code"] == "duty_log_handing_over"
    # Only the incoming leader acknowledges.
    assert zhang.post(f"{LOGS}/{log['id']}/acknowledge", {}).status_code == 403

    response = li.post(f"{LOGS}/{log['id']}/acknowledge", {"note": "已清点，3号耳麦确有杂音"})
    assert response.status_code == 200, response.content
    done = response.json()
    assert done["state"] == "handed_over"
    assert done["handover"]["acknowledged_at"] is not None
    assert done["handover"]["acknowledgement_note"] == "已清点，3号耳麦确有杂音"
    assert done["handover"]["handed_at"] <= done["handover"]["acknowledged_at"]

    # Read-only from now on, for everyone.
    refused = zhang.post(entries, {"kind": "other", "text": "再补一句"})
    assert refused.status_code == 409
    assert set(refused.json()) == {"code", "message", "detail"}
    assert refused.json()["code"] == "duty_log_read_only"
    again = li.post(f"{LOGS}/{log['id']}/acknowledge", {})
    assert again.status_code == 409 and again.json()["code"] == "handover_acknowledged"
    assert (
        zhang.post(f"{LOGS}/{log['id']}/handover", {"incoming": "li", "notes": "x"}).status_code
        == 409
    )
    assert DutyEntry.objects.filter(log_id=log["id"]).count() == 3

    # 3.4.1.3 / 3.4.1.5: the incoming leader's duty begins with the open issue carried over.
    current = li.get(f"{LOGS}/current")
    assert current.status_code == 200
    mine = current.json()
    assert mine["leader"]["username"] == "li" and mine["state"] == "open"
    assert [(e["kind"], e["text"], e["ticket"], e["carried_over"]) for e in mine["entries"]] == [
        ("open_issue", "多收电费投诉待营销部回复", orders["overdue"].number, True)
    ]
    assert zhang.get(f"{LOGS}/current").status_code == 404
    actions = list(
        AuditEntry.objects.filter(action__startswith="handover.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["handover.acknowledge", "handover.prepare"]


def test_a_handover_must_say_what_to_watch_and_name_a_leader_of_the_centre(
    outgoing: User, incoming: User, users: dict[str, User]
) -> None:
    """002 第15篇 3.4.2.4: 应向接班者交待班内遗留问题及应注意事项 — the notes are required."""
    zhang = as_user(outgoing)
    log = open_log(zhang)
    handover = f"{LOGS}/{log['id']}/handover"
    blank = zhang.post(handover, {"incoming": "li", "notes": "   "})
    assert blank.status_code == 422 and blank.json()["code"] == "notes_required"
    assert blank.json()["detail"] == {"field": "notes"}
    agent = zhang.post(handover, {"incoming": users["agent"].username, "notes": "无"})
    assert agent.status_code == 422 and agent.json()["code"] == "incoming_invalid"
    myself = zhang.post(handover, {"incoming": "zhang", "notes": "无"})
    assert myself.status_code == 422
    assert not Handover.objects.exists()


def test_entries_and_logs_refuse_what_is_not_so(outgoing: User) -> None:
    zhang = as_user(outgoing)
    now = timezone.now()
    backwards = zhang.post(
        LOGS, {"starts_at": now.isoformat(), "ends_at": (now - timedelta(hours=1)).isoformat()}
    )
    assert backwards.status_code == 422 and backwards.json()["code"] == "shift_ends_before_start"
    log = open_log(zhang)
    # One log at a time.
    assert (
        zhang.post(
            LOGS, {"starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=8)).isoformat()}
        ).json()["code"]
        == "duty_log_already_open"
    )
    entries = f"{LOGS}/{log['id']}/entries"
    unknown = zhang.post(entries, {"kind": "event", "text": "x", "colour": "red"})
    assert unknown.status_code == 422 and set(unknown.json()) == {"code", "message", "detail"}
    assert zhang.post(entries, {"kind": "gossip", "text": "x"}).status_code == 422
    assert zhang.post(entries, {"kind": "event", "text": ""}).status_code == 422
    assert zhang.post(entries, {"kind": "event", "text": "x" * 1001}).status_code == 422
    future = zhang.post(
        entries, {"kind": "event", "text": "x", "at": (now + timedelta(hours=2)).isoformat()}
    )
    assert future.status_code == 422 and future.json()["code"] == "entry_in_future"
    no_order = zhang.post(entries, {"kind": "event", "text": "x", "ticket": "GD000000"})
    assert no_order.status_code == 422 and no_order.json()["code"] == "ticket_not_found"
    assert zhang.post(entries, {"kind": "event", "text": "x\x00"}).status_code == 422
    assert not DutyEntry.objects.exists()


def test_a_retried_entry_is_written_once(outgoing: User) -> None:
    zhang = as_user(outgoing)
    log = open_log(zhang)
    headers = {**zhang.headers, "Idempotency-Key": "entry-1"}
    body = {"kind": "event", "text": "系统告警：IVR 语音导航中断 3 分钟"}
    path = f"{LOGS}/{log['id']}/entries"
    first = zhang.client.post(path, data=body, content_type="application/json", headers=headers)
    second = zhang.client.post(path, data=body, content_type="application/json", headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    assert DutyEntry.objects.filter(log_id=log["id"]).count() == 1


def test_each_role_against_each_log(
    users: dict[str, User], outgoing: User, incoming: User, other_centre: OrgUnit
) -> None:
    """Leaders, managers and administrators read their centre's logs; nobody but the
    superuser reads another centre's; only the leader on duty writes in theirs and only
    the incoming leader acknowledges."""
    log = open_log(as_user(outgoing))
    stranger = user_create(
        username="wang", password="test-pass-2026", role="leader", centre=other_centre
    )
    elsewhere = open_log(as_user(stranger))
    readers = {"leader", "manager", "admin"}
    for role in ROLES:
        api = ApiClient(token_for(users[role].username))
        own = api.get(f"{LOGS}/{log['id']}")
        other = api.get(f"{LOGS}/{elsewhere['id']}")
        listed = api.get(LOGS)
        if role in readers:
            assert own.status_code == 200, role
            seen = {row["id"] for row in listed.json()["items"]}
            if role == "admin":  # the administrator is the superuser: every centre's logs
                assert other.status_code == 200 and seen == {log["id"], elsewhere["id"]}
            else:
                assert other.status_code == 404, role
                assert seen == {log["id"]}, role
            entry = api.post(f"{LOGS}/{log['id']}/entries", {"kind": "event", "text": "x"})
            assert entry.status_code == 403, role  # not the leader on duty
        else:
            assert own.status_code == 403, role
            assert other.status_code == 403, role
            assert listed.status_code == 403, role
            assert (
                api.post(
                    LOGS,
                    {
                        "starts_at": "2026-01-01T08:00:00+08:00",
                        "ends_at": "2026-01-01T16:00:00+08:00",
                    },
                ).status_code
                == 403
            ), role
    assert (
        as_user(stranger)
        .post(f"{LOGS}/{log['id']}/entries", {"kind": "event", "text": "x"})
        .status_code
        == 404
    )
    zhang = as_user(outgoing)
    zhang.post(f"{LOGS}/{log['id']}/handover", {"incoming": "li", "notes": "无"})
    for role in readers:
        api = ApiClient(token_for(users[role].username))
        assert api.post(f"{LOGS}/{log['id']}/acknowledge", {}).status_code == 403, role
    assert as_user(stranger).post(f"{LOGS}/{log['id']}/acknowledge", {}).status_code == 404
    assert DutyLog.objects.get(pk=log["id"]).state == "handing_over"


def test_the_search_by_days_leader_kind_and_words(
    centre: OrgUnit, outgoing: User, incoming: User, users: dict[str, User]
) -> None:
    zhang, li = as_user(outgoing), as_user(incoming)
    log = open_log(zhang)
    zhang.post(f"{LOGS}/{log['id']}/entries", {"kind": "equipment", "text": "5号座席电脑蓝屏"})
    zhang.post(f"{LOGS}/{log['id']}/entries", {"kind": "event", "text": "城东停电来电激增"})
    zhang.post(f"{LOGS}/{log['id']}/handover", {"incoming": "li", "notes": "关注蓝屏电脑的维修"})
    li.post(f"{LOGS}/{log['id']}/acknowledge", {"note": "已确认"})
    # An older log of li's, two days back.
    earlier = DutyLog.objects.create(
        centre=centre,
        leader=incoming,
        starts_at=timezone.now() - timedelta(days=2, hours=8),
        ends_at=timezone.now() - timedelta(days=2),
        state="handed_over",
    )
    DutyEntry.objects.create(
        log=earlier, at=earlier.starts_at, kind="event", text="城东停电", author=incoming
    )
    manager = ApiClient(token_for(users["manager"].username))
    # The day the shift began (the day before, just after midnight: it began an hour ago).
    today = timezone.localdate(dt.datetime.fromisoformat(log["starts_at"]))

    def ids(**query: Any) -> list[int]:
        response = manager.get(LOGS, **query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    mine = li.get(f"{LOGS}/current").json()["id"]
    assert ids() == [mine, log["id"], earlier.pk]
    assert ids(q="城东停电") == [log["id"], earlier.pk]
    assert ids(q="城东停电", since=today.isoformat()) == [log["id"]]
    assert ids(until=(today - timedelta(days=1)).isoformat()) == [earlier.pk]
    assert ids(leader="li") == [mine, earlier.pk]
    assert ids(kind="equipment") == [log["id"]]
    assert ids(q="维修") == [log["id"]]  # in the handover's notes
    assert ids(q="蓝屏 城东") == [log["id"]]  # every word, in any entry
    assert ids(q="不存在的词") == []
    found = manager.get(LOGS, q="蓝屏").json()["items"][0]
    assert [entry["text"] for entry in found["entries"]] == ["5号座席电脑蓝屏"]
    assert manager.get(LOGS, kind="gossip").status_code == 422
    assert manager.get(LOGS, since="yesterday").status_code == 422


def test_a_log_reads_in_a_fixed_number_of_queries(
    outgoing: User, orders: dict[str, Ticket], django_assert_max_num_queries: Any
) -> None:
    zhang = as_user(outgoing)
    log = open_log(zhang)
    for index in range(6):
        zhang.post(
            f"{LOGS}/{log['id']}/entries",
            {"kind": "open_issue", "text": f"待办 {index}", "ticket": orders["overdue"].number},
        )
    with django_assert_max_num_queries(12):
        response = zhang.get(f"{LOGS}/{log['id']}")
    assert len(response.json()["entries"]) == 6


def test_the_search_reads_in_a_fixed_number_of_queries(
    centre: OrgUnit,
    outgoing: User,
    incoming: User,
    users: dict[str, User],
    django_assert_max_num_queries: Any,
) -> None:
    now = timezone.now()
    for day in range(1, 9):
        log = DutyLog.objects.create(
            centre=centre,
            leader=outgoing if day % 2 else incoming,
            starts_at=now - timedelta(days=day, hours=8),
            ends_at=now - timedelta(days=day),
            state="handed_over",
        )
        DutyEntry.objects.create(
            log=log, at=log.starts_at, kind="event", text="停电", author=outgoing
        )
        Handover.objects.create(
            log=log,
            handed_by=log.leader,
            handed_at=log.ends_at,
            notes="无",
            incoming=incoming if day % 2 else outgoing,
            acknowledged_at=log.ends_at,
        )
    manager = ApiClient(token_for(users["manager"].username))
    with django_assert_max_num_queries(10):
        response = manager.get(LOGS, q="停电")
    assert response.json()["count"] == 8
    with django_assert_max_num_queries(10):
        response = manager.get(LOGS)
    assert len(response.json()["items"]) == 8
