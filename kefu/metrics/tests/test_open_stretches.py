"""A day in progress counts the agents' stretches still open: the platform writes a
logoff only when it comes, so before, today's logged-in time was nought and 占线率 and
每小时呼叫次数 read 不可用 until the shifts ended (found on the leader's dashboard)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.metrics import queries
from kefu.metrics.indicators import Totals, compute
from kefu.telephony import services as telephony

pytestmark = pytest.mark.django_db


def test_todays_figures_count_the_agents_still_logged_in(centre: OrgUnit, tmp_path: Path) -> None:
    now = timezone.now()
    login = int((now - dt.timedelta(hours=2)).timestamp())
    old = int((now - dt.timedelta(days=3)).timestamp())
    log = "\n".join(
        [
            # Agent 1001 logged in two hours ago, took a 600 s call and is on a pause now.
            f"{login}|NONE|power|Agent/1001|ADDMEMBER|",
            f"{login + 60}|c1|power|NONE|ENTERQUEUE||13800138000|1",
            f"{login + 70}|c1|power|Agent/1001|CONNECT|10|b1|3",
            f"{login + 670}|c1|power|Agent/1001|COMPLETECALLER|10|600|1",
            f"{login + 3600}|NONE|power|Agent/1001|PAUSE|lunch",
            # Agent 1002 logged in three days ago and never logged off: a logoff never
            # logged, counted nowhere.
            f"{old}|NONE|power|Agent/1002|ADDMEMBER|",
            "",
        ]
    )
    path = tmp_path / "queue_log"
    path.write_text(log)
    telephony.telephony_import(centre=centre, path=path)
    today = timezone.localdate()
    period = queries.Period.days(today, today)
    if timezone.localtime(now - dt.timedelta(hours=2)).date() != today:
        period = queries.Period(now - dt.timedelta(hours=3), now + dt.timedelta(hours=1))

    totals = queries.agent_totals(centre, period)
    assert abs(totals["login_sum"] - 7200) <= 5
    assert abs(totals["pause_sum"] - 3600) <= 5
    assert totals["talk_sum"] == 600
    figures = compute(Totals(queue={}, agent=totals))
    # 600 s talking of the 7200 − 3600 s ready: 1/6.
    assert figures["occupancy"] == pytest.approx(600 / 3600, abs=0.01)
    assert figures["calls_per_agent_hour"] == pytest.approx(0.5, abs=0.01)
    rows = {
        labels["agent__name"]: counts
        for labels, counts in queries.breakdown(centre, period, "agent")
    }
    assert set(rows) == {"Agent/1001"}
    assert abs(rows["Agent/1001"]["login_sum"] - 7200) <= 5
    # A period before the login counts none of it.
    earlier = queries.Period(now - dt.timedelta(days=2), now - dt.timedelta(hours=3))
    assert queries.agent_totals(centre, earlier).get("login_sum", 0) == 0
