"""The intraday and attendance API (issue 17 points 5 and 6): read-only, strict, one
error shape, access-checked (a leader their centre; an agent their own attendance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.core.models import OrgUnit, User
from kefu.workforce.tests import attendance_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def day() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=2)


@pytest.fixture
def planned(centre: OrgUnit, make_user: Callable[..., User], day: dt.date) -> dict[str, Any]:
    """张静燕 09:20–17:30 against 09:00–18:00 with lunch 12:00–13:00 (lunch till 13:30);
    刘子涵 absent."""
    plan = data.rota(centre, day, day)
    late = make_user("agent", username="1004", full_name="张静燕")
    absent = make_user("agent", username="1005", full_name="刘子涵")
    members = {}
    for user in (late, absent):
        members[user.username] = data.member(centre, user)
        data.shift(plan, members[user.username], day, (9, 0), (18, 0), [((12, 0), (13, 0))])
    worker = data.agent(centre, late)
    data.stretch(worker, "login", data.at(day, 9, 20), data.at(day, 17, 30))
    data.stretch(worker, "pause", data.at(day, 12), data.at(day, 13, 30))
    return members


def test_a_leader_reads_the_centres_attendance(
    api_as: Callable[[str], ApiClient], planned: dict[str, Any], day: dt.date
) -> None:
    """002 第7篇: 出勤率 1 of 2; 实际工作率 400 of 960 minutes."""
    response = api_as("leader").get("/api/v1/workforce/attendance", date=f"{day:%Y-%m-%d}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scheduled"] == 2 and body["present"] == 1 and body["attendance"] == 0.5
    assert body["adherence"] == pytest.approx(400 / 960)
    assert body["late"] == 1 and body["early"] == 1 and body["grace_minutes"] == 5
    worker = next(agent for agent in body["agents"] if agent["name"] == "张静燕")
    (shift,) = worker["detail"]
    assert shift["late_minutes"] == 20 and shift["early_minutes"] == 30
    assert shift["adherence"] == pytest.approx(400 / 480)
    week = api_as("leader").get("/api/v1/workforce/attendance", date=f"{day:%Y-%m-%d}", span="week")
    assert week.json()["scheduled"] == 2
    assert dt.date.fromisoformat(week.json()["first"]).weekday() == 0


def test_an_agent_reads_only_their_own(
    api_as: Callable[[str], ApiClient], planned: dict[str, Any], day: dt.date
) -> None:
    own = ApiClient(token_for("1004"))
    body = own.get("/api/v1/workforce/attendance", date=f"{day:%Y-%m-%d}").json()
    assert [agent["name"] for agent in body["agents"]] == ["张静燕"]
    other = own.get(
        "/api/v1/workforce/attendance", date=f"{day:%Y-%m-%d}", member=planned["1005"].pk
    )
    assert other.status_code == 403 and set(other.json()) == {"code", "message", "detail"}
    assert own.get("/api/v1/workforce/intraday").status_code == 403
    # Not in the rota at all: nothing to read.
    assert api_as("agent").get("/api/v1/workforce/attendance", date="2026-01-01").status_code == 403


def test_the_intraday_read_and_bad_input(
    api_as: Callable[[str], ApiClient], centre: OrgUnit, other_centre: OrgUnit
) -> None:
    leader = api_as("leader")
    body = leader.get("/api/v1/workforce/intraday").json()
    assert body["rota"] is None and len(body["intervals"]) == 48
    assert body["intervals"][0]["start"] == "00:00"
    missing = leader.get("/api/v1/workforce/intraday", queue="nope")
    assert missing.status_code == 404 and missing.json()["code"] == "queue_not_found"
    bad: list[dict[str, str]] = [
        {"date": "2026-13-01"},
        {"date": "2026-01-01", "span": "year"},
        {"date": "2026-01-01", "extra": "1"},
        {"date": "2026-01-01", "member": "0"},
    ]
    for query in bad:
        response = leader.get("/api/v1/workforce/attendance", **query)
        assert response.status_code == 422, query
        assert set(response.json()) == {"code", "message", "detail"}
    foreign = leader.get("/api/v1/workforce/attendance", date="2026-01-01", member=999999)
    assert foreign.status_code == 404
