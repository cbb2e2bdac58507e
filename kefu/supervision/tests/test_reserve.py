"""绿苗计划 over HTTP (issue 20; seed 003 第二部分(八)1: 每半年进行一次值班长后备人才公开
选拔,对现任值班长岗位人员进行开测评,持续更新值班长后备人才库): the manager opens a half
year's selection; an agent applies, a leader nominates; the panel scores; the manager
admits with a reason; closing renews the pool (a reserve not re-confirmed lapses); the
leaders' evaluation with anonymous member ratings; who may do what; the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import User
from kefu.supervision import reserve_rules
from kefu.supervision.models import ReserveMember, ReserveSelection
from kefu.supervision.services.reserve import selection_open
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision/reserve"


def _half() -> str:
    return reserve_rules.half_of(timezone.localdate())[0].isoformat()


def test_selection_flow_over_the_api(world: World, make_user: Callable[..., User]) -> None:
    manager, leader = ApiClient(token_for("manager")), ApiClient(token_for("leader"))
    agent = ApiClient(token_for("agent"))
    mate = make_user("agent", username="agent2", team=world.team, full_name="周敏")
    # Only the manager opens; a wrong half or a day not starting a half is refused.
    assert agent.post(f"{BASE}/selections", {"half_start": _half()}).status_code == 403
    assert manager.post(f"{BASE}/selections", {"half_start": "2026-08-01"}).status_code == 422
    assert manager.post(f"{BASE}/selections", {"half_start": _half(), "x": 1}).status_code == 422
    opened = manager.post(f"{BASE}/selections", {"half_start": _half(), "note": "下半年"})
    assert opened.status_code == 201, opened.content
    again = manager.post(f"{BASE}/selections", {"half_start": _half()})
    assert again.status_code == 200 and again.json()["id"] == opened.json()["id"]
    sid = opened.json()["id"]
    # An agent applies (again: the same candidacy); a leader cannot apply; the leader
    # nominates a member of their team, not someone outside it.
    applied = agent.post(f"{BASE}/selections/{sid}/apply", {"statement": "愿意带新人"})
    assert applied.status_code == 201, applied.content
    assert agent.post(f"{BASE}/selections/{sid}/apply", {}).status_code == 200
    assert leader.post(f"{BASE}/selections/{sid}/apply", {}).status_code == 403
    nominated = leader.post(f"{BASE}/selections/{sid}/nominations", {"person_id": mate.pk})
    assert nominated.status_code == 201, nominated.content
    outside = leader.post(
        f"{BASE}/selections/{sid}/nominations", {"person_id": world.users["expert"].pk}
    )
    assert outside.status_code == 422
    # The agent sees only their own candidacy; the panel sees both, with figures.
    assert [c["person_id"] for c in agent.get(f"{BASE}/selections/{sid}/candidates").json()] == [
        world.users["agent"].pk
    ]
    rows = leader.get(f"{BASE}/selections/{sid}/candidates").json()
    assert len(rows) == 2 and all(row["figures"] is not None for row in rows)
    assert all(row["panel_score"] is None for row in rows)  # not scored: no figure, not 0
    cid = applied.json()["id"]
    # Panel scores: the leader and the manager; the candidate cannot score.
    assert agent.post(f"{BASE}/candidates/{cid}/score", {"score": 100}).status_code == 403
    assert leader.post(f"{BASE}/candidates/{cid}/score", {"score": 101}).status_code == 422
    leader.post(f"{BASE}/candidates/{cid}/score", {"score": 80})
    scored = manager.post(f"{BASE}/candidates/{cid}/score", {"score": 85, "comment": "稳重"})
    assert scored.status_code == 200 and scored.json()["panel_score"] == "82.5"
    # Closing with a candidate undecided is refused.
    version = manager.get(f"{BASE}/selections/{sid}").json()["version"]
    pending = manager.post(f"{BASE}/selections/{sid}/close", {"version": version})
    assert pending.status_code == 409 and pending.json()["code"] == "candidates_pending"
    # The manager decides, always with a reason; only the manager.
    body = {"version": scored.json()["version"], "admit": True, "reason": "综合表现突出"}
    assert leader.post(f"{BASE}/candidates/{cid}/decision", body).status_code == 403
    assert (
        manager.post(f"{BASE}/candidates/{cid}/decision", {**body, "reason": ""}).status_code == 422
    )
    admitted = manager.post(f"{BASE}/candidates/{cid}/decision", body)
    assert admitted.status_code == 200 and admitted.json()["decision"] == "admitted"
    assert manager.post(f"{BASE}/candidates/{cid}/decision", body).status_code == 409
    declined = manager.post(
        f"{BASE}/candidates/{nominated.json()['id']}/decision",
        {"version": 1, "admit": False, "reason": "质检分偏低"},
    )
    assert declined.status_code == 200
    (member,) = manager.get(f"{BASE}/pool").json()
    assert member["person_id"] == world.users["agent"].pk and member["figures"] is not None
    assert agent.get(f"{BASE}/pool").status_code == 403
    closed = manager.post(f"{BASE}/selections/{sid}/close", {"version": version})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert agent.post(f"{BASE}/selections/{sid}/apply", {}).status_code == 409


def test_a_reserve_not_reconfirmed_lapses(world: World) -> None:
    manager = world.users["manager"]
    today = timezone.localdate()
    current = reserve_rules.half_of(today)[0]
    past = reserve_rules.previous_half(current)
    client = ApiClient(token_for("manager"))
    old, _ = selection_open(actor=manager, half_start=past, today=past)
    cand = client.post(
        f"{BASE}/selections/{old.pk}/nominations", {"person_id": world.users["agent"].pk}
    ).json()
    client.post(
        f"{BASE}/candidates/{cand['id']}/decision", {"version": 1, "admit": True, "reason": "好"}
    )
    client.post(f"{BASE}/selections/{old.pk}/close", {"version": old.version})
    new = client.post(f"{BASE}/selections", {"half_start": current.isoformat()}).json()
    # The reserve comes back as a candidate for re-confirmation.
    (back,) = client.get(f"{BASE}/selections/{new['id']}/candidates").json()
    assert back["source"] == "reserve" and back["person_id"] == world.users["agent"].pk
    client.post(
        f"{BASE}/candidates/{back['id']}/decision",
        {"version": back["version"], "admit": False, "reason": "本期未通过复核"},
    )
    # Still in the pool until the selection closes; then lapsed.
    assert len(client.get(f"{BASE}/pool").json()) == 1
    closing = client.post(f"{BASE}/selections/{new['id']}/close", {"version": new["version"]})
    assert closing.status_code == 200
    assert client.get(f"{BASE}/pool").json() == []
    member = ReserveMember.objects.get(person=world.users["agent"])
    assert member.lapsed_at is not None and member.admitted_by_selection_id == old.pk


def test_leader_evaluation_is_anonymous_and_no_figure_is_not_zero(
    world: World, make_user: Callable[..., User]
) -> None:
    mates = [make_user("agent", username=f"m{n}", team=world.team) for n in range(3)]
    manager = ApiClient(token_for("manager"))
    sid = manager.post(f"{BASE}/selections", {"half_start": _half()}).json()["id"]
    url = f"{BASE}/selections/{sid}"
    leader_id, other_id = world.users["leader"].pk, world.other_leader.pk
    # A member rates their own leader only; the leader does not rate themselves.
    agent = ApiClient(token_for("agent"))
    assert agent.post(f"{url}/ratings", {"leader_id": other_id, "score": 50}).status_code == 403
    assert (
        ApiClient(token_for("leader"))
        .post(f"{url}/ratings", {"leader_id": leader_id, "score": 99})
        .status_code
        == 403
    )
    for person, score in zip(mates, (70, 80, 90), strict=True):
        rated = ApiClient(token_for(person.username)).post(
            f"{url}/ratings", {"leader_id": leader_id, "score": score}
        )
        assert rated.status_code == 200, rated.content
    manager.post(f"{url}/ratings", {"leader_id": leader_id, "score": 90})
    rows = {row["leader_id"]: row for row in manager.get(f"{url}/evaluation").json()}
    mine = rows[leader_id]
    assert mine["members_score"] == "80.0" and mine["manager_score"] == "90.0"
    assert mine["total"] == "85.0" and mine["rank"] == 1 and mine["ratings"] == 3
    assert "rater" not in str(mine)
    # 李强 has no score and no rating: no figure (None), never 0, and no rank.
    assert rows[other_id]["total"] is None and rows[other_id]["rank"] is None
    # A leader sees only their own row; an agent none.
    own = ApiClient(token_for("leader")).get(f"{url}/evaluation").json()
    assert [row["leader_id"] for row in own] == [leader_id]
    assert agent.get(f"{url}/evaluation").status_code == 403


def test_pages(world: World) -> None:
    manager = Client()
    assert manager.login(username="manager", password=PASSWORD)
    index = manager.get("/supervision/reserve/")
    assert index.status_code == 200 and "发起本期选拔" in index.content.decode()
    refused = manager.post(
        "/supervision/reserve/open/", {"half_start": "2020-01-01", "note": "留着"}
    )
    assert refused.status_code == 400 and "留着" in refused.content.decode()
    opened = manager.post("/supervision/reserve/open/", {"half_start": _half(), "note": ""})
    assert opened.status_code == 302
    selection = ReserveSelection.objects.get()
    agent = Client()
    assert agent.login(username="agent", password=PASSWORD)
    page = agent.get(f"/supervision/reserve/{selection.pk}/").content.decode()
    assert "报名参加选拔" in page and "测评我的值班长" in page
    assert (
        agent.post(f"/supervision/reserve/{selection.pk}/apply/", {"statement": ""}).status_code
        == 302
    )
    assert agent.get("/supervision/reserve/pool/").status_code == 403
    page = manager.get(f"/supervision/reserve/{selection.pk}/").content.decode()
    assert "王晓婷" in page and "现任值班长测评" in page and "无数据" in page
    candidate = selection.candidates.get()
    page = manager.get(f"/supervision/reserve/candidates/{candidate.pk}/").content.decode()
    assert "纳入后备人才库" in page and "实测指标" in page
    kept = manager.post(
        f"/supervision/reserve/candidates/{candidate.pk}/decide/",
        {"version": 1, "admit": "1", "reason": ""},
    )
    assert kept.status_code == 400
    assert manager.get("/supervision/reserve/pool/").status_code == 200
    assert dt.date.fromisoformat(_half()) == selection.half_start
