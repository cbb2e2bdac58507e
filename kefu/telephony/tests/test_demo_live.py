"""The demo centre's live calls: after `make run` the worker plays its telephone platform a
minute at a time, so the wallboard is alive (issue 15, point 11)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from kefu.core.models import OrgUnit
from kefu.telephony import demo, queries
from kefu.telephony.models import Agent, Call, Queue, QueueDay

pytestmark = pytest.mark.django_db


def test_the_demo_feed_keeps_calls_and_agents_moving_minute_by_minute(centre: OrgUnit) -> None:
    for name, title in demo.QUEUES:
        Queue.objects.create(centre=centre, name=name, title=title)
    Agent.objects.bulk_create(Agent(centre=centre, name=f"Agent/{n}") for n in range(20))
    zone = ZoneInfo(settings.TIME_ZONE)
    # 10:00 yesterday: a morning already past at whatever hour the test runs.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ten = dt.datetime.combine(yesterday, dt.time(10), zone).timestamp()
    fed = [demo.live_feed(centre.pk, now=ten + minute * 60) for minute in range(30)]
    assert fed[0] >= 20 * len(demo.QUEUES)  # the day shift signed in to every queue
    day = QueueDay.objects.filter(queue__centre=centre)
    assert sum(day.values_list("offered", flat=True)) >= 5
    assert sum(day.values_list("answered", flat=True)) >= 3
    live = queries.live_state(centre, dt.datetime.fromtimestamp(ten + 29 * 60, tz=dt.UTC))
    assert live.by_state[queries.AgentState.LOGGED_OFF] == 0
    # Nobody is left waiting past the demo's patience, nobody talks for ever.
    assert all((queue.longest_wait or 0) <= demo.ABANDON_AFTER + 60 for queue in live.queues)
    assert Call.objects.filter(outcome__in=["completed_caller"]).exists()
    # A minute fed twice changes nothing.
    calls = list(Call.objects.order_by("pk").values_list("pk", "outcome", "ended_at"))
    demo.live_feed(centre.pk, now=ten + 29 * 60)
    assert list(Call.objects.order_by("pk").values_list("pk", "outcome", "ended_at")) == calls


def test_loading_the_demo_telephony_schedules_the_feed(centre: OrgUnit, users: dict) -> None:
    demo.load_telephony(centre, [users["agent"]], days=1)
    schedule = Schedule.objects.get(func=demo.LIVE_FEED)
    assert schedule.args == str(centre.pk) and schedule.minutes == 1
