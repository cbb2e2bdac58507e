"""Supervision's section of the centre's report (issue 20 point 7; 001 4.5 and 4.1.3):
the rounds owed and made, who made too few, the findings and the rectifications, on the
report's page and in its workbook."""

from __future__ import annotations

import datetime as dt
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kefu.conftest import PASSWORD
from kefu.core.models import WorkCalendar
from kefu.metrics import reports
from kefu.metrics.exports import report_xlsx
from kefu.supervision.models import (
    Finding,
    Rectification,
    RectificationState,
    Round,
    RoundKind,
    RoundState,
)
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_centre_report_says_how_the_rounds_went(world: World) -> None:
    calendar = world.centre.calendar
    assert calendar is not None
    WorkCalendar.objects.filter(pk=calendar.pk).update(kind=WorkCalendar.Kind.ALWAYS)
    world.centre.refresh_from_db()
    leader, manager, agent = (world.users[r] for r in ("leader", "manager", "agent"))
    yesterday = timezone.localdate() - timedelta(days=1)
    at = dt.datetime.combine(yesterday, dt.time(10), timezone.get_current_timezone())
    version = world.checklist().versions.get()
    # Yesterday the leader made their two rounds; the other leader none of their two, the
    # manager none of their one.
    for hour in range(2):
        made = Round.objects.create(
            centre=world.centre,
            kind=RoundKind.PATROL,
            inspector=leader,
            checklist_version=version,
            started_at=at + timedelta(hours=hour),
            finished_at=at + timedelta(hours=hour, minutes=20),
            state=RoundState.DONE,
        )
    finding = Finding.objects.create(
        round=made, description="地面有纸屑", correction="当场清理", created_by=leader
    )
    Rectification.objects.create(
        finding=finding,
        centre=world.centre,
        requirement="每日检查地面",
        owner=agent,
        deadline=yesterday,
        state=RectificationState.OPEN,
    )

    report = reports.build(world.centre, "daily", yesterday)
    section = next(s for s in report.sections if s.key == "supervision-rounds")
    figures = {figure.label: figure for figure in section.figures}
    assert figures["巡查次数"].value == 2
    compliance = figures["日常巡查完成率"]
    assert compliance.value == pytest.approx(2 / 5)
    short = "、".join(sorted([str(manager), str(world.other_leader)]))
    assert compliance.note == f"应巡 5 次，实巡 2 次；未达标：{short}"
    assert figures["下达整改"].value == 1 and figures["当前逾期整改"].value == 1
    assert figures["现场检查平均得分（满分10分）"].value is None

    # A day with no round owed yet (tomorrow's) or made has no section at all.
    empty = reports.build(world.centre, "daily", yesterday + timedelta(days=2))
    assert not empty.sections

    client = Client()
    assert client.login(username=manager.username, password=PASSWORD)
    page = client.get("/reports/", {"kind": "daily", "date": yesterday.isoformat()})
    text = page.content.decode()
    assert 'id="report-supervision-rounds"' in text and "40.0%" in text
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = book["巡查与检查"]
    assert [cell.value for cell in sheet[2]][:2] == ["巡查次数", 2]
