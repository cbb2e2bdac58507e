"""Improvement projects and the indicator library (issue 20 point 5; seed 004), through the
services and the API: a project on 一次解决率 (FCR) whose baseline is read over the
two-month period before when it starts and whose progress is read from the indicator over
its own period so far; the rules the services hold; the library's rows taken from
kefu.metrics (definitions not rewritten) with 004's uncomputed indicators marked; strict
schemas and retry-safe creates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.contacts.models import Channel, Contact, Direction
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.metrics.models import IndicatorTarget
from kefu.metrics.standards import BY_CODE, STANDARDS
from kefu.supervision import progress
from kefu.supervision.library import UNCOMPUTED
from kefu.supervision.models import Project, ProjectEvent, ProjectState
from kefu.supervision.queries import projects as queries
from kefu.supervision.services import projects as services
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def _contacts(world: World, day: dt.date, settled: int, unsettled: int) -> None:
    """Contacts on `day` (no call reason, so none is a repeat): FCR = settled ÷ all."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    for n in range(settled + unsettled):
        Contact.objects.create(
            centre=world.centre,
            channel=Channel.HOTLINE,
            direction=Direction.INBOUND,
            agent=world.users["agent"],
            started_at=at + dt.timedelta(minutes=n),
            settled=n < settled,
        )


@pytest.fixture
def now_period() -> progress.TwoMonths:
    return progress.TwoMonths.of(timezone.localdate())


@pytest.fixture
def fcr_history(world: World, now_period: progress.TwoMonths) -> None:
    """FCR 50 % over the period before (2 of 4), 60 % in this one so far (3 of 5, today)."""
    _contacts(world, now_period.previous().first, settled=2, unsettled=2)
    _contacts(world, timezone.localdate(), settled=3, unsettled=2)


def _project(world: World, period: progress.TwoMonths, **extra: Any) -> Project:
    values: dict[str, Any] = {
        "theme": "热线一次解决率专项提升",
        "indicator": "fcr",
        "year": period.year,
        "period": period.index,
        "target": 0.75,
    }
    values.update(extra)
    return services.project_create(actor=world.users["manager"], **values)


def test_a_project_reads_its_baseline_and_progress_from_the_indicator(
    world: World, fcr_history: None, now_period: progress.TwoMonths
) -> None:
    project = _project(world, now_period)
    assert project.state == ProjectState.PLANNED and project.baseline is None
    planned = queries.project_figures(project)
    assert planned.progress.state is progress.State.NO_FIGURE  # no baseline: not 0

    project = services.project_start(actor=world.users["leader"], project=project, version=1)
    assert project.state == ProjectState.RUNNING
    assert project.baseline == pytest.approx(0.5)  # the whole period before (004)
    figures = queries.project_figures(project)
    assert figures.current == pytest.approx(0.6)
    assert figures.better is progress.Better.HIGHER
    assert figures.progress.state is progress.State.ON_THE_WAY
    assert figures.progress.share == pytest.approx(0.4)  # (0.6 − 0.5) ÷ (0.75 − 0.5)
    assert figures.weeks[-1].value == pytest.approx(0.6)  # this week's
    assert all(week.value is None for week in figures.weeks[:-1])  # no data: no figure

    # The baseline is changed only with a reason, kept with the values before and after.
    with pytest.raises(Invalid) as refused:
        services.project_baseline_set(
            actor=world.users["manager"], project=project, version=2, baseline=0.55, reason=" "
        )
    assert refused.value.detail == {"field": "reason"}
    project = services.project_baseline_set(
        actor=world.users["manager"],
        project=project,
        version=2,
        baseline=0.55,
        reason="九月数据含测试话务，按十月口径重算",
    )
    event = ProjectEvent.objects.filter(project=project, kind="baseline").get()
    assert (event.before, event.after) == (pytest.approx(0.5), 0.55)
    assert queries.project_figures(project).progress.share == pytest.approx(0.25)
    with pytest.raises(Conflict):  # a stale version
        services.project_close(
            actor=world.users["manager"], project=project, version=2, conclusion="x"
        )
    with pytest.raises(Invalid):
        services.project_close(
            actor=world.users["manager"], project=project, version=3, conclusion=""
        )
    project = services.project_close(
        actor=world.users["manager"],
        project=project,
        version=3,
        conclusion="一次解决率由55%升至60%，知识库热点口径保留",
    )
    assert project.state == ProjectState.CLOSED and project.closed_at is not None


def test_actions_are_owned_and_marked_done_by_their_owner(
    world: World, now_period: progress.TwoMonths
) -> None:
    project = _project(world, now_period)
    today = timezone.localdate()
    agent, expert = world.users["agent"], world.users["expert"]
    with pytest.raises(Invalid) as refused:
        services.action_add(
            actor=world.users["manager"],
            project=project,
            title="整理热点问题口径",
            owner_id=agent.pk,
            deadline=today - dt.timedelta(days=1),
        )
    assert refused.value.code == "deadline_out_of_range"
    with pytest.raises(Invalid):  # a person of another centre
        services.action_add(
            actor=world.users["manager"],
            project=project,
            title="整理热点问题口径",
            owner_id=world.other.pk,
            deadline=today,
        )
    with pytest.raises(Forbidden):  # QA inspectors do not keep projects
        services.action_add(
            actor=world.users["qa"], project=project, title="x", owner_id=agent.pk, deadline=today
        )
    action = services.action_add(
        actor=world.users["leader"],
        project=project,
        title="整理热点问题口径",
        owner_id=agent.pk,
        deadline=today + dt.timedelta(days=7),
    )
    assert not queries.overdue(action)
    assert queries.overdue(action, today + dt.timedelta(days=8))
    with pytest.raises(Forbidden):
        services.action_done(actor=expert, action=action, version=1)
    action = services.action_done(actor=agent, action=action, version=1, note="已发布到知识库")
    assert action.done_at is not None and action.done_by == agent
    assert not queries.overdue(action, today + dt.timedelta(days=8))
    with pytest.raises(Conflict):
        services.action_done(actor=agent, action=action, version=2)


def test_what_a_project_cannot_be_set_on(world: World, now_period: progress.TwoMonths) -> None:
    manager = world.users["manager"]
    with pytest.raises(Invalid) as refused:
        _project(world, now_period, indicator="hotline_satisfaction")
    assert refused.value.code == "indicator_not_computed"  # 004 names it; kefu has no data
    with pytest.raises(Invalid) as refused:
        _project(world, now_period, indicator="offered")
    assert refused.value.code == "indicator_without_direction"  # a count of the work
    with pytest.raises(Invalid) as refused:
        _project(world, now_period.previous())
    assert refused.value.code == "period_over"
    with pytest.raises(Invalid) as refused:
        _project(world, now_period, target=float("inf"))
    assert refused.value.code == "not_a_number"
    with pytest.raises(Forbidden):
        services.project_create(
            actor=world.users["agent"],
            theme="x",
            indicator="fcr",
            year=now_period.year,
            period=now_period.index,
            target=0.8,
        )
    # A project is not started twice.
    project = _project(world, now_period)
    services.project_start(actor=manager, project=project, version=1)
    with pytest.raises(Conflict):
        services.project_start(actor=manager, project=project, version=2)


def test_the_library_is_read_from_the_metrics(
    world: World, fcr_history: None, now_period: progress.TwoMonths
) -> None:
    IndicatorTarget.objects.create(centre=world.centre, code="fcr", low=0.8, high=None)
    services.indicator_owner_set(
        actor=world.users["manager"], code="fcr", owner_id=world.users["leader"].pk
    )
    project = _project(world, now_period)
    with pytest.raises(Invalid):
        services.indicator_owner_set(
            actor=world.users["manager"], code="fcr", owner_id=world.other.pk
        )
    rows = queries.library_rows(world.centre)
    computed = [row for row in rows if row.computed]
    assert len(computed) == len(STANDARDS)  # every indicator kefu computes
    assert [row.code for row in rows if not row.computed] == [u.code for u in UNCOMPUTED]
    assert all(row.latest is None for row in rows if not row.computed)
    fcr = next(row for row in rows if row.code == "fcr")
    assert fcr.definition == str(BY_CODE["fcr"].definition)  # metrics' own words
    assert fcr.owner == world.users["leader"]
    assert fcr.target is not None and fcr.target.low == 0.8 and fcr.target_is_centres
    assert fcr.projects == [project]
    assert fcr.latest == pytest.approx(0.6)
    abandon = next(row for row in rows if row.code == "abandon_rate")
    assert abandon.better == "lower" and abandon.latest is None  # no telephony: no figure
    services.indicator_owner_set(actor=world.users["manager"], code="fcr", owner_id=None)
    assert queries.library_row(world.centre, "fcr").owner is None


# ------------------------------------------------------------------------------------ API


def test_a_project_through_the_api(
    world: World, fcr_history: None, now_period: progress.TwoMonths
) -> None:
    manager = ApiClient(token_for("manager"))
    body = {
        "theme": "热线一次解决率专项提升",
        "indicator": "fcr",
        "year": now_period.year,
        "period": now_period.index,
        "target": 0.75,
    }
    headers = {**manager.headers, "Idempotency-Key": "project-fcr-1"}
    first = manager.client.post(
        "/api/v1/supervision/projects", body, content_type="application/json", headers=headers
    )
    assert first.status_code == 201, first.content
    again = manager.client.post(
        "/api/v1/supervision/projects", body, content_type="application/json", headers=headers
    )
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Project.objects.count() == 1
    project = first.json()
    assert project["state"] == "planned" and project["progress_state"] == "no_figure"
    assert project["progress"] is None and project["first_day"] == now_period.first.isoformat()

    url = f"/api/v1/supervision/projects/{project['id']}"
    started = manager.post(f"{url}/start", {"version": 1}).json()
    assert started["baseline"] == pytest.approx(0.5)
    assert started["current"] == pytest.approx(0.6) and started["progress"] == pytest.approx(0.4)
    assert started["progress_state"] == "on_the_way" and started["better"] == "higher"
    assert started["weeks"][-1]["value"] == pytest.approx(0.6)
    assert manager.post(f"{url}/start", {"version": 1}).status_code == 409

    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    added = manager.post(
        f"{url}/actions",
        {"title": "热点问题口径入库", "owner_id": world.users["agent"].pk, "deadline": deadline},
    )
    assert added.status_code == 201, added.content
    action = added.json()
    assert action["done"] is False and action["overdue"] is False
    agent = ApiClient(token_for("agent"))
    # The owner sees the project of their action, and marks it done.
    assert agent.get(url).status_code == 200
    assert agent.get("/api/v1/supervision/indicators").status_code == 403
    done = agent.post(
        f"/api/v1/supervision/project-actions/{action['id']}/done", {"version": 1, "note": "已入库"}
    )
    assert done.status_code == 200 and done.json()["done"] is True
    rebased = manager.put(
        f"{url}/baseline", {"version": 3, "baseline": 0.55, "reason": "重算"}
    ).json()
    assert rebased["baseline"] == 0.55 and rebased["events"][-1]["kind"] == "baseline"
    closed = manager.post(f"{url}/close", {"version": 4, "conclusion": "目标未达，下期继续"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    listed = manager.get("/api/v1/supervision/projects").json()
    assert [p["id"] for p in listed] == [project["id"]]
    assert (
        manager.get(
            "/api/v1/supervision/projects", year=now_period.year, period=now_period.previous().index
        ).json()
        == []
        or now_period.index == 1
    )


def test_the_library_through_the_api(world: World, fcr_history: None) -> None:
    leader = ApiClient(token_for("leader"))
    rows = leader.get("/api/v1/supervision/indicators").json()
    assert len(rows) == len(STANDARDS) + len(UNCOMPUTED)
    hotline = next(row for row in rows if row["code"] == "hotline_satisfaction")
    assert hotline["computed"] is False and hotline["latest"] is None
    assert hotline["seed_term"] == "热线满意度"
    owner = leader.put(
        "/api/v1/supervision/indicators/fcr/owner", {"owner_id": world.users["qa"].pk}
    )
    assert owner.status_code == 200 and owner.json()["owner_id"] == world.users["qa"].pk
    assert leader.get("/api/v1/supervision/indicators/nope").status_code == 404
    qa = ApiClient(token_for("qa"))
    assert qa.put("/api/v1/supervision/indicators/fcr/owner", {"owner_id": None}).status_code == 403


def test_the_api_refuses_what_it_does_not_know(
    world: World, now_period: progress.TwoMonths
) -> None:
    manager = ApiClient(token_for("manager"))
    body = {
        "theme": "x",
        "indicator": "fcr",
        "year": now_period.year,
        "period": now_period.index,
        "target": 0.8,
    }
    for wrong in (
        {"colour": "red"},
        {"indicator": "happiness"},
        {"period": 7},
        {"year": 99999},
        {"target": "NaN"},
        {"theme": ""},
    ):
        response = manager.post("/api/v1/supervision/projects", {**body, **wrong})
        assert response.status_code == 422, (wrong, response.content)
    uncomputed = manager.post(
        "/api/v1/supervision/projects", {**body, "indicator": "hotline_satisfaction"}
    )
    assert uncomputed.status_code == 422
    assert manager.get("/api/v1/supervision/projects/999999").status_code == 404
    assert (
        manager.post("/api/v1/supervision/project-actions/9/done", {"version": 1}).status_code
        == 404
    )
