"""The supervision pages (issue 20 point 1): a round made on its page, a refused finding
keeping what was typed (001 4.1.4: no finding without its correction), a photo kept and
shown only to those who may see it, the re-check, the compliance table and the checklist
editor saving a new version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD
from kefu.supervision.models import (
    ChecklistKind,
    Finding,
    FindingPhoto,
    Rectification,
    Round,
    RoundState,
)
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _png() -> bytes:
    # A PNG's signature and header: what the upload check reads (kefu.core.filetypes).
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def test_a_round_on_its_pages(world: World, django_assert_max_num_queries: object) -> None:
    leader = _client("leader")
    start = leader.get("/supervision/rounds/new/")
    assert start.status_code == 200
    kinds = start.content.decode()
    assert 'value="patrol"' in kinds
    assert 'value="mystery_visit"' not in kinds  # spot checks are not the leader's
    made = leader.post(
        "/supervision/rounds/new/",
        {
            "kind": "patrol",
            "checklist": world.checklist(ChecklistKind.ROUND).pk,
            "team": world.team.pk,
            "place": "二楼坐席区",
        },
    )
    assert made.status_code == 302
    round_ = Round.objects.get()
    page = leader.get(made["Location"])
    assert page.status_code == 200 and "客服中心日常巡查" in page.content.decode()
    items = list(round_.checklist_version.items.all())

    # No correction: refused, and what was typed stays.
    refused = leader.post(
        f"/supervision/rounds/{round_.pk}/findings/",
        {
            "version": round_.version,
            "item": items[3].pk,
            "person": world.users["agent"].pk,
            "description": "地面有纸屑和水渍",
            "correction": "",
            "requirement": "保洁每日两次巡检",
            "owner": world.users["agent"].pk,
            "deadline": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "地面有纸屑和水渍" in text and "保洁每日两次巡检" in text
    assert not Finding.objects.exists()

    photo = SimpleUploadedFile("floor.png", _png(), content_type="image/png")
    saved = leader.post(
        f"/supervision/rounds/{round_.pk}/findings/",
        {
            "version": round_.version,
            "item": items[3].pk,
            "person": world.users["agent"].pk,
            "description": "地面有纸屑和水渍",
            "correction": "当场清理并示范地面保洁",
            "requirement": "保洁每日两次巡检",
            "owner": world.users["agent"].pk,
            "deadline": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "photos": [photo],
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    stored = FindingPhoto.objects.get()
    assert leader.get(f"/supervision/photos/{stored.pk}/").status_code == 200
    assert _client("agent").get(f"/supervision/photos/{stored.pk}/").status_code == 200  # owner
    assert _client("leader2").get(f"/supervision/photos/{stored.pk}/").status_code == 404

    round_.refresh_from_db()
    post: dict[str, object] = {"version": round_.version}
    for item in items:
        post[f"item_{item.pk}"] = "fail" if item == items[3] else "pass"
    assert leader.post(f"/supervision/rounds/{round_.pk}/results/", post).status_code == 302
    round_.refresh_from_db()
    finished = leader.post(
        f"/supervision/rounds/{round_.pk}/finish/", {"version": round_.version, "note": "良好"}
    )
    assert finished.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.DONE and str(round_.score) == "9.3"
    with django_assert_max_num_queries(30):  # type: ignore[operator]
        shown = leader.get(f"/supervision/rounds/{round_.pk}/")
    assert "9.3 / 10" in shown.content.decode()

    rect = Rectification.objects.get()
    agent = _client("agent")
    assert "保洁每日两次巡检" in agent.get("/supervision/rectifications/").content.decode()
    empty = agent.post(f"/supervision/rectifications/{rect.pk}/report/", {"version": 1})
    assert empty.status_code == 400
    agent.post(f"/supervision/rectifications/{rect.pk}/report/", {"version": 1, "note": "已安排"})
    back = leader.post(
        f"/supervision/rectifications/{rect.pk}/recheck/", {"version": 2, "passed": "no"}
    )
    assert back.status_code == 400 and "请写明仍未到位之处" in back.content.decode()
    leader.post(f"/supervision/rectifications/{rect.pk}/recheck/", {"version": 2, "passed": "yes"})
    rect.refresh_from_db()
    assert rect.state == "closed"


def test_the_compliance_page_marks_the_days_missed(
    world: World, django_assert_max_num_queries: object
) -> None:
    manager = _client("manager")
    manager.get("/supervision/compliance/")  # the session and the calendar read once
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        page = manager.get("/supervision/compliance/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "陈建华" in text and "李强" in text
    bad = manager.get("/supervision/compliance/", {"first": "2026-01-01", "last": "2026-12-31"})
    assert bad.status_code == 400 and "2026-01-01" in bad.content.decode()


def test_the_checklist_editor_saves_a_new_version(world: World) -> None:
    qa = _client("qa")
    checklist = world.checklist(ChecklistKind.HOLIDAY)
    page = qa.get(f"/supervision/checklists/{checklist.pk}/")
    assert page.status_code == 200 and "节前已联系供应商完成设备检测" in page.content.decode()
    refused = qa.post(
        f"/supervision/checklists/{checklist.pk}/",
        {"name": checklist.name, "kind": "holiday", "active": "on", "note": "清空"},
    )
    assert refused.status_code == 400 and "清空" in refused.content.decode()
    saved = qa.post(
        f"/supervision/checklists/{checklist.pk}/",
        {
            "name": checklist.name,
            "kind": "holiday",
            "active": "on",
            "section_equipment": (
                "节前已联系供应商完成设备检测，保障高峰时期设备顺畅\n备用电源已试运行（2分）"
            ),
            "note": "加一项",
        },
    )
    assert saved.status_code == 302
    version = checklist.versions.order_by("-number").first()
    assert version is not None and version.number == 2
    items = list(version.items.order_by("position"))
    assert [(i.text, str(i.points), i.source) for i in items] == [
        ("节前已联系供应商完成设备检测，保障高峰时期设备顺畅", "1.0", "服务提升计划 第5篇 四.4"),
        ("备用电源已试运行", "2.0", ""),
    ]


def test_photos_added_later_and_the_notice_printed(world: World) -> None:
    """Photos taken on the round are uploaded later from its page by the inspector only;
    a hazard-rectification notice (002 第3篇) prints with the lines to sign and says how
    many notices this place has had."""
    from kefu.supervision.services.rounds import RectificationIn, finding_add, round_start

    leader, agent = world.users["leader"], world.users["agent"]
    deadline = timezone.localdate() + timedelta(days=3)
    findings = []
    for _ in range(2):
        round_ = round_start(
            actor=leader,
            kind="safety",
            checklist_id=world.checklist("safety").pk,
            place="幸福小区3栋",
        )
        findings.append(
            finding_add(
                actor=leader,
                round_=round_,
                version=1,
                description="胶管老化",
                correction="当场关闭阀门并告知用户",
                rectification=RectificationIn("更换燃气胶管", agent.pk, deadline),
            )
        )
    finding = findings[1]
    url = f"/supervision/findings/{finding.pk}/photos/"
    page = _client("leader").get(f"/supervision/rounds/{finding.round_id}/")
    assert f'action="{url}"' in page.content.decode()

    sent = _client("leader").post(
        url, {"photos": [SimpleUploadedFile("gas.png", _png(), content_type="image/png")]}
    )
    assert sent.status_code == 302 and sent["Location"].endswith(f"#finding-{finding.pk}")
    assert FindingPhoto.objects.filter(finding=finding).count() == 1
    # Not the inspector: refused, nothing added; not a picture: refused, said why.
    refused = _client("manager").post(
        url,
        {"photos": [SimpleUploadedFile("gas.png", _png(), content_type="image/png")]},
        follow=True,
    )
    assert refused.status_code == 200
    not_a_photo = _client("leader").post(
        url,
        {"photos": [SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")]},
        follow=True,
    )
    assert 'role="alert"' in not_a_photo.content.decode()
    assert FindingPhoto.objects.filter(finding=finding).count() == 1
    # Someone who may not see the round cannot reach the finding.
    assert _client("other-manager").post(url, {}).status_code == 404

    rect = Rectification.objects.get(finding=finding)
    notice = _client("agent").get(f"/supervision/rectifications/{rect.pk}/").content.decode()
    assert "打印通知书" in notice and "data-print" in notice
    assert "检查人签字" in notice and "签收人" in notice
    assert "幸福小区3栋" in notice and "此处已下达 2 份" in notice
