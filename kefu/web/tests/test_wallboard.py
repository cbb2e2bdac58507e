"""The live wallboard (issue 15, point 11): calls waiting and the longest wait per queue,
agents by state, today's call figures equal to the dashboard's, and the manager's
thresholds that turn a tile red and tell the team leaders on duty once per breach."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client

from kefu.core.models import Notification, OrgUnit, User
from kefu.telephony.queue_log import QueueEvent
from kefu.telephony.services import telephony_events_post
from kefu.web.models import WallboardBreach

pytestmark = pytest.mark.django_db


def event(ago: float, event: str, call_id: str = "", queue: str = "", agent: str = "", *data: str):
    return QueueEvent(
        time=time.time() - ago, call_id=call_id, queue=queue, agent=agent, event=event, data=data
    )


def live_centre(centre: OrgUnit) -> None:
    """One queue with a caller waiting 40 s, one talking and one answered and ended; an
    abandon; five agents, one in each state."""
    q = "power-billing"
    telephony_events_post(
        centre=centre,
        events=[
            *(event(3600, "ADDMEMBER", "NONE", q, f"Agent/100{n}") for n in range(1, 6)),
            event(3000, "REMOVEMEMBER", "NONE", q, "Agent/1005"),
            event(600, "PAUSE", "NONE", q, "Agent/1002", "午餐"),
            event(500, "PAUSE", "NONE", q, "Agent/1003", "ACW"),
            event(300, "ENTERQUEUE", "c.1", q, "", "", "13800138001", "1"),
            event(290, "CONNECT", "c.1", q, "Agent/1004", "10", "c.1b", "2"),
            event(200, "COMPLETECALLER", "c.1", q, "Agent/1004", "10", "90", "1"),
            event(120, "ENTERQUEUE", "c.2", q, "", "", "13800138002", "1"),
            event(60, "ABANDON", "c.2", q, "", "1", "1", "60"),
            event(100, "ENTERQUEUE", "c.3", q, "", "", "13800138003", "1"),
            event(90, "CONNECT", "c.3", q, "Agent/1001", "10", "c.3b", "2"),
            event(40, "ENTERQUEUE", "c.4", q, "", "", "13800138004", "1"),
        ],
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row_of(page: str, queue: str) -> dict[str, str]:
    match = re.search(rf'<tr data-queue="{queue}" data-waiting="(\d+)" data-longest="(\d*)">', page)
    assert match, page
    return {"waiting": match[1], "longest": match[2]}


def state_counts(page: str) -> dict[str, int]:
    return {
        state: int(count)
        for state, count in re.findall(r'data-state="(\w+)" data-count="(\d+)"', page)
    }


def today_figure(page: str, code: str) -> str:
    match = re.search(rf'id="today-{code}"[^>]*><strong class="kpi-value">([^<]+)<', page)
    assert match, code
    return match[1]


def test_the_wallboard_shows_each_queue_and_agent_live_from_the_telephone_events(
    users: dict[str, User], centre: OrgUnit
) -> None:
    live_centre(centre)
    page = signed_in(users["agent"]).get("/wallboard/live").content.decode()
    queue = row_of(page, "power-billing")
    assert queue["waiting"] == "1" and 39 <= int(queue["longest"]) <= 45
    assert state_counts(page) == {
        "talking": 1,
        "available": 1,
        "paused": 1,
        "acw": 1,
        "logged_off": 1,
    }
    assert "午餐 1" in page
    for label in ("排队等待", "最长等待", "通话中", "空闲", "暂停", "事后处理", "未登录"):
        assert label in page, label
    # Today so far: c.1 and c.3 answered, c.2 abandoned.
    assert today_figure(page, "answered") == "2"
    assert today_figure(page, "abandoned") == "1"
    # The next event changes the next response: the caller is answered.
    telephony_events_post(
        centre=centre, events=[event(0, "CONNECT", "c.4", "power-billing", "Agent/1004", "40")]
    )
    page = signed_in(users["agent"]).get("/wallboard/live").content.decode()
    assert row_of(page, "power-billing")["waiting"] == "0"
    assert state_counts(page)["talking"] == 2


def test_the_wallboard_shows_the_figures_the_dashboard_shows(
    users: dict[str, User], centre: OrgUnit
) -> None:
    live_centre(centre)
    wall = signed_in(users["manager"]).get("/wallboard/").content.decode()
    assert "暂无话务数据" not in wall
    dashboard = signed_in(users["manager"]).get("/dashboard/").content.decode()
    for code in ("service_level", "answered", "abandoned", "asa_seconds"):
        card = re.search(rf'id="kpi-{code}".*?class="kpi-value">([^<]+)<', dashboard, re.S)
        assert card, code
        assert today_figure(wall, code) == card[1], code
    assert today_figure(wall, "service_level") != "不可用"


def test_a_threshold_turns_the_tile_red_and_tells_the_leaders_on_duty_once_per_breach(
    users: dict[str, User], centre: OrgUnit
) -> None:
    live_centre(centre)
    manager = signed_in(users["manager"])
    signed_in(users["leader"])  # the leader on duty signed in this shift
    refused = manager.post(
        "/wallboard/thresholds/",
        {"waiting": "0", "longest_wait_seconds": "abc", "service_level_percent": "80"},
    )
    assert refused.status_code == 200 and 'value="abc"' in refused.content.decode()
    assert not WallboardBreach.objects.exists()
    saved = manager.post(
        "/wallboard/thresholds/",
        {"waiting": "0", "longest_wait_seconds": "600", "service_level_percent": ""},
    )
    assert saved.status_code == 302
    agent = signed_in(users["agent"])

    def notices() -> list[str]:
        return list(
            Notification.objects.filter(recipient=users["leader"], kind="wallboard.breach")
            .order_by("pk")
            .values_list("title", flat=True)
        )

    for _n in range(3):  # three screens, or one screen polling: one notice
        page = agent.get("/wallboard/live").content.decode()
        assert '<td class="breach">1</td>' in page
        assert 'class="tile breach" id="live-waiting"' in page
    assert notices() == ["power-billing：1 位来电者排队等待（阈值 0）"]
    assert not Notification.objects.filter(recipient=users["agent"]).exists()
    # Answered: the breach clears, and no new notice.
    telephony_events_post(
        centre=centre, events=[event(0, "CONNECT", "c.4", "power-billing", "Agent/1004", "40")]
    )
    page = agent.get("/wallboard/live").content.decode()
    assert "breach" not in page.split('id="live-queues"')[1].split("</table>")[0]
    assert len(notices()) == 1
    assert WallboardBreach.objects.get().cleared_at is not None
    # A new caller waits: a new breach, a second notice.
    telephony_events_post(
        centre=centre, events=[event(0, "ENTERQUEUE", "c.5", "power-billing", "", "", "139", "1")]
    )
    agent.get("/wallboard/live")
    assert len(notices()) == 2
    assert WallboardBreach.objects.filter(cleared_at__isnull=True).count() == 1


def test_only_managers_set_the_thresholds(users: dict[str, User], centre: OrgUnit) -> None:
    assert signed_in(users["leader"]).get("/wallboard/thresholds/").status_code == 403
    assert signed_in(users["agent"]).post("/wallboard/thresholds/", {}).status_code == 403
    page = signed_in(users["manager"]).get("/wallboard/thresholds/").content.decode()
    assert "近30分钟服务水平下限（%）" in page and "尚无告警。" in page


def test_the_live_wallboard_costs_a_fixed_number_of_queries(
    users: dict[str, User], centre: OrgUnit, django_assert_max_num_queries: Any
) -> None:
    live_centre(centre)
    client = signed_in(users["manager"])
    # 15, and the agents' stretches still open that the day's figures count up to now.
    with django_assert_max_num_queries(15 + 1):
        assert client.get("/wallboard/live").status_code == 200


def test_the_worker_finds_a_breach_when_no_wallboard_is_open(
    users: dict[str, User], centre: OrgUnit
) -> None:
    from kefu.web.services import wallboard_thresholds_set
    from kefu.web.tasks import breaches_check

    live_centre(centre)
    wallboard_thresholds_set(
        actor=users["manager"], waiting=None, longest_wait_seconds=10, service_level=None
    )
    assert breaches_check() == 1
    assert breaches_check() == 0  # still the same breach: no second notice
    notice = Notification.objects.get(recipient=users["leader"], kind="wallboard.breach")
    assert notice.title.startswith("power-billing：最长等待") and notice.link == "/wallboard/"


@pytest.mark.django_db(transaction=True)
def test_processes_that_see_a_breach_at_once_notify_the_leaders_once(
    users: dict[str, User], centre: OrgUnit
) -> None:
    from kefu.conftest import race
    from kefu.web.models import Measure
    from kefu.web.queries import Breach
    from kefu.web.services import wallboard_breaches_record

    breach = Breach(Measure.WAITING, "power-billing", "电费电价", 12, 10)
    results = race(
        [lambda: wallboard_breaches_record(centre=centre, breaches=[breach]) for _n in range(4)]
    )
    assert sorted(len(result) for result in results) == [0, 0, 0, 1], results
    assert WallboardBreach.objects.filter(cleared_at__isnull=True).count() == 1
    assert Notification.objects.filter(kind="wallboard.breach").count() == 1
