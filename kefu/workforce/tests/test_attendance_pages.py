"""The intraday view (issue 17 point 5) and the attendance page (point 6): the figures by
hand, who may open them, and both in Chromium at 1366×768 with the numbers under their
headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.telephony.models import Queue, QueueInterval
from kefu.workforce import staffing
from kefu.workforce.models import Rota
from kefu.workforce.queries.intraday import MAX_OCCUPANCY, intraday
from kefu.workforce.tests import attendance_data as data

SLOTS = 48  # 30-minute intervals


def _history(queue: Queue, today: dt.date, until: dt.datetime) -> None:
    """Two weeks of ten calls of 180 s in every quarter hour, and today fifteen a quarter
    hour until `until`: half again the forecast."""
    rows: list[QueueInterval] = []
    for back in range(14, 0, -1):
        midnight = data.at(today - dt.timedelta(days=back), 0)
        rows.extend(
            QueueInterval(
                queue=queue,
                start=midnight + dt.timedelta(minutes=15 * quarter),
                offered=10,
                answered=10,
                completed=10,
                talk_sum=1800,
            )
            for quarter in range(96)
        )
    moment = data.at(today, 0)
    while moment + dt.timedelta(minutes=15) <= until:
        rows.append(QueueInterval(queue=queue, start=moment, offered=15, answered=15, completed=15))
        moment += dt.timedelta(minutes=15)
    QueueInterval.objects.bulk_create(rows)


def _today_plan(
    centre: OrgUnit, make_user: Callable[..., User], today: dt.date
) -> dict[str, object]:
    """王晓婷 and 朱淑琪 08:00–17:00 with lunch 12:00–13:00, 陈梦梅 13:00–22:00, all on
    the hotline, which the rota wants two agents on all day. 王晓婷 logged in at 07:55;
    朱淑琪 at 09:00 and paused 10:00–10:30."""
    queue = Queue.objects.create(centre=centre, name="hotline", title="热线")
    plan = data.rota(centre, today, today, requirement={"hotline": [2] * SLOTS})
    people = {}
    for username, name, start, end, lunch in (
        ("1001", "王晓婷", (8, 0), (17, 0), ((12, 0), (13, 0))),
        ("1002", "朱淑琪", (8, 0), (17, 0), ((12, 0), (13, 0))),
        ("1003", "陈梦梅", (13, 0), (22, 0), ((17, 0), (17, 30))),
    ):
        user = make_user("agent", username=username, full_name=name)
        staff = data.member(centre, user, queues=[queue])
        data.shift(plan, staff, today, start, end, [lunch])
        people[name] = data.agent(centre, user)
    first = data.stretch(people["王晓婷"], "login", data.at(today, 7, 55), None)
    first.queues = ["hotline"]
    first.save()
    second = data.stretch(people["朱淑琪"], "login", data.at(today, 9), None)
    second.queues = ["hotline"]
    second.save()
    data.stretch(people["朱淑琪"], "pause", data.at(today, 10), data.at(today, 10, 30))
    return {"queue": queue}


@pytest.mark.django_db
def test_the_intraday_figures_by_hand(centre: OrgUnit, make_user: Callable[..., User]) -> None:
    today = timezone.localdate()
    now = data.at(today, 12, 10)
    queue = _today_plan(centre, make_user, today)["queue"]
    _history(queue, today, now)  # type: ignore[arg-type]
    # A back-office agent without a queue skill: the centre counts them, no queue does.
    plan = Rota.objects.get(centre=centre)
    spare = data.member(centre, make_user("agent", username="1006", full_name="赵晨曦"))
    data.shift(plan, spare, today, (13, 0), (14, 0))
    view = intraday(centre, today, now=now)
    assert view.interval_minutes == 30 and view.elapsed == 24 and len(view.labels) == SLOTS
    curve = view.curves["hotline"]
    assert curve.required[20] == 2
    # 09:00: both morning agents planned; 王晓婷 ready all of it, 朱淑琪 too.
    assert curve.scheduled[18] == 2 and curve.ready[18] == 2
    # 10:00: 朱淑琪 paused the whole half hour.
    assert curve.ready[20] == 1
    # 08:30: only 王晓婷 logged in.
    assert curve.ready[17] == 1
    # 12:00, under way for ten minutes: both logged in and ready so far.
    assert curve.ready[24] == 2
    # 12:00: lunch; 13:00: three on the phones.
    assert curve.scheduled[24] == 0 and curve.scheduled[26] == 3
    # The day so far ran at 1.5 times the forecast: the rest is reforecast at that rate.
    assert curve.forecast[30] == pytest.approx(20, rel=0.05)
    assert curve.ratio == pytest.approx(30 / curve.forecast[0], rel=0.05)  # type: ignore[operator]
    assert curve.reforecast[30] == pytest.approx(curve.forecast[30] * curve.ratio)  # type: ignore[operator]
    assert curve.reforecast[10] == 30  # a past interval is what happened
    # The agents needed by Erlang C for the reforecast calls at 180 s.
    traffic = curve.reforecast[30] * 180 / 1800  # type: ignore[operator]
    expected = staffing.agents_required(
        traffic,
        aht_seconds=180,
        target=0.8,  # the standard's 80 % within 20 s: the centre set no target of its own
        answer_seconds=20,
        max_occupancy=MAX_OCCUPANCY,
    )
    assert curve.needed[30] == int(expected) and curve.needed[10] is None
    assert view.curves[""].scheduled[26] == 4


@pytest.mark.django_db
def test_who_may_open_the_pages(
    centre: OrgUnit, users: dict[str, User], make_user: Callable[..., User]
) -> None:
    def client_of(user: User) -> Client:
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    leader = client_of(users["leader"])
    assert leader.get("/workforce/intraday/").status_code == 200
    assert leader.get("/workforce/attendance/").status_code == 200
    page = leader.get("/workforce/intraday/").content.decode()
    assert "今天没有已发布的排班表" in page  # no rota: said, not shown as zeros
    assert 'href="/workforce/intraday/"' in page and 'href="/workforce/attendance/"' in page
    agent = client_of(users["agent"])
    assert agent.get("/workforce/intraday/").status_code == 403
    assert agent.get("/workforce/attendance/").status_code == 403  # not in the rota
    # An agent in the rota sees their own attendance, and nobody else's.
    today = timezone.localdate()
    plan = data.rota(centre, today, today)
    mine = make_user("agent", username="1009", full_name="宋雨萱")
    data.shift(plan, data.member(centre, mine), today, (0, 0), (0, 30))
    other = make_user("agent", username="1010", full_name="何佳怡")
    data.shift(plan, data.member(centre, other), today, (0, 0), (0, 30))
    own = client_of(mine).get("/workforce/attendance/").content.decode()
    assert "宋雨萱" in own and "何佳怡" not in own
    everyone = leader.get("/workforce/attendance/").content.decode()
    assert "宋雨萱" in everyone and "何佳怡" in everyone


def _cells(page: BrowserPage, table: str, row_header: str) -> dict[str, str]:
    headers = [h.strip() for h in page.page.locator(f"{table} thead th").all_inner_texts()]
    row = page.page.locator(
        f"{table} tbody tr", has=page.page.locator(f'th:text-is("{row_header}")')
    )
    cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
    return dict(zip(headers, cells, strict=True))


@pytest.mark.django_db(transaction=True)
def test_the_pages_in_the_browser(
    browser_page: Callable[..., BrowserPage],
    centre: OrgUnit,
    users: dict[str, User],
    make_user: Callable[..., User],
) -> None:
    today = timezone.localdate()
    queue = _today_plan(centre, make_user, today)["queue"]
    _history(queue, today, timezone.now())  # type: ignore[arg-type]
    yesterday = today - dt.timedelta(days=1)
    plan = data.rota(centre, yesterday, yesterday)
    late = make_user("agent", username="1004", full_name="张静燕")
    absent = make_user("agent", username="1005", full_name="刘子涵")
    for user in (late, absent):
        data.shift(
            plan, data.member(centre, user), yesterday, (9, 0), (18, 0), [((12, 0), (13, 0))]
        )
    worker = data.agent(centre, late)
    data.stretch(worker, "login", data.at(yesterday, 9, 20), data.at(yesterday, 17, 30))
    data.stretch(worker, "pause", data.at(yesterday, 12), data.at(yesterday, 13, 30))

    leader = browser_page(width=1366, height=768)
    leader.sign_in("leader", PASSWORD)
    leader.goto("/workforce/intraday/")
    expected = intraday(centre, today)
    row_label = expected.labels[min(expected.elapsed, SLOTS - 1)]
    current = _cells(leader, "#intraday-table", row_label)
    assert list(current) == [
        "时段", "需求", "排班", "在线就绪", "预测话务", "总呼叫数", "重新预测",
        "所需坐席（重新预测）",
    ]  # fmt: skip
    curve = expected.curves[""]
    index = expected.labels.index(row_label)
    assert current["需求"] == "2.0"
    assert current["排班"] == f"{curve.scheduled[index]:.1f}"
    assert leader.page.locator("#intraday-chart canvas").count() == 1
    chart = leader.page.locator("#intraday-chart").bounding_box()
    assert chart is not None and chart["y"] + chart["height"] <= 768  # above the fold
    assert "实时监控" in leader.page.inner_text("nav.tabs")
    leader.page.select_option("#intraday-queue", "hotline")
    leader.page.click("#intraday-form button[type=submit]")
    leader.page.wait_for_url("**queue=hotline")
    assert _cells(leader, "#intraday-table", "13:00")["排班"] == "3.0"
    leader.page.wait_for_timeout(1500)  # the chart's drawing animation
    assert leader.page.locator("#intraday-table tr.current").is_visible()
    box = leader.page.locator("#intraday-table tr.current").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # opens at the interval
    leader.screenshot("workforce-intraday-1366")

    leader.goto(f"/workforce/attendance/?date={yesterday:%Y-%m-%d}")
    assert leader.page.inner_text("h1") == "考勤"
    row = _cells(leader, "#attendance-table", "张静燕")
    assert row["班次"] == "09:00–18:00" and row["上线时间"] == "09:20"
    assert row["迟到（次 / 分钟）"] == "1 / 20" and row["早退（次 / 分钟）"] == "1 / 30"
    assert row["计划在线时长（小时）"] == "8.0" and row["实际工作率"] == "83.3%"
    assert _cells(leader, "#attendance-table", "刘子涵")["出勤班次"] == "0 / 1"
    assert leader.page.inner_text("#attendance-rate") == "50.0%"
    assert leader.page.inner_text("#adherence-rate") == "41.7%"
    table = leader.page.locator("#attendance-table").bounding_box()
    assert table is not None and table["y"] < 768
    leader.screenshot("workforce-attendance-1366")
    # The grace: a refused value keeps its text; a good one is used at once.
    leader.page.fill("#grace-form input[name=grace_minutes]", "90")
    leader.page.click("#grace-form button[type=submit]")
    assert leader.page.inner_text("#grace-error") == "宽限时间为 0 至 60 分钟。"
    assert leader.page.input_value("#grace-form input[name=grace_minutes]") == "90"
    leader.screenshot("workforce-attendance-grace-refused-1366")
    assert [error for error in leader.errors if "400 (Bad Request)" not in error] == []
    leader.errors.clear()  # the refused post's 400 is logged by the browser
    leader.page.fill("#grace-form input[name=grace_minutes]", "25")
    leader.page.click("#grace-form button[type=submit]")
    leader.page.wait_for_url(f"**/workforce/attendance/?date={yesterday:%Y-%m-%d}")
    assert "超过 25 分钟计迟到早退" in leader.page.inner_text("#attendance-title")
    row = _cells(leader, "#attendance-table", "张静燕")
    assert row["迟到（次 / 分钟）"] == "0 / 0" and row["早退（次 / 分钟）"] == "1 / 30"
    assert not leader.errors
