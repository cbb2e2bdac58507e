"""Each role against each supervision object, through the API and the pages: a team
leader sees their own and their team's rounds, inspectors and managers the centre's, the
owner of a rectification their task; another centre sees nothing (404, not 403, so ids
are not probed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.supervision.models import ChecklistKind
from kefu.supervision.services.rounds import RectificationIn, finding_add, round_start
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db

ALL = [
    "agent",
    "expert",
    "backoffice",
    "handler",
    "leader",
    "leader2",
    "qa",
    "editor",
    "manager",
    "admin",
    "other-manager",
]
SEE_ROUND = {"leader", "qa", "manager", "admin"}
SEE_RECT = SEE_ROUND | {"agent"}  # the agent owns it
SEE_CENTRE = {"leader", "leader2", "qa", "manager", "admin"}  # view the centre's rounds
OTHER = {"other-manager"}
KEEP_CHECKLISTS = {"qa", "manager", "admin"}  # the administrator is a superuser


def test_each_role_against_each_object(world: World) -> None:
    leader = world.users["leader"]
    round_ = round_start(
        actor=leader,
        kind="patrol",
        checklist_id=world.checklist(ChecklistKind.ROUND).pk,
        team_id=world.team.pk,
    )
    finding = finding_add(
        actor=leader,
        round_=round_,
        version=1,
        description="地面有纸屑",
        correction="当场捡起并提醒保洁",
        rectification=RectificationIn(
            "每日下班前检查地面", world.users["agent"].pk, timezone.localdate() + timedelta(days=2)
        ),
    )
    rect = finding.rectification
    checklist = world.checklist()
    for username in ALL:
        api = ApiClient(token_for(username))
        page = Client()
        assert page.login(username=username, password=PASSWORD)
        expect = {
            f"/api/v1/supervision/rounds/{round_.pk}": 200 if username in SEE_ROUND else 404,
            f"/supervision/rounds/{round_.pk}/": 200 if username in SEE_ROUND else 404,
            f"/api/v1/supervision/rectifications/{rect.pk}": 200 if username in SEE_RECT else 404,
            f"/supervision/rectifications/{rect.pk}/": 200 if username in SEE_RECT else 404,
            f"/api/v1/supervision/checklists/{checklist.pk}": (
                200 if username in SEE_CENTRE else 404
            ),
            f"/supervision/checklists/{checklist.pk}/": (
                200 if username in KEEP_CHECKLISTS else 404 if username == "other-manager" else 403
            ),
            # The other centre's manager sees the lists of their own centre.
            "/api/v1/supervision/compliance": 200 if username in SEE_CENTRE | OTHER else 403,
            "/supervision/compliance/": 200 if username in SEE_CENTRE | OTHER else 403,
            "/supervision/rounds/": 200 if username in SEE_CENTRE | OTHER else 403,
            "/supervision/checklists/": 200 if username in KEEP_CHECKLISTS | OTHER else 403,
        }
        for path, status in expect.items():
            client = api if path.startswith("/api/") else page
            got = client.get(path).status_code
            assert got == status, (username, path, got)
        listed = api.get("/api/v1/supervision/rounds").json()["items"]
        assert [r["id"] for r in listed] == ([round_.pk] if username in SEE_ROUND else [])
        rects = api.get("/api/v1/supervision/rectifications").json()["items"]
        assert [r["id"] for r in rects] == ([rect.pk] if username in SEE_RECT else [])
    other_rows = ApiClient(token_for("other-manager")).get("/api/v1/supervision/compliance")
    assert [row["name"] for row in other_rows.json()["rows"]] == ["other-manager"]
    # Other centre: its manager cannot start a round on this centre's checklist.
    other = ApiClient(token_for("other-manager"))
    refused = other.post(
        "/api/v1/supervision/rounds", {"kind": "patrol", "checklist_id": checklist.pk}
    )
    assert refused.status_code == 422
    assert (
        other.post(
            f"/api/v1/supervision/rectifications/{rect.pk}/recheck", {"version": 1, "passed": True}
        ).status_code
        == 404
    )
