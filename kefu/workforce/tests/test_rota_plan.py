"""The plan a rota is generated against (issue 17 point 3): forecast calls and handle time
from the roll-ups, Erlang C agents for 80 % in 20 s, scheduled after 30 % shrinkage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.telephony.models import Queue
from kefu.workforce.queries.rota import rota_plan
from kefu.workforce.tests.test_forecast_queries import MONDAY, at, roll_up

pytestmark = pytest.mark.django_db


def test_the_published_example_becomes_the_requirement(
    centre: OrgUnit, users: dict[str, User]
) -> None:
    """Four weeks of 100 calls between 09:00 and 09:30 with 180 s handle time each: the
    plan's 09:00 interval needs the issue's worked example's 20 scheduled agents (14 on
    the phones, 30 % shrinkage), and no one where no call comes."""
    queue = Queue.objects.create(centre=centre, name="hotline", title="热线")
    for offset in range(28):
        day = MONDAY + dt.timedelta(days=offset)
        for minute in (0, 15):
            roll_up(queue, at(day, 9, minute), 50, seconds=50 * 50)
    first = MONDAY + dt.timedelta(days=28)
    plans = rota_plan(centre=centre, first=first, last=first + dt.timedelta(days=2))
    assert [plan.name for plan in plans] == ["hotline"] and not plans[0].note
    for planned in plans[0].days:
        assert planned.calls[18] == pytest.approx(100, rel=0.02)
        assert planned.aht_seconds[18] == 180
        assert planned.required[18] == 20
        assert sum(planned.required) == 20
    assert plans[0].required_all[18] == 20 and len(plans[0].required_all) == 3 * 48

    client = Client()
    client.login(username="leader", password=PASSWORD)
    page = client.get(
        "/workforce/plan/",
        {"queue": "hotline", "first_day": str(first), "last_day": str(first)},
    ).content.decode()
    assert "热线" in page and "<td>100</td><td>180</td><td>20</td><td>10.0</td>" in page
    refused = client.get(
        "/workforce/plan/", {"first_day": str(first), "last_day": str(first - dt.timedelta(1))}
    ).content.decode()
    assert "结束日期早于开始日期" in refused
