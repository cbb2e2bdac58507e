"""Who reaches the improvement projects and the indicator library (issue 20 point 5): every
role with VIEW_SUPERVISION reads them, managers and team leaders keep them, the owner of an
action sees its project and marks it done, another centre sees nothing (404); and the
pages render for each, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.supervision import progress
from kefu.supervision.services import projects as services
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
READ = {"leader", "leader2", "qa", "manager", "admin"}  # VIEW_SUPERVISION (admin: superuser)
KEEP = {"leader", "leader2", "manager", "admin"}
# Another centre's manager reads and keeps their own centre's library and projects.
OWN_CENTRE = {"other-manager"}
OWNER = "agent"  # owns an action of the project


def _world_project(world: World) -> tuple[int, int]:
    now = progress.TwoMonths.of(timezone.localdate())
    project = services.project_create(
        actor=world.users["manager"],
        theme="热线接通专项提升",
        indicator="service_level",
        year=now.year,
        period=now.index,
        target=0.85,
    )
    action = services.action_add(
        actor=world.users["manager"],
        project=project,
        title="午高峰增加两名值机员",
        owner_id=world.users[OWNER].pk,
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    return project.pk, action.pk


def test_each_role_against_the_projects_and_the_library(world: World) -> None:
    project_id, _action_id = _world_project(world)
    now = progress.TwoMonths.of(timezone.localdate())
    for username in ALL:
        api = ApiClient(token_for(username))
        library = api.get("/api/v1/supervision/indicators").status_code
        assert library == (200 if username in READ | OWN_CENTRE else 403), username
        seen = api.get(f"/api/v1/supervision/projects/{project_id}").status_code
        assert seen == (200 if username in READ | {OWNER} else 404), username
        created = api.post(
            "/api/v1/supervision/projects",
            {
                "theme": f"{username}的项目",
                "indicator": "abandon_rate",
                "year": now.year,
                "period": now.index,
                "target": 0.03,
            },
        ).status_code
        assert created == (201 if username in KEEP | OWN_CENTRE else 403), username
        pages = Client()
        assert pages.login(username=username, password=PASSWORD)
        page = pages.get("/supervision/indicators/").status_code
        assert page == (200 if username in READ | OWN_CENTRE else 403), username
        project_page = pages.get(f"/supervision/projects/{project_id}/").status_code
        assert project_page == (200 if username in READ | {OWNER} else 404), username


def test_the_owner_marks_the_action_done_and_others_cannot(world: World) -> None:
    project_id, action_id = _world_project(world)
    url = f"/api/v1/supervision/project-actions/{action_id}/done"
    assert ApiClient(token_for("expert")).post(url, {"version": 1}).status_code == 404
    assert ApiClient(token_for("qa")).post(url, {"version": 1}).status_code == 403
    owner = Client()
    assert owner.login(username=OWNER, password=PASSWORD)
    page = owner.get(f"/supervision/projects/{project_id}/").content.decode()
    assert "午高峰增加两名值机员" in page and "done-form" in page
    assert "action-form" not in page and "close-form" not in page  # the owner keeps nothing
    done = owner.post(f"/supervision/project-actions/{action_id}/done/", {"version": "1"})
    assert done.status_code == 302
    assert (
        ApiClient(token_for(OWNER))
        .get(f"/api/v1/supervision/projects/{project_id}")
        .json()["actions"][0]["done"]
    )


def test_the_pages_keep_what_was_typed_and_read_in_fixed_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    project_id, _action_id = _world_project(world)
    manager = Client()
    assert manager.login(username="manager", password=PASSWORD)
    refused = manager.post(
        "/supervision/projects/",
        {
            "theme": "营业厅满意度提升",
            "indicator": "fcr",
            "period": "1999-1",
            "target": "85",
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'value="营业厅满意度提升"' in text and 'value="85"' in text
    refused_action = manager.post(
        f"/supervision/projects/{project_id}/actions/",
        {"title": "复盘高峰排班", "owner": str(world.users["agent"].pk), "deadline": "2001-01-01"},
    )
    assert refused_action.status_code == 400
    assert 'value="复盘高峰排班"' in refused_action.content.decode()
    with django_assert_max_num_queries(40):
        assert manager.get("/supervision/projects/").status_code == 200
    for query in ("?year=9999&period=6", "?year=x&period=1", "?year=2026&period=0"):
        assert manager.get(f"/supervision/projects/{query}").status_code == 200
    with django_assert_max_num_queries(60):
        page = manager.get("/supervision/indicators/")
    assert page.status_code == 200
    assert "热线满意度" in page.content.decode() and "未计算" in page.content.decode()
    assert manager.get("/supervision/indicators/fcr/").status_code == 200
    assert manager.get("/supervision/indicators/hotline_satisfaction/").status_code == 200
    assert manager.get("/supervision/indicators/nope/").status_code == 404
    owner = manager.post(
        "/supervision/indicators/service_level/", {"owner": str(world.users["leader"].pk)}
    )
    assert owner.status_code == 302
    assert "陈建华" in manager.get("/supervision/indicators/").content.decode()
