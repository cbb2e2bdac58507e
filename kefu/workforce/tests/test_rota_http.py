"""The rota over HTTP (issue 17 point 3): the API's access per role and object, its strict
input and error shape, and the pages each role may open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient
from kefu.core.models import OrgUnit, User
from kefu.workforce.models import Rota, RotaChange, RotaStatus, Shift, StaffMember
from kefu.workforce.navigation import tabs_for

pytestmark = pytest.mark.django_db

API = "/api/v1/workforce"


def current_rota(centre: OrgUnit) -> Rota:
    today = timezone.localdate()
    return Rota.objects.get(centre=centre, first_day__lte=today, last_day__gte=today)


def test_leaders_list_and_read_rotas_others_are_refused(
    planned: dict[str, Any], centre: OrgUnit, api_as: Callable[[str], ApiClient]
) -> None:
    rota = current_rota(centre)
    for role in ("leader", "manager", "admin"):
        listed = api_as(role).get(f"{API}/rotas")
        assert listed.status_code == 200, listed.content
        assert listed.json()["count"] == 2
        detail = api_as(role).get(f"{API}/rotas/{rota.pk}").json()
        assert detail["status"] == "published"
        assert set(detail["requirement"]) == {"power-billing", "power-fault", "power-business"}
    for role in ("agent", "expert", "backoffice", "handler"):
        refused = api_as(role).get(f"{API}/rotas/{rota.pk}")
        assert refused.status_code == 403
        assert set(refused.json()) == {"code", "message", "detail"}
        assert api_as(role).post(f"{API}/rotas/{rota.pk}/publish").status_code == 403
    assert api_as("leader").get(f"{API}/rotas/999999").status_code == 404


def test_a_leader_of_another_centre_sees_nothing(
    planned: dict[str, Any], centre: OrgUnit, other_centre: OrgUnit, make_user: Callable[..., User]
) -> None:
    from kefu.conftest import token_for

    make_user("leader", "other-leader", centre=other_centre)
    client = ApiClient(token_for("other-leader"))
    rota = current_rota(centre)
    assert client.get(f"{API}/rotas").json()["count"] == 0
    assert client.get(f"{API}/rotas/{rota.pk}").status_code == 404
    assert client.post(f"{API}/rotas/{rota.pk}/publish").status_code == 404
    shift = Shift.objects.filter(rota=rota).first()
    assert shift is not None
    assert client.get(f"{API}/shifts/{shift.pk}").status_code == 404


def test_an_agent_sees_only_their_own_shifts(
    planned: dict[str, Any], centre: OrgUnit, users: dict[str, User], api_as: Callable[..., Any]
) -> None:
    mine = api_as("agent").get(f"{API}/shifts", limit=200)
    assert mine.status_code == 200
    items = mine.json()["items"]
    assert items and {item["username"] for item in items} == {"agent"}
    assert all(item["breaks"] and item["template_name"] for item in items)
    other = Shift.objects.exclude(member__user=users["agent"]).first()
    assert other is not None
    assert api_as("agent").get(f"{API}/shifts/{other.pk}").status_code == 404
    own = Shift.objects.filter(member__user=users["agent"]).first()
    assert own is not None
    assert api_as("agent").get(f"{API}/shifts/{own.pk}").json()["id"] == own.pk
    # A draft's shifts are not shown to agents.
    Rota.objects.filter(pk=own.rota_id).update(status=RotaStatus.DRAFT)
    assert api_as("agent").get(f"{API}/shifts/{own.pk}").status_code == 404
    # A leader sees the whole centre's.
    everyone = api_as("leader").get(f"{API}/shifts", limit=200).json()
    assert everyone["count"] == Shift.objects.count()
    # Someone without the rota permission: 403.
    assert api_as("handler").get(f"{API}/shifts").status_code == 403


def test_generate_publish_change_and_the_change_log(
    planned: dict[str, Any],
    centre: OrgUnit,
    users: dict[str, User],
    api_as: Callable[..., Any],
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.KEFU_ROTA_TIME_LIMIT = 2
    leader = api_as("leader")
    # Unknown fields, a bad interval, days the wrong way round: 422 with the error shape.
    first = timezone.localdate() + dt.timedelta(days=28)
    body = {"first_day": str(first), "last_day": str(first + dt.timedelta(days=6))}
    assert leader.post(f"{API}/rotas", {**body, "colour": "red"}).status_code == 422
    assert leader.post(f"{API}/rotas", {**body, "interval_minutes": 20}).status_code == 422
    wrong = leader.post(f"{API}/rotas", {"first_day": body["last_day"], "last_day": str(first)})
    assert wrong.status_code == 422 and set(wrong.json()) == {"code", "message", "detail"}
    assert api_as("agent").post(f"{API}/rotas", body).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        made = leader.post(f"{API}/rotas", body)
    assert made.status_code == 202, made.content
    rota_id = made.json()["id"]
    assert made.json()["solver_status"] == "queued"  # as answered, before the worker
    rota = leader.get(f"{API}/rotas/{rota_id}").json()
    # No history to forecast from in the test centre: nothing required, a valid rota.
    assert rota["solver_status"] in {"optimal", "feasible"}
    published = leader.post(f"{API}/rotas/{rota_id}/publish")
    assert published.status_code == 201 and published.json()["number"] == 1
    assert leader.post(f"{API}/rotas/{rota_id}/generate").status_code == 409

    member = StaffMember.objects.get(user=users["agent"])
    change = {"member": member.pk, "day": str(first), "template": "night", "note": "顶班"}
    assert leader.put(f"{API}/rotas/{rota_id}/shifts", {**change, "note": ""}).status_code == 422
    assert leader.put(f"{API}/rotas/{rota_id}/shifts", {**change, "x": 1}).status_code == 422
    missing = leader.put(f"{API}/rotas/{rota_id}/shifts", {**change, "template": "nope"})
    assert missing.status_code == 404
    changed = leader.put(f"{API}/rotas/{rota_id}/shifts", change)
    assert changed.status_code == 200, changed.content
    assert changed.json()["template"] == "night" and changed.json()["kind"] == "night"
    off = leader.put(f"{API}/rotas/{rota_id}/shifts", {**change, "template": None})
    assert off.status_code == 200 and off.json() is None
    log = leader.get(f"{API}/rotas/{rota_id}/changes").json()
    assert log["count"] == RotaChange.objects.filter(rota_id=rota_id).count() >= 1
    assert log["items"][0]["cause"] == "edit" and log["items"][0]["by"] == "leader"
    versions = leader.get(f"{API}/rotas/{rota_id}/versions").json()
    assert [v["number"] for v in versions] == [1]
    assert leader.post(f"{API}/rotas/{rota_id}/publish").json()["number"] == 2
    assert api_as("agent").put(f"{API}/rotas/{rota_id}/shifts", change).status_code == 403


@pytest.mark.parametrize(
    ("role", "plan", "rota", "mine"),
    [
        ("agent", 403, 403, 200),
        ("expert", 403, 403, 200),
        ("backoffice", 403, 403, 200),
        ("handler", 403, 403, 403),
        ("leader", 200, 200, 200),
        ("manager", 200, 200, 200),
        ("admin", 200, 200, 200),
    ],
)
def test_the_pages_for_each_role(
    planned: dict[str, Any], users: dict[str, User], role: str, plan: int, rota: int, mine: int
) -> None:
    client = Client()
    assert client.login(username=users[role].username, password=PASSWORD)
    assert client.get("/workforce/plan/").status_code == plan
    assert client.get("/workforce/rota/").status_code == rota
    assert client.get("/workforce/my-rota/").status_code == mine
    labels = [str(tab.label) for tab in tabs_for(users[role].role)]
    if plan == 200:
        assert labels == [
            "人力计划",
            "排班表",
            "申请审批",
            "实时监控",
            "考勤",
            "值班记录",
            "值班记录查询",
            "我的排班",
            "我的申请",
            "调班邀请",
        ]
    elif mine == 200:
        assert labels == ["我的排班", "我的申请", "调班邀请"]
        assert client.get("/workforce/")["Location"] == "/workforce/my-rota/"


def test_the_rota_page_shows_the_grid_and_the_generate_form_keeps_what_was_typed(
    planned: dict[str, Any], users: dict[str, User], centre: OrgUnit
) -> None:
    client = Client()
    client.login(username="leader", password=PASSWORD)
    page = client.get("/workforce/rota/").content.decode()
    assert "生成排班表" in page and "再次发布" in page and "rota-chart-data" in page
    assert "早" in page and "夜" in page and "shift-leave" in page
    refused = client.post(
        "/workforce/rota/generate/", {"first_day": "2031-05-10", "last_day": "2031-05-01"}
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and "结束日期早于开始日期" in body
    assert 'value="2031-05-10"' in body and 'value="2031-05-01"' in body


def test_a_rota_still_being_planned_shows_so_and_cannot_be_published(
    planned: dict[str, Any], centre: OrgUnit, api_as: Callable[..., Any]
) -> None:
    """The worker has not run yet (the callbacks after commit are not run here)."""
    first = timezone.localdate() + dt.timedelta(days=28)
    made = api_as("leader").post(
        f"{API}/rotas", {"first_day": str(first), "last_day": str(first + dt.timedelta(days=2))}
    )
    rota_id = made.json()["id"]
    assert api_as("leader").get(f"{API}/rotas/{rota_id}").json()["solver_status"] == "queued"
    refused = api_as("leader").post(f"{API}/rotas/{rota_id}/publish")
    assert refused.status_code == 409 and refused.json()["code"] == "conflict"
    client = Client()
    client.login(username="leader", password=PASSWORD)
    page = client.get("/workforce/rota/", {"rota": rota_id}).content.decode()
    assert "生成中…" in page and 'id="rota-refresh"' in page and 'id="rota-publish"' not in page


def test_a_leader_changes_one_shift_on_the_rota_page(
    planned: dict[str, Any],
    centre: OrgUnit,
    other_centre: OrgUnit,
    users: dict[str, User],
    make_user: Callable[..., User],
) -> None:
    """The page's form: a day off or another template for one agent and day, with the
    reason, recorded on a published rota; refused without a reason or outside the rota,
    keeping what was typed; only the centre's leaders may."""
    rota = current_rota(centre)
    shift = Shift.objects.filter(rota=rota).select_related("member").first()
    assert shift is not None
    url = f"/workforce/rota/{rota.pk}/shift/"
    form = {"member": shift.member_id, "day": str(shift.day), "template": "", "note": ""}
    leader = Client()
    leader.login(username="leader", password=PASSWORD)

    refused = leader.post(url, form)
    body = refused.content.decode()
    assert refused.status_code == 200 and "原因" in body and "原因: 此项必填" in body
    assert f'value="{shift.day}"' in body
    assert f'<option value="{shift.member_id}" selected>' in body
    outside = leader.post(url, {**form, "day": str(rota.last_day + dt.timedelta(days=1))})
    assert "该日期不在本排班表的范围内" in outside.content.decode()
    assert not RotaChange.objects.filter(rota=rota).exists()

    done = leader.post(url, {**form, "note": "临时请假"})
    assert done.status_code == 302 and f"day={shift.day}" in done["Location"]
    assert not Shift.objects.filter(pk=shift.pk).exists()
    change = RotaChange.objects.get(rota=rota)
    assert change.note == "临时请假" and change.by == users["leader"] and change.after == {}
    again = leader.post(url, {**form, "template": "night", "note": "改上夜班"})
    assert again.status_code == 302
    night = Shift.objects.get(rota=rota, member=shift.member, day=shift.day)
    assert night.template is not None and night.template.code == "night"
    page = leader.get(done["Location"]).content.decode()
    assert "改上夜班" in page and "临时请假" in page

    for role in ("agent", "backoffice"):
        client = Client()
        client.login(username=role, password=PASSWORD)
        assert client.post(url, {**form, "note": "x"}).status_code == 403
    make_user("leader", "other-leader", centre=other_centre)
    other = Client()
    other.login(username="other-leader", password=PASSWORD)
    assert other.post(url, {**form, "note": "x"}).status_code == 404
    assert RotaChange.objects.filter(rota=rota).count() == 2
