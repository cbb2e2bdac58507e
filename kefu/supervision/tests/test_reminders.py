"""Reminders for missing work reports (issue 20 point 6; seed 002 第14篇: 周报 by Saturday
18:00; 如因公外出或因私请假,在返回公司当天下班前提交): the hourly sweep, at a fixed moment
(the clock passed in), tells each person missing the week's report once and tells their
leader who is missing; whoever submitted or is away is not told; the leader's remind
button on the team page and over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import Notification
from kefu.supervision import drafting, reminding
from kefu.supervision.models import ReportState, WorkReport
from kefu.supervision.services.judging import centre_calendar
from kefu.supervision.services.reminders import reports_missing_sweep
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def _submitted(world: World, username: str, first: dt.date) -> None:
    person = world.users[username]
    WorkReport.objects.create(
        centre=world.centre,
        team=person.team,
        author=person,
        kind="weekly",
        period_start=first,
        period_end=first + dt.timedelta(days=6),
        due_at=timezone.now(),
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
    )


def _week_reminder_moment(world: World) -> tuple[dt.date, dt.datetime]:
    """This week's Monday, and an hour after its weekly report's reminder time."""
    first = drafting.period_of("weekly", timezone.localdate())[0]
    cal = centre_calendar(world.centre.pk)
    moment = reminding.remind_at(cal, reminding.due_moment("weekly", first, cal))
    assert moment is not None
    return first, moment + dt.timedelta(hours=1)


def _weekly(username: str, world: World) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=world.users.get(username) or world.other_leader,
            key__startswith="report",
            key__contains=":weekly:",
        )
    )


def test_sweep_tells_the_missing_and_their_leader_once(world: World) -> None:
    first, now = _week_reminder_moment(world)
    _submitted(world, "qa", first)
    expert = world.users["expert"]
    expert.away_until = now + dt.timedelta(days=3)
    expert.save(update_fields=["away_until"])
    assert reports_missing_sweep(now=now) > 0
    (told,) = _weekly("agent", world)
    assert told.key == f"report_missing:weekly:{first}"
    assert _weekly("qa", world) == []  # submitted
    assert _weekly("expert", world) == []  # away: hands it in on return
    # The team leader hears who of their team is missing: the agent.
    (leader_note,) = [n for n in _weekly("leader", world) if n.key.startswith("reports_")]
    assert "王晓婷" in leader_note.body and "qa" not in leader_note.body
    # A manager hears of those in no team and of the leaders (陈建华 is a leader).
    (manager_note,) = [n for n in _weekly("manager", world) if n.key.startswith("reports_")]
    assert "陈建华" in manager_note.body and "王晓婷" not in manager_note.body
    # A second sweep within the period tells nobody again.
    assert reports_missing_sweep(now=now + dt.timedelta(hours=1)) == 0
    assert len(_weekly("agent", world)) == 1


def test_nothing_before_the_reminder_time(world: World) -> None:
    first, now = _week_reminder_moment(world)
    reports_missing_sweep(now=now - dt.timedelta(hours=2))
    assert not Notification.objects.filter(key=f"report_missing:weekly:{first}").exists()


def test_leader_reminds_one_or_all_on_the_team_page(world: World) -> None:
    first = drafting.period_of("weekly", timezone.localdate())[0]
    leader = Client()
    assert leader.login(username="leader", password=PASSWORD)
    page = leader.get("/supervision/reports/team/?kind=weekly").content.decode()
    assert "提醒" in page and 'name="person"' in page
    body = {"kind": "weekly", "day": first.isoformat(), "person": world.users["agent"].pk}
    assert leader.post("/supervision/reports/team/remind/", body).status_code == 302
    assert leader.post("/supervision/reports/team/remind/", body).status_code == 302
    reminded = Notification.objects.filter(
        recipient=world.users["agent"], key=f"report_remind:weekly:{first}:{timezone.localdate()}"
    )
    assert reminded.count() == 1
    # Not one of theirs: refused, nobody told.
    stranger = {**body, "person": world.users["qa"].pk}
    followed = leader.post("/supervision/reports/team/remind/", stranger, follow=True)
    assert "只能提醒" in followed.content.decode()
    assert not Notification.objects.filter(recipient=world.users["qa"]).exists()


def test_remind_api(world: World) -> None:
    leader, agent = ApiClient(token_for("leader")), ApiClient(token_for("agent"))
    day = timezone.localdate().isoformat()
    everyone = leader.post(
        "/api/v1/supervision/work-reports/reminders", {"kind": "weekly", "day": day}
    )
    assert everyone.status_code == 200, everyone.content
    assert everyone.json()["reminded_ids"] == [world.users["agent"].pk]
    again = leader.post(
        "/api/v1/supervision/work-reports/reminders", {"kind": "weekly", "day": day}
    )
    assert again.json()["reminded_ids"] == []
    assert (
        agent.post(
            "/api/v1/supervision/work-reports/reminders", {"kind": "weekly", "day": day}
        ).status_code
        == 403
    )
    bad = leader.post(
        "/api/v1/supervision/work-reports/reminders", {"kind": "yearly", "day": day, "x": 1}
    )
    assert bad.status_code == 422
