"""A centre with two days of simulated calls, imported the way a platform's file is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.contacts.models import CallReason
from kefu.contacts.services import contact_create
from kefu.core.models import OrgUnit, User
from kefu.telephony import simulator
from kefu.telephony.models import Queue
from kefu.telephony.services import telephony_import

QUEUES = {"power-billing": "电费电价", "power-fault": "故障报修"}


@pytest.fixture
def calls_day() -> dt.date:
    """The second of the two simulated days: both lie wholly in the past, and it is a
    Wednesday, since the simulator staffs weekends more thinly and the tests name agents
    who work that day (on a Saturday one of them had no calls)."""
    day = timezone.localdate() - dt.timedelta(days=8)
    return day - dt.timedelta(days=(day.weekday() - 2) % 7)


@pytest.fixture
def call_history(
    centre: OrgUnit,
    make_user: Callable[..., User],
    users: dict[str, User],
    calls_day: dt.date,
    tmp_path: Path,
) -> dict[str, OrgUnit]:
    """Two teams of two agents answering two queues for two days, and a few contacts
    coded with call reasons on the second day."""
    teams = {
        code: OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code=code, name=name, parent=centre)
        for code, name in (("team-1", "一班"), ("team-2", "二班"))
    }
    agents = []
    for index, (code, full_name) in enumerate(
        [("team-1", "王晓婷"), ("team-1", "朱淑琪"), ("team-2", "陈梦梅"), ("team-2", "张静燕")]
    ):
        username = f"10{index + 1:02d}"
        make_user("agent", username=username, full_name=full_name, team=teams[code])
        agents.append(f"Agent/{username}")
    path = tmp_path / "queue_log"
    simulator.write(
        path,
        start=calls_day - dt.timedelta(days=1),
        days=2,
        queues=list(QUEUES),
        agents=agents,
        tz=ZoneInfo("Asia/Shanghai"),
        seed=1,
        calls_per_day=300,
    )
    telephony_import(centre=centre, path=path)
    for name, title in QUEUES.items():
        Queue.objects.filter(centre=centre, name=name).update(title=title)
    business = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="fault", name="故障报修"
    )
    CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="outage",
        name="停电",
        parent=business,
    )
    noon = dt.datetime.combine(calls_day, dt.time(12), ZoneInfo("Asia/Shanghai"))
    for minute in range(3):
        contact_create(
            actor=users["agent"],
            channel="hotline",
            started_at=noon + dt.timedelta(minutes=minute),
            business_type="fault",
            service_content="outage",
            settled=minute > 0,
        )
    return teams
