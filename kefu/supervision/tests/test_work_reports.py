"""Work reports' services and access (issue 20 point 6; seed 002 第14篇): a report opened
twice is one report, drafted from the author's own figures; submitting it (late after its
due time), the leader's comment and return (全体员工 6); who reads whose report — an agent
never another agent's, a team leader their team's, a manager the leaders'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.contacts.models import Channel, Contact, Direction
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.quality.models import Evaluation
from kefu.supervision import drafting
from kefu.supervision.models import ReportAction, ReportState, WorkReport
from kefu.supervision.queries import work_reports as queries
from kefu.supervision.services import work_reports as services
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def _last_week() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=7)


def test_opening_twice_gives_the_same_report_drafted_from_own_figures(
    world: World, records: dict[str, list[object]]
) -> None:
    agent = world.users["agent"]
    first, created = services.report_open(actor=agent, kind="weekly", day=_last_week())
    again, created_again = services.report_open(actor=agent, kind="weekly", day=_last_week())
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and WorkReport.objects.count() == 1
    start, end = drafting.period_of("weekly", _last_week())
    assert (first.period_start, first.period_end) == (start, end)
    assert first.due_at == timezone.make_aware(
        dt.datetime.combine(start, dt.time(18)) + dt.timedelta(days=5)
    )
    assert first.team_id == world.team.pk and first.state == ReportState.DRAFT
    # The fixture's orders and callbacks were the agent's: the draft counts only that week.
    figures = queries.figures_of(agent, start, end)
    assert first.figures == figures.as_dict()
    assert first.summary.startswith("本期数据：\n- 受理接触数：")
    # Another person's figures are their own: the leader took none of those contacts.
    assert queries.figures_of(world.users["leader"], start, end).contacts == 0


def test_figures_count_contacts_and_scores_of_the_period_only(world: World) -> None:
    agent = world.users["agent"]
    day = timezone.localdate() - dt.timedelta(days=1)
    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    for when in (noon, noon - dt.timedelta(days=2)):
        Contact.objects.create(
            centre=world.centre,
            channel=Channel.HOTLINE,
            direction=Direction.INBOUND,
            agent=agent,
            started_at=when,
        )
    figures = queries.figures_of(agent, day, day)
    assert figures.contacts == 1
    assert figures.qa_count == 0 and figures.qa_average is None  # no score: none, not 0
    assert figures.calls_answered is None  # not on the platform
    assert figures.rounds is None  # agents make no rounds
    assert queries.figures_of(world.users["leader"], day, day).rounds == 0
    assert Evaluation.objects.count() == 0


def test_a_report_is_for_a_period_that_has_begun(world: World) -> None:
    agent = world.users["agent"]
    with pytest.raises(Invalid):
        services.report_open(
            actor=agent, kind="daily", day=timezone.localdate() + dt.timedelta(days=1)
        )
    with pytest.raises(Invalid):
        services.report_open(
            actor=agent, kind="daily", day=timezone.localdate() - dt.timedelta(days=200)
        )
    with pytest.raises(Invalid):
        services.report_open(actor=agent, kind="yearly")


def test_the_previous_plan_is_what_the_summary_is_written_against(world: World) -> None:
    agent = world.users["agent"]
    before, _ = services.report_open(actor=agent, kind="weekly", day=_last_week())
    services.report_edit(
        actor=agent,
        report=before,
        version=before.version,
        summary="做了",
        problems="",
        plans="- 学习新口径\n- 回访 10 户",
    )
    report, _ = services.report_open(actor=agent, kind="weekly")
    assert report.planned_tasks == 2
    assert "学习新口径" in report.summary
    with pytest.raises(Invalid):
        services.report_edit(
            actor=agent,
            report=report,
            version=report.version,
            summary="x",
            problems="",
            plans="",
            tasks_done=3,
        )
    report = services.report_edit(
        actor=agent,
        report=report,
        version=report.version,
        summary="x",
        problems="",
        plans="",
        tasks_done=2,
    )
    assert drafting.completion(report.planned_tasks, report.tasks_done).passed  # type: ignore[union-attr]


def test_submit_comment_return_and_submit_again(world: World) -> None:
    agent, leader = world.users["agent"], world.users["leader"]
    report, _ = services.report_open(actor=agent, kind="weekly", day=_last_week())
    # Someone else never writes it; a stale version is refused.
    with pytest.raises(Forbidden):
        services.report_edit(
            actor=world.users["expert"],
            report=report,
            version=report.version,
            summary="x",
            problems="",
            plans="",
        )
    with pytest.raises(Conflict):
        services.report_submit(actor=agent, report=report, version=report.version + 1)
    # The leader reads no draft, so cannot comment on one.
    with pytest.raises(Forbidden):
        services.report_comment(actor=leader, report=report, note="?")
    report = services.report_submit(actor=agent, report=report, version=report.version)
    assert report.state == ReportState.SUBMITTED
    assert report.late  # last week's, handed in now: past Saturday 18:00
    with pytest.raises(Conflict):
        services.report_edit(
            actor=agent, report=report, version=report.version, summary="y", problems="", plans=""
        )
    services.report_comment(actor=leader, report=report, note="数据很清楚")
    with pytest.raises(Invalid):
        services.report_return(actor=leader, report=report, version=report.version, note="  ")
    report = services.report_return(
        actor=leader, report=report, version=report.version, note="下周计划要具体"
    )
    assert report.state == ReportState.RETURNED and report.times_returned == 1
    with pytest.raises(Conflict):
        services.report_return(actor=leader, report=report, version=report.version, note="again")
    report = services.report_edit(
        actor=agent,
        report=report,
        version=report.version,
        summary="改好了",
        problems="",
        plans="- 回访",
    )
    report = services.report_submit(actor=agent, report=report, version=report.version)
    assert report.state == ReportState.SUBMITTED
    assert [(e.action, e.actor_id) for e in report.entries.all()] == [
        (ReportAction.SUBMITTED, agent.pk),
        (ReportAction.COMMENTED, leader.pk),
        (ReportAction.RETURNED, leader.pk),
        (ReportAction.SUBMITTED, agent.pk),
    ]


def test_this_weeks_report_is_on_time(world: World) -> None:
    agent = world.users["agent"]
    report, _ = services.report_open(actor=agent, kind="monthly")
    report = services.report_submit(actor=agent, report=report, version=report.version)
    assert not report.late


def test_an_empty_summary_is_not_submitted(world: World) -> None:
    agent = world.users["agent"]
    report, _ = services.report_open(actor=agent, kind="daily")
    report = services.report_edit(
        actor=agent, report=report, version=report.version, summary=" ", problems="", plans=""
    )
    with pytest.raises(Invalid):
        services.report_submit(actor=agent, report=report, version=report.version)


def _submitted(person: User) -> WorkReport:
    report, _ = services.report_open(actor=person, kind="weekly")
    return services.report_submit(actor=person, report=report, version=report.version)


def test_who_reads_whose_report(world: World, make_user: Callable[..., User]) -> None:
    users = world.users
    mate = make_user("agent", username="mate", team=world.team)
    agent_report = _submitted(users["agent"])
    mate_report = _submitted(mate)
    leader_report = _submitted(users["leader"])
    # An agent never reads another agent's report, even in the same team.
    with pytest.raises(NotFound):
        queries.report_get_for_user(users["agent"], mate_report.pk)
    assert set(queries.reports_of(users["agent"])) == {agent_report}
    # The team leader reads the team's; another leader of the centre does not.
    assert set(queries.reports_of(users["leader"])) == {agent_report, mate_report, leader_report}
    assert set(queries.reports_of(world.other_leader)) == set()
    # The manager reads every submitted report of the centre (the leaders report to them);
    # a manager of another centre none.
    assert set(queries.reports_of(users["manager"])) == {agent_report, mate_report, leader_report}
    assert set(queries.reports_of(world.other)) == set()
    # Only the leader's manager returns the leader's report.
    with pytest.raises(Forbidden):
        services.report_return(
            actor=users["leader"], report=leader_report, version=leader_report.version, note="x"
        )
    services.report_return(
        actor=users["manager"], report=leader_report, version=leader_report.version, note="x"
    )
    # A QA inspector writes their own but reviews none.
    with pytest.raises(Forbidden):
        services.report_comment(actor=users["qa"], report=agent_report, note="x")
    assert queries.may_write(users["handler"]) and not queries.may_review(users["agent"])


def test_who_has_not_submitted(world: World, make_user: Callable[..., User]) -> None:
    leader, manager = world.users["leader"], world.users["manager"]
    mate = make_user("agent", username="mate", team=world.team, full_name="赵敏")
    _submitted(world.users["agent"])
    services.report_open(actor=mate, kind="weekly")  # a draft is not submitted
    first = drafting.period_of("weekly", timezone.localdate())[0]
    rows = {row.person.pk: row.report for row in queries.team_status(leader, "weekly", first)}
    assert set(rows) == {world.users["agent"].pk, mate.pk}
    assert rows[world.users["agent"].pk].state == ReportState.SUBMITTED  # type: ignore[union-attr]
    assert rows[mate.pk].state == ReportState.DRAFT  # type: ignore[union-attr]
    # The manager awaits the team leaders' reports, or a named team's members.
    leaders = [row.person for row in queries.team_status(manager, "weekly", first)]
    assert set(leaders) == {leader, world.other_leader}
    team = [row.person for row in queries.team_status(manager, "weekly", first, world.team.pk)]
    assert set(team) == {world.users["agent"], mate}
    assert queries.team_status(world.users["agent"], "weekly", first) == []
    assert Decimal("0.8") == drafting.PASS_RATIO
