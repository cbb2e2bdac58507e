"""One computation for every scope, and the window a report counts.

Every figure at every scope (centre, queue, team, agent), and every row of a report's
breakdowns, is `indicators.compute` over the roll-ups of that scope: the same agent's figure
reads the same in the centre's report and in the agent's own, and a centre's figures are its
agents' and queues' together.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kefu.conftest import ApiClient, migrated_back_to
from kefu.core.models import OrgUnit, User
from kefu.metrics import reports
from kefu.metrics.models import CentreRules
from kefu.telephony import services as telephony

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _lines(report: reports.Report) -> dict[str, float | None]:
    return {line.code: line.value for line in report.lines}


@pytest.mark.django_db
def test_every_scope_agrees_with_the_centres_breakdowns(
    call_history: dict[str, OrgUnit], centre: OrgUnit, calls_day: dt.date
) -> None:
    """Issue 15 point 9: the agent report showed 平均交谈时间 不可用 while the centre report
    showed 200 s for the same agent and day. Now each row of the centre's report equals the
    figure of that agent's, team's or queue's own report, and the centre is their sum."""
    whole = reports.build(centre, "daily", calls_day)
    assert whole.agents and whole.teams and whole.queues
    for row in whole.agents:
        name = {"王晓婷": "Agent/1001", "朱淑琪": "Agent/1002", "陈梦梅": "Agent/1003"}.get(
            row["name"], "Agent/1004"
        )
        own = _lines(reports.build(centre, "daily", calls_day, scope="agent", name=name))
        for code in reports.AGENT_COLUMNS:
            if code != "login_hours":
                assert own[code] == pytest.approx(row[code]), (row["name"], code)
        assert own["avg_talk_seconds"] is not None  # counted for one agent, not 不可用
    for code, team in call_history.items():
        own = _lines(reports.build(centre, "daily", calls_day, scope="team", name=code))
        [row] = [row for row in whole.teams if row["name"] == team.name]
        for column in reports.AGENT_COLUMNS:
            if column != "login_hours":
                assert own[column] == pytest.approx(row[column]), (team.name, column)
    for row in whole.queues:
        queue = {"电费电价": "power-billing", "故障报修": "power-fault"}[row["name"]]
        own = _lines(reports.build(centre, "daily", calls_day, scope="queue", name=queue))
        for code in reports.QUEUE_COLUMNS:
            assert own[code] == pytest.approx(row[code]), (queue, code)
    centre_values = _lines(whole)
    assert centre_values["offered"] == sum(row["offered"] for row in whole.queues)
    assert centre_values["answered"] == sum(row["answered"] for row in whole.queues)
    assert sum(row["answered"] for row in whole.teams) == sum(
        row["answered"] for row in whole.agents
    )
    # Talk per call at the centre is its agents' together: weighted by their calls.
    talk = sum(row["avg_talk_seconds"] * row["answered"] for row in whole.agents)
    completed_share = sum(row["answered"] for row in whole.agents)
    assert centre_values["avg_talk_seconds"] == pytest.approx(talk / completed_share, rel=0.05)


# Four calls between 08:00 and 08:15 on 2026-11-20.
T0 = int(dt.datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI).timestamp())
LOG = "\n".join(
    [
        f"{T0 + 10}|c1|power|NONE|ENTERQUEUE||13800138000|1",
        f"{T0 + 22}|c1|power|Agent/1001|CONNECT|12|b1|3",
        f"{T0 + 142}|c1|power|Agent/1001|COMPLETECALLER|12|120|1",
        f"{T0 + 30}|c2|power|NONE|ENTERQUEUE||13900139000|2",
        f"{T0 + 33}|c2|power|NONE|ABANDON|2|2|3",
        f"{T0 + 600}|c3|power|NONE|ENTERQUEUE||13700137000|1",
        f"{T0 + 655}|c3|power|NONE|ABANDON|1|1|55",
        f"{T0 + 620}|c4|power|NONE|ENTERQUEUE||13600136000|1",
        f"{T0 + 650}|c4|power|Agent/1002|CONNECT|30|b4|2",
        f"{T0 + 950}|c4|power|Agent/1002|COMPLETEAGENT|30|300|1",
        "",
    ]
)


@pytest.fixture
def calls(centre: OrgUnit, tmp_path: Path) -> OrgUnit:
    path = tmp_path / "queue_log"
    path.write_text(LOG)
    telephony.telephony_import(centre=centre, path=path)
    return centre


def _summary(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("report", "summary", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.mark.django_db
def test_a_window_off_the_grid_is_widened_and_printed_as_counted(calls: OrgUnit) -> None:
    """Issue 15 point 8: `--from 08:05:30 --to 08:09` counted nothing (no interval starts
    inside it) while printing the window asked for. The roll-ups hold whole 15-minute
    intervals, so the window is widened to the ones it touches, and printed as counted."""
    result = _summary("--from", "2026-11-20T08:05:30+08:00", "--to", "2026-11-20T08:09:00+08:00")
    assert (result["from"], result["to"]) == (
        "2026-11-20T08:00:00+08:00",
        "2026-11-20T08:15:00+08:00",
    )
    assert result["requested"] == {
        "from": "2026-11-20T08:05:30+08:00",
        "to": "2026-11-20T08:09:00+08:00",
    }
    assert result["indicators"]["offered"] == 4  # all four calls of 08:00–08:15
    assert result["rules"]["short_abandon_seconds"] == 20
    # A window on the grid is counted as asked.
    exact = _summary("--from", "2026-11-20T08:00:00+08:00", "--to", "2026-11-20T08:15:00+08:00")
    assert exact["from"] == exact["requested"]["from"] and exact["indicators"]["offered"] == 4


@pytest.mark.django_db
def test_the_api_prints_the_window_counted(calls: OrgUnit, api_as: Any) -> None:
    manager: ApiClient = api_as("manager")
    response = manager.get(
        "/api/v1/metrics/summary",
        **{"from": "2026-11-20T08:05:30+08:00", "to": "2026-11-20T08:09:00+08:00"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from"].startswith("2026-11-20T08:00:00") and body["to"].startswith(
        "2026-11-20T08:15:00"
    )
    assert body["requested"]["from"].startswith("2026-11-20T08:05:30")
    assert body["indicators"]["offered"] == 4


@pytest.mark.django_db(transaction=True)
def test_centres_at_the_old_short_abandon_default_move_to_20_seconds_002_7(
    users: dict[str, User], centre: OrgUnit
) -> None:
    """002 第7篇: "“短时放弃”按通常标准是20秒或者更少". The migration moves centres still at
    the old default (5 s) to 20 s; a centre that chose another value keeps it."""
    other = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="other", name="另一中心")
    with migrated_back_to([("metrics", "0001_initial")]) as state:
        old_rules = state.apps.get_model("metrics", "CentreRules")
        old_rules.objects.create(centre_id=centre.pk, short_abandon_seconds=5)
        old_rules.objects.create(centre_id=other.pk, short_abandon_seconds=10)
    assert CentreRules.objects.get(centre=centre).short_abandon_seconds == 20
    assert CentreRules.objects.get(centre=other).short_abandon_seconds == 10


@pytest.mark.django_db
def test_the_api_catalogue_gives_each_definitions_source_and_direction_002_7(
    users: dict[str, User], api_as: Any
) -> None:
    response = api_as("manager").get("/api/v1/metrics/indicators")
    assert response.status_code == 200, response.content
    by_code = {item["code"]: item for item in response.json()}
    cost = by_code["cost_per_call"]
    assert (cost["seed"], cost["seed_term"]) == ("002 第7篇", "平均单呼成本")
    assert cost["direction"] == "lower" and cost["high"] == 5 and "IVR" in cost["formula"]
    assert by_code["avg_queue_seconds"]["direction"] == "lower"
    assert by_code["avg_talk_seconds"]["direction"] == "range"
    assert by_code["service_level"]["direction"] == "higher"
    assert by_code["monitoring_score"]["direction"] is None
