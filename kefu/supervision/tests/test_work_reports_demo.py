"""The demo's work reports and meetings (issue 20 point 6): two months of weekly reports of
the leader and the team's agents, monthly and daily ones, some late, one returned with the
leader's comment; eight weekly meetings with action items, some open and one overdue; the
agent's report of this week still to write; loaded once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from kefu.core.models import User
from kefu.supervision import drafting
from kefu.supervision.demo.work_reports import WEEKS, load_work_reports
from kefu.supervision.models import ActionItem, Meeting, ReportAction, ReportState, WorkReport
from kefu.supervision.queries import work_reports as queries
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_reports_and_meetings(world: World, make_user: Callable[..., User]) -> None:
    make_user("agent", username="mate", team=world.team, full_name="赵敏")
    written = load_work_reports(world.centre)
    assert written == WorkReport.objects.count() > 3 * WEEKS
    leader, agent = world.users["leader"], world.users["agent"]
    weekly = WorkReport.objects.filter(kind="weekly")
    assert weekly.filter(author=leader).count() == WEEKS
    assert weekly.filter(late=True).exists() and weekly.filter(late=False).exists()
    returned = WorkReport.objects.get(state=ReportState.RETURNED)
    assert returned.entries.filter(action=ReportAction.RETURNED, actor=leader).exists()
    assert WorkReport.objects.filter(kind="daily").exists()
    assert WorkReport.objects.filter(kind="monthly", author=leader).count() == 2
    this_week = drafting.period_of("weekly", timezone.localdate())[0]
    assert not WorkReport.objects.filter(author=agent, period_start=this_week).exists()
    # The leader reads the agents' reports, the manager the leader's.
    assert queries.reports_of(leader).exclude(author=leader).exists()
    assert queries.reports_of(world.users["manager"]).filter(author=leader).exists()

    assert Meeting.objects.count() == 8
    latest = Meeting.objects.order_by("-held_on").first()
    assert latest is not None and queries.carried_over(latest)
    assert ActionItem.objects.filter(done_at=None).exists()
    assert ActionItem.objects.exclude(done_at=None).count() > 5
    assert load_work_reports(world.centre) == 0
