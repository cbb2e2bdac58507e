"""The work-report and meeting pages (issue 20 point 6): who opens which page, a refused
submit keeps what was typed, the team page names who has not submitted, a meeting's page
with its action items, and fixed query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.supervision.models import ReportState, WorkReport
from kefu.supervision.services import meetings as meeting_services
from kefu.supervision.services import work_reports as services
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(world: World) -> Callable[[str], Client]:
    def client(username: str) -> Client:
        c = Client()
        assert c.login(username=username, password=PASSWORD)
        return c

    return client


def test_who_opens_which_page(world: World, as_user: Callable[[str], Client]) -> None:
    expected = {
        "agent": (200, 403, 200),
        "handler": (200, 403, 200),
        "qa": (200, 403, 200),
        "leader": (200, 200, 200),
        "manager": (200, 200, 200),
    }
    for username, codes in expected.items():
        client = as_user(username)
        got = tuple(
            client.get(url).status_code
            for url in (
                "/supervision/reports/",
                "/supervision/reports/team/",
                "/supervision/meetings/",
            )
        )
        assert got == codes, username


def test_an_agent_opens_edits_and_a_refused_submit_keeps_the_text(
    world: World, as_user: Callable[[str], Client]
) -> None:
    client = as_user("agent")
    opened = client.post("/supervision/reports/open/", {"kind": "weekly"})
    report = WorkReport.objects.get()
    url = f"/supervision/reports/{report.pk}/"
    assert opened.status_code == 302 and opened["Location"] == url
    assert client.post("/supervision/reports/open/", {"kind": "weekly"})["Location"] == url
    page = client.get(url).content.decode()
    assert "本周工作总结" in page and "下周工作计划" in page
    refused = client.post(
        f"/supervision/reports/{report.pk}/save/",
        {"version": report.version, "summary": "  ", "plans": "- 学习新口径", "submit": "1"},
    )
    assert refused.status_code == 400
    assert "学习新口径" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    # Another agent's report is not found.
    assert as_user("expert").get(url).status_code == 404


def test_the_team_page_names_who_has_not_submitted(
    world: World, as_user: Callable[[str], Client], make_user: Callable[..., User]
) -> None:
    make_user("agent", username="mate", team=world.team, full_name="赵敏")
    report, _ = services.report_open(actor=world.users["agent"], kind="weekly")
    services.report_submit(actor=world.users["agent"], report=report, version=report.version)
    page = as_user("leader").get("/supervision/reports/team/", {"kind": "weekly"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "王晓婷" in text and "赵敏" in text and "未提交" in text
    assert f"/supervision/reports/{report.pk}/" in text
    manager = as_user("manager").get("/supervision/reports/team/", {"team": world.team.pk})
    assert "赵敏" in manager.content.decode()


def test_pages_read_a_fixed_number_of_queries(
    world: World,
    as_user: Callable[[str], Client],
    make_user: Callable[..., User],
    django_assert_max_num_queries: Any,
) -> None:
    today = timezone.localdate()
    meeting = meeting_services.meeting_create(
        actor=world.users["leader"], held_on=today, title="周例会", team_id=world.team.pk
    )
    for n in range(8):
        person = make_user("agent", username=f"a{n}", team=world.team)
        report, _ = services.report_open(actor=person, kind="weekly")
        services.report_submit(actor=person, report=report, version=report.version)
        meeting_services.action_add(
            actor=world.users["leader"],
            meeting=meeting,
            description=f"事项 {n}",
            owner_id=person.pk,
            due_on=today + dt.timedelta(days=n),
        )
    client = as_user("leader")
    for url in (
        "/supervision/reports/team/",
        "/supervision/meetings/",
        f"/supervision/meetings/{meeting.pk}/",
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
