"""Supervision through the API (issue 20 point 1): a team leader's round with a finding
corrected on the spot and its rectification reported and re-checked (sent back once, then
closed); the rules the services hold (001 4.1.3, 4.1.4, 4.4.1.2, 4.4.2.1, 4.5; 000 第7篇);
retry-safe creates and strict schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.supervision.models import ChecklistKind, Rectification, Round, SampledRecord
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: World) -> Callable[[str], ApiClient]:
    def client(username: str) -> ApiClient:
        return ApiClient(token_for(username))

    return client


def _start(client: ApiClient, world: World, kind: str = "patrol", **extra: Any) -> dict[str, Any]:
    checklist = world.checklist(extra.pop("checklist_kind", ChecklistKind.ROUND))
    response = client.post(
        "/api/v1/supervision/rounds",
        {"kind": kind, "checklist_id": checklist.pk, "team_id": world.team.pk, **extra},
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_leaders_round_with_a_finding_and_its_rectification_rechecked(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    leader, agent = api("leader"), api("agent")
    round_ = _start(leader, world, place="一楼大厅")
    items = round_["items"]
    assert round_["state"] == "open" and len(items) == 15
    assert items[0]["source"] == "监督管理程序 4.2.1.1 a"
    path = f"/api/v1/supervision/rounds/{round_['id']}"

    # 001 4.1.4: a finding without what was corrected on the spot is refused.
    bare = {
        "version": round_["version"],
        "checklist_item_id": items[0]["id"],
        "person_id": world.users["agent"].pk,
        "description": "桌面堆放与工作无关的零食",
        "correction": " ",
    }
    refused = leader.post(f"{path}/findings", bare)
    assert refused.status_code == 422
    assert refused.json()["code"] == "finding_not_corrected"
    missing = leader.post(f"{path}/findings", {k: v for k, v in bare.items() if k != "correction"})
    assert missing.status_code == 422

    deadline = (timezone.localdate() + timedelta(days=3)).isoformat()
    finding = leader.post(
        f"{path}/findings",
        {
            **bare,
            "correction": "当场请其收起零食，示范桌面物品摆放",
            "rectification": {
                "requirement": "全班整理工位，三天内复查",
                "owner_id": world.users["agent"].pk,
                "deadline": deadline,
            },
        },
    )
    assert finding.status_code == 201, finding.content
    rect = finding.json()["rectification"]
    photos = f"/api/v1/supervision/findings/{finding.json()['id']}/photos"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
    uploaded = leader.client.post(
        photos,
        {"files": [SimpleUploadedFile("desk.png", png, content_type="image/png")]},
        headers=leader.headers,
    )
    assert uploaded.status_code == 201 and uploaded.json() == ["desk.png"]
    not_a_photo = leader.client.post(
        photos,
        {"files": [SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")]},
        headers=leader.headers,
    )
    assert not_a_photo.status_code == 422 and not_a_photo.json()["code"] == "photo_type"
    assert (
        api("manager")
        .client.post(
            photos,
            {"files": [SimpleUploadedFile("x.png", png, content_type="image/png")]},
            headers=api("manager").headers,
        )
        .status_code
        == 403
    )
    assert rect["state"] == "open" and rect["owner_id"] == world.users["agent"].pk

    # Finishing with items unanswered is refused, and says how many.
    detail = leader.get(path).json()
    assert detail["results"] == [
        {"checklist_item_id": items[0]["id"], "result": "fail", "note": ""}
    ]
    early = leader.post(f"{path}/finish", {"version": detail["version"]})
    assert early.status_code == 422 and early.json()["code"] == "round_items_unanswered"

    results = [{"checklist_item_id": item["id"], "result": "pass"} for item in items[1:]]
    results[-1]["result"] = "na"
    recorded = leader.put(f"{path}/results", {"version": detail["version"], "results": results})
    assert recorded.status_code == 200, recorded.content
    stale = leader.post(f"{path}/finish", {"version": detail["version"]})
    assert stale.status_code == 409
    done = leader.post(
        f"{path}/finish", {"version": recorded.json()["version"], "note": "整体良好"}
    )
    assert done.status_code == 200, done.content
    # 13 of 14 applicable items pass (one n/a): 9.3 out of 10 (000 第7篇).
    assert done.json()["state"] == "done" and done.json()["score"] == "9.3"
    assert leader.post(f"{path}/finish", {"version": done.json()["version"]}).status_code == 409

    # The owner reports it; the leader's re-check sends it back; reported again; closed.
    rpath = f"/api/v1/supervision/rectifications/{rect['id']}"
    assert agent.get(rpath).status_code == 200
    assert agent.get(path).status_code == 404  # the agent sees the task, not the round
    assert leader.post(f"{rpath}/report", {"version": 1, "note": "已整理"}).status_code == 403
    reported = agent.post(f"{rpath}/report", {"version": 1, "note": "已整理工位"})
    assert reported.status_code == 200 and reported.json()["state"] == "reported"
    no_reason = leader.post(f"{rpath}/recheck", {"version": 2, "passed": False})
    assert no_reason.status_code == 422
    back = leader.post(
        f"{rpath}/recheck", {"version": 2, "passed": False, "note": "仍有两处堆放杂物"}
    )
    assert back.status_code == 200
    assert back.json()["state"] == "open" and back.json()["reopened"] == 1
    assert agent.post(f"{rpath}/recheck", {"version": 3, "passed": True}).status_code == 403
    again = agent.post(f"{rpath}/report", {"version": 3, "note": "杂物已清走"})
    assert again.status_code == 200
    closed = leader.post(f"{rpath}/recheck", {"version": 4, "passed": True})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert closed.json()["closed_at"] is not None
    assert leader.post(f"{rpath}/recheck", {"version": 5, "passed": True}).status_code == 409
    events = Rectification.objects.get(pk=rect["id"]).events.values_list("action", flat=True)
    assert list(events) == ["opened", "reported", "reopened", "reported", "closed"]


def test_every_failed_item_needs_its_finding_before_the_round_finishes(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    leader = api("leader")
    round_ = _start(leader, world, checklist_kind=ChecklistKind.SITE, kind="site")
    results = [{"checklist_item_id": item["id"], "result": "pass"} for item in round_["items"]]
    results[0]["result"] = "fail"
    path = f"/api/v1/supervision/rounds/{round_['id']}"
    recorded = leader.put(f"{path}/results", {"version": 1, "results": results}).json()
    refused = leader.post(f"{path}/finish", {"version": recorded["version"]})
    assert refused.status_code == 422 and refused.json()["code"] == "round_fail_without_finding"
    found = leader.post(
        f"{path}/findings",
        {
            "version": recorded["version"],
            "checklist_item_id": results[0]["checklist_item_id"],
            "description": "看楼路线有杂物",
            "correction": "当场清理",
        },
    )
    assert found.status_code == 201
    done = leader.post(f"{path}/finish", {"version": recorded["version"] + 1}).json()
    # 5 of 6 items: 8.3, and 8 or more earns the bonus band (000 第7篇).
    assert done["score"] == "8.3"


def test_creates_are_safe_to_retry(world: World, api: Callable[[str], ApiClient]) -> None:
    leader = api("leader")
    body = {"kind": "patrol", "checklist_id": world.checklist().pk}
    headers = {**leader.headers, "Idempotency-Key": "round-2026-12-06-1"}
    first = leader.client.post(
        "/api/v1/supervision/rounds", data=body, content_type="application/json", headers=headers
    )
    again = leader.client.post(
        "/api/v1/supervision/rounds", data=body, content_type="application/json", headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Round.objects.count() == 1


def test_schemas_are_strict(world: World, api: Callable[[str], ApiClient]) -> None:
    leader = api("leader")
    unknown = leader.post(
        "/api/v1/supervision/rounds",
        {"kind": "patrol", "checklist_id": world.checklist().pk, "score": 10},
    )
    assert unknown.status_code == 422
    assert leader.post("/api/v1/supervision/rounds", {"kind": "tour"}).status_code == 422
    huge = leader.post("/api/v1/supervision/rounds", {"kind": "patrol", "checklist_id": 2**70})
    assert huge.status_code == 422
    other_centres = leader.post(
        "/api/v1/supervision/rounds",
        {"kind": "patrol", "checklist_id": world.checklist().pk + 1000},
    )
    assert other_centres.status_code == 422
    assert leader.get("/api/v1/supervision/rounds", kind="tour").status_code == 422
    # A round is entered within a day: a missed day is not filled in afterwards (001 4.5).
    backdated = leader.post(
        "/api/v1/supervision/rounds",
        {
            "kind": "patrol",
            "checklist_id": world.checklist().pk,
            "started_at": (timezone.now() - timedelta(days=2)).isoformat(),
        },
    )
    assert backdated.status_code == 422 and backdated.json()["code"] == "round_too_old"
    assert (
        leader.get(
            "/api/v1/supervision/compliance", first="2026-01-01", last="2026-12-31"
        ).status_code
        == 422
    )


def test_spot_checks_and_mystery_visits_are_the_customer_relations_departments(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    # 001 4.5.3 (客户关系部...抽样检查); 暗访: 002 第1篇, 003.
    leader, qa = api("leader"), api("qa")
    checklist = world.checklist(ChecklistKind.MYSTERY).pk
    body = {"kind": "mystery_visit", "checklist_id": checklist}
    assert leader.post("/api/v1/supervision/rounds", body).status_code == 403
    made = qa.post("/api/v1/supervision/rounds", body)
    assert made.status_code == 201 and made.json()["unannounced"] is True
    assert api("agent").post("/api/v1/supervision/rounds", body).status_code == 403


def test_records_drawn_at_random_are_reproducible_and_bounded(
    world: World, api: Callable[[str], ApiClient], records: dict[str, list[Any]]
) -> None:
    qa = api("qa")
    round_ = _start(qa, world, kind="spot_check")
    path = f"/api/v1/supervision/rounds/{round_['id']}/records"
    drawn = qa.post(path, {"version": 1, "kind": "complaint", "count": 3, "seed": 7})
    assert drawn.status_code == 201, drawn.content
    numbers = [row["ticket_number"] for row in drawn.json()]
    assert len(numbers) == 3 and set(numbers) <= {t.number for t in records["complaint"]}
    # The complaint of two months ago lies outside the draw's month.
    assert "GD0015" not in numbers
    # The rest: only two complaints are left, so a draw of 20 gives two.
    rest = qa.post(path, {"version": 2, "kind": "complaint", "count": 20}).json()
    assert len(rest) == 2 and not {r["ticket_number"] for r in rest} & set(numbers)
    callbacks = qa.post(path, {"version": 3, "kind": "callback", "count": 2, "seed": 7}).json()
    assert len(callbacks) == 2 and all(r["contact_id"] for r in callbacks)
    assert qa.post(path, {"version": 4, "kind": "repair", "count": 21}).status_code == 422
    # The same seed over the same records draws the same ones in another round.
    other = _start(qa, world, kind="spot_check")
    again = qa.post(
        f"/api/v1/supervision/rounds/{other['id']}/records",
        {"version": 1, "kind": "complaint", "count": 3, "seed": 7},
    ).json()
    assert [r["ticket_number"] for r in again] == numbers
    record = SampledRecord.objects.filter(round_id=round_["id"]).first()
    assert record is not None
    faulty = qa.put(f"/api/v1/supervision/records/{record.pk}", {"verdict": "faulty"})
    assert faulty.status_code == 422  # says what is not in order
    judged = qa.put(
        f"/api/v1/supervision/records/{record.pk}", {"verdict": "faulty", "note": "未记录回访结果"}
    )
    assert judged.status_code == 200 and judged.json()["verdict"] == "faulty"
    # The team's leader sees the spot check of their team, but only its inspector judges.
    assert (
        api("leader")
        .put(f"/api/v1/supervision/records/{record.pk}", {"verdict": "good"})
        .status_code
        == 403
    )
    assert (
        api("leader2")
        .put(f"/api/v1/supervision/records/{record.pk}", {"verdict": "good"})
        .status_code
        == 404
    )


def test_a_question_to_staff_is_recorded_with_its_verdict(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    # 001 4.4.2.1: 对客户服务人员随机进行抽问,检测人员对业务是否熟悉.
    leader = api("leader")
    round_ = _start(leader, world)
    path = f"/api/v1/supervision/rounds/{round_['id']}/questions"
    asked = leader.post(
        path,
        {
            "version": 1,
            "person_id": world.users["agent"].pk,
            "question": "居民阶梯电价第二档的起点是多少？",
            "answer": "每月 230 度",
            "verdict": "correct",
        },
    )
    assert asked.status_code == 201 and asked.json()["verdict"] == "correct"
    stranger = leader.post(
        path,
        {
            "version": 2,
            "person_id": world.other.pk,
            "question": "？",
            "answer": "",
            "verdict": "wrong",
        },
    )
    assert stranger.status_code == 422


def test_only_the_inspector_changes_an_open_round(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    round_ = _start(api("leader"), world)
    manager = api("manager")
    item = round_["items"][0]["id"]
    assert manager.get(f"/api/v1/supervision/rounds/{round_['id']}").status_code == 200
    refused = manager.put(
        f"/api/v1/supervision/rounds/{round_['id']}/results",
        {"version": 1, "results": [{"checklist_item_id": item, "result": "pass"}]},
    )
    assert refused.status_code == 403


def test_a_checklist_edited_keeps_old_rounds_on_their_version(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    leader, qa = api("leader"), api("qa")
    old = _start(leader, world)
    checklist = world.checklist()
    body = {
        "kind": "round",
        "name": checklist.name,
        "items": [
            {"section": "scene", "text": "工位整洁", "points": "2"},
            {"section": "records", "text": "记录完整"},
        ],
        "note": "精简为两项",
    }
    assert leader.put(f"/api/v1/supervision/checklists/{checklist.pk}", body).status_code == 403
    saved = qa.put(f"/api/v1/supervision/checklists/{checklist.pk}", body)
    assert saved.status_code == 200 and saved.json()["version"] == 2
    assert [i["text"] for i in saved.json()["items"]] == ["工位整洁", "记录完整"]
    new = _start(leader, world)
    assert new["checklist_version"] == 2 and len(new["items"]) == 2
    kept = leader.get(f"/api/v1/supervision/rounds/{old['id']}").json()
    assert kept["checklist_version"] == 1 and len(kept["items"]) == 15
    clash = qa.post("/api/v1/supervision/checklists", {**body, "name": "暗访检查"})
    assert clash.status_code == 409
    assert qa.post("/api/v1/supervision/checklists", {**body, "items": []}).status_code == 422


def test_compliance_shows_who_missed_a_round(world: World, api: Callable[[str], ApiClient]) -> None:
    leader = api("leader")
    for _ in range(2):
        round_ = _start(leader, world)
        results = [{"checklist_item_id": i["id"], "result": "pass"} for i in round_["items"]]
        path = f"/api/v1/supervision/rounds/{round_['id']}"
        version = leader.put(f"{path}/results", {"version": 1, "results": results}).json()[
            "version"
        ]
        assert leader.post(f"{path}/finish", {"version": version}).status_code == 200
    today = timezone.localdate().isoformat()
    # The test centre's calendar has no published rota: duty days come from the calendar.
    table = api("manager").get("/api/v1/supervision/compliance", first=today, last=today).json()
    rows = {row["name"]: row for row in table["rows"]}
    assert set(rows) == {"陈建华", "李强", "manager"}
    assert rows["陈建华"]["made"] == 2 and rows["陈建华"]["missing"] == 0
    if rows["李强"]["owed"]:  # a working day: not over yet, nothing missed so far
        assert rows["李强"]["missing"] == 0 and rows["李强"]["days"][0]["status"] == "open"
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    before = api("manager").get("/api/v1/supervision/compliance", first=yesterday, last=yesterday)
    rows_before = {row["name"]: row for row in before.json()["rows"]}
    if rows_before["李强"]["owed"]:  # a working day, over, without a round
        assert rows_before["李强"]["missing"] == 2 and rows_before["李强"]["rank"] == 1
        assert rows_before["李强"]["days"][0]["status"] == "missed"
    assert rows["陈建华"]["duty_from"] == "calendar"
    assert table["months_without_spot_check"] == [today[:7]]
    assert api("agent").get("/api/v1/supervision/compliance").status_code == 403
