"""The rota feeds the metrics app (issue 17 point 6): adherence (实际工作率), attendance
(出勤率) and turnover (值机员流动率) as 002 第7篇 defines them stop showing 不可用 in the
report once a published rota and the agents' stretches exist; without a rota the report
says why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.metrics import queries as metrics
from kefu.workforce.models import RotaStatus
from kefu.workforce.queries.attendance import workforce_totals
from kefu.workforce.tests import attendance_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def day() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=3)


@pytest.fixture
def planned(centre: OrgUnit, make_user: Callable[..., User], day: dt.date) -> dict[str, object]:
    """Two agents on 09:00–18:00 with lunch 12:00–13:00 (eight hours on the phones each):
    王晓婷 logs in 09:20, lunches till 13:30, leaves 17:30 (400 minutes ready); 朱淑琪 never
    logs in. A third staff member left that day."""
    team = OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code="team-1", name="一班", parent=centre)
    first = make_user("agent", username="1001", full_name="王晓婷", team=team)
    second = make_user("agent", username="1002", full_name="朱淑琪", team=team)
    third = make_user("agent", username="1003", full_name="陈梦梅", team=team)
    plan = data.rota(centre, day - dt.timedelta(days=1), day + dt.timedelta(days=5))
    members = [data.member(centre, user) for user in (first, second)]
    data.member(centre, third, left_on=day)
    for staff in members:
        data.shift(plan, staff, day, (9, 0), (18, 0), [((12, 0), (13, 0))])
    worker = data.agent(centre, first)
    data.agent(centre, second)
    data.stretch(worker, "login", data.at(day, 9, 20), data.at(day, 17, 30))
    data.stretch(worker, "pause", data.at(day, 12), data.at(day, 13, 30), "LUNCH")
    return {"plan": plan, "team": team}


def test_the_totals_hold_the_rota_figures_by_hand(
    centre: OrgUnit, planned: dict[str, object], day: dt.date
) -> None:
    """002 第7篇: 实际工作率 400 min ready ÷ 960 min planned; 出勤率 1 of 2; 值机员流动率 1
    leaver of 3 on the books."""
    period = metrics.Period.days(day, day)
    figures = workforce_totals(centre, period.start, period.end)
    assert figures == {
        "scheduled_seconds": 960 * 60,
        "ready_seconds": 400 * 60,
        "scheduled_agents": 2,
        "present_agents": 1,
        "headcount": 3,
        "leavers": 1,
    }
    one = workforce_totals(centre, period.start, period.end, agent="Agent/1001")
    assert one == {
        "scheduled_seconds": 480 * 60,
        "ready_seconds": 400 * 60,
        "scheduled_agents": 1,
        "present_agents": 1,
    }
    # A draft rota is not what agents work by: it is not counted.
    planned["plan"].status = RotaStatus.DRAFT  # type: ignore[attr-defined]
    planned["plan"].save()  # type: ignore[attr-defined]
    assert "scheduled_seconds" not in workforce_totals(centre, period.start, period.end)


def _report(user: User, day: dt.date, **extra: str) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get("/reports/", {"kind": "daily", "date": f"{day:%Y-%m-%d}", **extra})
    assert response.status_code == 200
    return response.content.decode()


def _card(page: str, code: str) -> str:
    start = page.index(f'id="kpi-{code}"')
    return page[start : page.index("</article>", start)]


def test_the_report_shows_adherence_attendance_and_turnover_from_the_rota(
    users: dict[str, User], planned: dict[str, object], day: dt.date
) -> None:
    with translation.override("zh-hans"):
        page = _report(users["manager"], day)
        assert "41.7%" in _card(page, "adherence")  # 400 ÷ 960
        assert "50.0%" in _card(page, "attendance")
        assert "33.3%" in _card(page, "turnover")
        for code in ("adherence", "attendance", "turnover"):
            # The day before had no shifts: only its figure is not available.
            assert "不可用" not in _card(page, code).replace("上期 不可用", ""), code
        team = _report(users["manager"], day, scope="team", name="team-1")
        assert "41.7%" in _card(team, "adherence") and "50.0%" in _card(team, "attendance")
        agent = _report(users["manager"], day, scope="agent", name="Agent/1001")
        assert "83.3%" in _card(agent, "adherence")  # 400 ÷ 480
        assert "100.0%" in _card(agent, "attendance")


def test_without_a_rota_the_report_says_why(
    users: dict[str, User], centre: OrgUnit, day: dt.date
) -> None:
    with translation.override("zh-hans"):
        page = _report(users["manager"], day)
        for code in ("adherence", "attendance", "turnover"):
            assert "不可用" in _card(page, code)
        assert escape("没有已发布的排班表覆盖此期间") in _card(page, "adherence")
        assert "尚未登记排班人员" in _card(page, "turnover")
