"""The report pages over real HTTP: who may open them, what the report shows, the workbook
it downloads, refused input, and the targets, rules and e-mails a manager sets."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import load_workbook

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.core.roles import ROLES
from kefu.metrics import formatting, reports
from kefu.metrics.models import CentreRules, IndicatorTarget, ReportSubscription

pytestmark = pytest.mark.django_db

REPORT_ROLES = {"leader", "manager", "admin"}
TARGET_ROLES = {"manager", "admin"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def trend_of(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="report-trend-data" type="application/json">(.*?)</script>', page
    )
    assert found, "the page carries no trend data"
    return dict(json.loads(found.group(1)))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_page_opens_for_its_roles_and_refuses_the_others(
    users: dict[str, User], role: str
) -> None:
    client = signed_in(users[role])
    reporting = 200 if role in REPORT_ROLES else 403
    assert client.get("/reports/").status_code == reporting
    assert client.get("/reports/export").status_code == reporting
    targeting = 200 if role in TARGET_ROLES else 403
    assert client.get("/reports/targets/").status_code == targeting
    if role not in TARGET_ROLES:
        assert client.post("/reports/targets/asa_seconds/", {"high": "5"}).status_code == 403
        assert client.post("/reports/rules/", {}).status_code == 403
        assert client.post("/reports/subscriptions/", {}).status_code == 403
        assert not IndicatorTarget.objects.exists()
    home = client.get("/notifications/").content.decode()
    assert ('href="/reports/"' in home) == (role in REPORT_ROLES)


def test_signing_in_comes_first() -> None:
    for path in ("/reports/", "/reports/export", "/reports/targets/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/login/?next={path}")


def test_the_daily_report_judges_every_indicator_and_advises_on_those_off_target(
    users: dict[str, User],
    centre: OrgUnit,
    call_history: dict[str, OrgUnit],
    calls_day: dt.date,
    django_assert_max_num_queries: Any,
) -> None:
    client = signed_in(users["manager"])
    # Fixed whatever the data: the session and user, the scope lists, each period's roll-up
    # and service figures (the contacts' counts and their repeat search), the rota's figures
    # (shifts, stretches, staff: three a period), the breakdowns, the trend, two reads per
    # reason dimension and two for the stages;
    # eleven for the sections of the apps above (supervision's rounds and their compliance;
    # training, exams, complaint judging and honours).
    with django_assert_max_num_queries(72):
        response = client.get("/reports/", {"kind": "daily", "date": f"{calls_day:%Y-%m-%d}"})
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        report = reports.build(centre, "daily", calls_day)
        for line in report.lines:
            card = f'class="kpi status-{line.status}" id="kpi-{line.code}"'
            assert card in page, line.code
            assert escape(formatting.value_text(line.value, line.unit)) in page
        off = report.off()
        assert off, "the simulated day should miss some default target"
        for line in off:
            assert line.actions and all(escape(action) in page for action in line.actions)
        assert "建议管理措施" in page and "未达标" in page
        assert "不可用" in page  # no rota, no cost: said plainly, not as 0
    assert "服务水平" in page and "话务与队列" in page and "上期" in page
    trend = trend_of(page)
    assert len(trend["labels"]) == 96 and trend["labels"][36] == "09:00"
    assert [len(series["data"]) for series in trend["bars"]] == [96, 96, 96]
    assert sum(trend["bars"][0]["data"]) == next(
        line.value for line in report.lines if line.code == "offered"
    )
    for shown in ("电费电价", "故障报修", "一班", "二班", "王晓婷", "张静燕"):
        assert shown in page
    assert "服务内容" in page and "停电" in page and "增加最多" in page
    assert "/insights/topics/" in page
    assert f"/reports/export?kind=daily&amp;date={calls_day:%Y-%m-%d}&amp;scope=centre" in page


def test_the_workbook_holds_the_figures_of_the_page(
    users: dict[str, User],
    centre: OrgUnit,
    call_history: dict[str, OrgUnit],
    calls_day: dt.date,
    django_assert_max_num_queries: Any,
) -> None:
    client = signed_in(users["leader"])
    with django_assert_max_num_queries(72):
        response = client.get("/reports/export", {"date": f"{calls_day:%Y-%m-%d}"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    # Issue 15, point 24: a Chinese file name, and every sheet's header frozen and filtered.
    assert f'filename="daily-{calls_day:%Y%m%d}.xlsx"' in response["Content-Disposition"]
    chinese = quote(f"日报-{calls_day:%Y%m%d}.xlsx")
    assert f"filename*=UTF-8''{chinese}" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    assert book.sheetnames[0] == "指标" and "队列" in book.sheetnames
    assert "来电原因 服务内容" in book.sheetnames
    rows = list(book["指标"].iter_rows(min_row=2))
    with translation.override("zh-hans"):
        report = reports.build(centre, "daily", calls_day)
        assert [row[0].value for row in rows] == [line.name for line in report.lines]
        for row, line in zip(rows, report.lines, strict=True):
            assert row[1].value == formatting.spreadsheet_value(line.value, line.unit)
            assert row[2].value == formatting.spreadsheet_value(line.previous, line.unit)
            assert (row[3].value or "") == line.target
            if line.unit == "rate" and line.value is not None:
                assert row[1].number_format == "0.0%"
    queues = list(book["队列"].iter_rows(values_only=True))
    assert queues[0][0] == "队列" and {row[0] for row in queues[1:]} == {"电费电价", "故障报修"}


def test_weekly_monthly_and_narrower_reports(
    users: dict[str, User], call_history: dict[str, OrgUnit], calls_day: dt.date
) -> None:
    client = signed_in(users["manager"])
    day = f"{calls_day:%Y-%m-%d}"
    weekly = client.get("/reports/", {"kind": "weekly", "date": day}).content.decode()
    assert "周报" in weekly and len(trend_of(weekly)["labels"]) == 7
    monthly = client.get("/reports/", {"kind": "monthly", "date": day}).content.decode()
    month_days = reports.period_of("monthly", calls_day).whole_days()
    assert month_days is not None
    assert "月报" in monthly
    assert len(trend_of(monthly)["labels"]) == (month_days[1] - month_days[0]).days + 1
    queue = client.get("/reports/", {"date": day, "scope": "queue", "name": "power-fault"})
    page = queue.content.decode()
    assert queue.status_code == 200 and "队列 · 故障报修" in page
    assert 'id="report-trend-data"' in page and 'id="report-agents"' not in page
    team = client.get("/reports/", {"date": day, "scope": "team", "name": "team-2"})
    agents = team.content.decode().split('id="report-agents"')[1].split("</section>")[0]
    assert team.status_code == 200 and "陈梦梅" in agents and "王晓婷" not in agents
    # Queue waits are not counted per team: their cards would all read n/a.
    assert 'id="kpi-occupancy"' in team.content.decode()
    assert 'id="kpi-service_level"' not in team.content.decode()
    assert "单个队列、班组或客服代表不统计的指标未列出。" in team.content.decode()
    agent = client.get("/reports/", {"date": day, "scope": "agent", "name": "Agent/1001"})
    assert agent.status_code == 200 and "客服代表 · 王晓婷" in agent.content.decode()
    # Agents are offered by name alone, under 客服代表 (issue 15, point 22).
    assert "Agent/1001</option>" not in agent.content.decode()
    assert '<option value="Agent/1001" selected>王晓婷</option>' in agent.content.decode()
    export = client.get("/reports/export", {"date": day, "scope": "agent", "name": "Agent/1001"})
    assert f"daily-{calls_day:%Y%m%d}-agent-Agent1001.xlsx" in export["Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "yearly"}, "报表"),
        ({"date": "2026-13-40"}, "日期"),
        ({"date": "0001-01-01"}, "日期不能早于 2000-01-01。"),
        ({"scope": "galaxy"}, "范围"),
        ({"scope": "queue"}, "请选择报表针对的队列、班组或客服代表。"),
        ({"scope": "team", "name": "power-fault"}, "请选择报表针对的队列、班组或客服代表。"),
    ],
)
def test_refused_choices_are_said_on_the_page(
    users: dict[str, User],
    call_history: dict[str, OrgUnit],
    query: dict[str, str],
    message: str,
) -> None:
    client = signed_in(users["manager"])
    response = client.get("/reports/", query)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="message error"' in page and message in page
    assert 'class="kpi ' not in page
    assert client.get("/reports/export", query).status_code == 400


def test_today_is_reported_so_far_and_tomorrow_is_refused(users: dict[str, User]) -> None:
    client = signed_in(users["manager"])
    today = timezone.localdate()
    page = client.get("/reports/", {"date": f"{today:%Y-%m-%d}"}).content.decode()
    assert 'id="report-unfinished"' in page
    yesterday = client.get("/reports/").content.decode()  # the default
    assert 'id="report-unfinished"' not in yesterday
    assert f"{today - dt.timedelta(days=1):%Y-%m-%d}" in yesterday
    tomorrow = today + dt.timedelta(days=1)
    response = client.get("/reports/", {"date": f"{tomorrow:%Y-%m-%d}"})
    assert response.status_code == 400 and "日期不能晚于今天。" in response.content.decode()


def test_the_targets_page_lists_every_indicator_with_its_definition(
    users: dict[str, User], centre: OrgUnit, django_assert_max_num_queries: Any
) -> None:
    ReportSubscription.objects.create(centre=centre, period="weekly", recipients="a@example.com")
    client = signed_in(users["manager"])
    with django_assert_max_num_queries(7):
        page = client.get("/reports/targets/").content.decode()
    assert 'id="target-service_level"' in page and "≥ 80.0%" in page
    assert "已应答呼叫的总排队时间" in page or "服务水平" in page
    assert 'value="80"' in page  # rates are typed as percentages
    assert "a@example.com" in page and "统计规则" in page


def test_a_manager_sets_a_target_and_bad_input_changes_nothing(
    users: dict[str, User],
    centre: OrgUnit,
    call_history: dict[str, OrgUnit],
    calls_day: dt.date,
) -> None:
    client = signed_in(users["manager"])
    response = client.post("/reports/targets/service_level/", {"low": "50", "high": ""})
    assert response.status_code == 302
    assert response["Location"] == "/reports/targets/#target-service_level"
    target = IndicatorTarget.objects.get(centre=centre, code="service_level")
    assert (target.low, target.high) == (0.5, None)
    report = reports.build(centre, "daily", calls_day)
    line = next(line for line in report.lines if line.code == "service_level")
    assert line.target == "≥ 50.0% · 越高越好" and line.status == "good"

    inverted = client.post("/reports/targets/service_level/", {"low": "90", "high": "80"})
    assert inverted.status_code == 400
    assert "下限不能高于上限。" in inverted.content.decode()
    assert 'value="90"' in inverted.content.decode()  # what was typed stays to be corrected
    garbled = client.post("/reports/targets/service_level/", {"low": "八十"})
    assert garbled.status_code == 400 and "达标下限" in garbled.content.decode()
    target.refresh_from_db()
    assert (target.low, target.high) == (0.5, None)
    assert client.post("/reports/targets/no_such_thing/", {"low": "1"}).status_code == 404

    partial = client.post(
        "/reports/targets/asa_seconds/", {"low": "", "high": "15"}, headers={"HX-Request": "true"}
    )
    row = partial.content.decode()
    assert partial.status_code == 200 and row.startswith('<tr id="target-asa_seconds"')
    assert "已保存。" in row and "≤ 15 秒" in row
    refused = client.post(
        "/reports/targets/asa_seconds/", {"low": "30", "high": "15"}, headers={"HX-Request": "true"}
    )
    assert "下限不能高于上限。" in refused.content.decode()
    assert IndicatorTarget.objects.get(code="asa_seconds").high == 15

    # Both bounds empty: the centre does not judge the indicator at all.
    client.post("/reports/targets/occupancy/", {"low": "", "high": ""})
    report = reports.build(centre, "daily", calls_day)
    occupancy = next(line for line in report.lines if line.code == "occupancy")
    assert occupancy.status == "unjudged" and occupancy.actions == []


def test_a_manager_sets_the_counting_rules(users: dict[str, User], centre: OrgUnit) -> None:
    client = signed_in(users["manager"])
    rules = {
        "service_level_seconds": "30",
        "short_abandon_seconds": "10",
        "ring_cycle_seconds": "6",
        "fcr_window_days": "3",
        "monthly_cost": "250000",
    }
    assert client.post("/reports/rules/", rules).status_code == 302
    row = CentreRules.objects.get(centre=centre)
    assert (row.service_level_seconds, row.fcr_window_days, float(row.monthly_cost or 0)) == (
        30,
        3,
        250000.0,
    )
    too_long = client.post("/reports/rules/", {**rules, "fcr_window_days": "500"})
    assert too_long.status_code == 400 and "统计窗口为 1 至 90 天。" in too_long.content.decode()
    odd = client.post("/reports/rules/", {**rules, "service_level_seconds": "7"})
    assert odd.status_code == 400 and "服务水平阈值" in odd.content.decode()
    row.refresh_from_db()
    assert (row.service_level_seconds, row.fcr_window_days) == (30, 3)


def test_a_manager_subscribes_to_report_emails(
    users: dict[str, User], other_centre: OrgUnit
) -> None:
    client = signed_in(users["manager"])
    new = {"period": "daily", "recipients": "zhou@example.com\n\n li@example.com ", "active": "on"}
    assert client.post("/reports/subscriptions/", new).status_code == 302
    subscription = ReportSubscription.objects.get()
    assert subscription.recipients == "zhou@example.com\nli@example.com" and subscription.active
    wrong = client.post("/reports/subscriptions/", {**new, "recipients": "zhou at example"})
    assert wrong.status_code == 400
    assert "不是有效的电子邮件地址：zhou at example" in wrong.content.decode()
    assert ReportSubscription.objects.count() == 1
    changed = {"subscription": subscription.pk, "period": "monthly", "recipients": "a@example.com"}
    assert client.post("/reports/subscriptions/", changed).status_code == 302
    subscription.refresh_from_db()
    assert (subscription.period, subscription.active) == ("monthly", False)
    theirs = ReportSubscription.objects.create(
        centre=other_centre, period="daily", recipients="x@example.com"
    )
    stolen = client.post("/reports/subscriptions/", {**changed, "subscription": theirs.pk})
    assert stolen.status_code == 404
    theirs.refresh_from_db()
    assert theirs.period == "daily"


# Issue 15: the figures follow the seeds, and every page says how they were counted ----


def test_the_short_abandon_threshold_is_shown_beside_the_figures_it_changes_002_7(
    users: dict[str, User],
    centre: OrgUnit,
    call_history: dict[str, OrgUnit],
    calls_day: dt.date,
) -> None:
    """002 第7篇: short abandons ("20秒或者更少") are left out of the abandonment rate and the
    service level; the threshold stands beside both on the report, the dashboard's panel
    and in the workbook, and follows the centre's own setting."""
    client = signed_in(users["manager"])
    day = f"{calls_day:%Y-%m-%d}"
    page = client.get("/reports/", {"date": day}).content.decode()
    for code in ("abandon_rate", "service_level"):
        card = page.split(f'id="kpi-{code}"')[1].split("</article>")[0]
        assert "不计 20 秒及以内的短时放弃" in card, code
    assert "20 秒内接听" in page.split('id="kpi-service_level"')[1].split("</article>")[0]
    window = page.split('id="report-window"')[1].split("</p>")[0]
    assert f"统计时段：{day} 00:00 至" in window
    dashboard = client.get("/dashboard/").content.decode()
    panel = dashboard.split('id="today-indicators"')[1]
    assert (
        "不计 20 秒及以内的短时放弃"
        in panel.split('id="kpi-abandon_rate"')[1].split("</article>")[0]
    )
    book = load_workbook(BytesIO(client.get("/reports/export", {"date": day}).content))
    sheet = book["指标"]
    assert sheet.cell(1, 6).value == "统计口径"
    notes = {row[0]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert notes["呼叫放弃率"] == "不计 20 秒及以内的短时放弃"
    CentreRules.objects.update_or_create(centre=centre, defaults={"short_abandon_seconds": 10})
    page = client.get("/reports/", {"date": day}).content.decode()
    assert "不计 10 秒及以内的短时放弃" in page.split('id="kpi-abandon_rate"')[1]


def test_a_manager_reads_every_definition_with_its_seed_source(
    users: dict[str, User], centre: OrgUnit
) -> None:
    """One definition, one name, and a page to read them on: every indicator once, with its
    source (002 第7篇《客户服务中心标准》and the seed's own name for it) and its default
    target with the direction that is good and where it comes from."""
    from kefu.metrics import standards

    client = signed_in(users["leader"])
    response = client.get("/reports/definitions/")
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        for standard in standards.STANDARDS:
            block = page.split(f'id="def-{standard.code}"')[1].split("</article>")[0]
            assert escape(str(standard.name)) in block
            assert escape(str(standard.definition)) in block
    cost = page.split('id="def-cost_per_call"')[1].split("</article>")[0]
    assert "002 第7篇《客户服务中心标准》“平均单呼成本”" in cost
    assert "IVR" in cost  # what the telephone data cannot see
    queue = page.split('id="def-avg_queue_seconds"')[1].split("</article>")[0]
    assert "≤ 90 秒 · 越低越好" in queue and "30-90秒" in queue
    fcr = page.split('id="def-fcr"')[1].split("</article>")[0]
    assert "一次解决率" in fcr and "“一次性解决问题的呼叫率”" in fcr
    rings = page.split('id="def-avg_rings"')[1].split("</article>")[0]
    assert "002 第15篇：“值班人员应电话铃响3声内接听电话”" in rings
    aht = page.split('id="def-aht_seconds"')[1].split("</article>")[0]
    assert "平均通话时间" in aht and "“平均通话时间”" in aht
    assert signed_in(users["agent"]).get("/reports/definitions/").status_code == 403


def test_the_targets_page_says_each_targets_direction_and_source(
    users: dict[str, User],
) -> None:
    page = signed_in(users["manager"]).get("/reports/targets/").content.decode()
    queue = page.split('id="target-avg_queue_seconds"')[1].split("</tr>")[0]
    assert "≤ 90 秒 · 越低越好" in queue
    assert "002 第7篇：“建议的目标范围在30-90秒钟之间”" in queue
    answered = page.split('id="target-answered_rate"')[1].split("</tr>")[0]
    assert "≥ 98.0% · 越高越好" in answered and "98%" in answered
    talk = page.split('id="target-avg_talk_seconds"')[1].split("</tr>")[0]
    assert "区间内为好" in talk
    on_time = page.split('id="target-on_time_rate"')[1].split("</tr>")[0]
    assert "kefu 的默认值" in on_time


def test_the_call_reason_tables_are_headed_by_their_dimension_000_8(
    users: dict[str, User], call_history: dict[str, OrgUnit], calls_day: dt.date
) -> None:
    """000 第8篇: reasons are classified by 客户属性, 地域, 业务种类 and 服务内容; each table is
    headed by its own dimension, not by 来电原因."""
    page = signed_in(users["manager"]).get("/reports/", {"date": f"{calls_day:%Y-%m-%d}"})
    reasons = page.content.decode().split('id="report-reasons"')[1]
    heads = re.findall(r'<thead><tr><th scope="col">([^<]+)</th>', reasons)
    assert heads == ["客户属性"] * 2 + ["地域"] * 2 + ["业务种类"] * 2 + ["服务内容"] * 2
    assert '<th scope="col">来电原因</th>' not in reasons


def test_the_scope_picker_offers_only_the_chosen_scopes_names(
    users: dict[str, User], call_history: dict[str, OrgUnit], calls_day: dt.date
) -> None:
    """Queues are not offered under 班组, and agents read by name (王晓婷), not
    "王晓婷 · Agent/1001"."""
    client = signed_in(users["manager"])
    page = client.get(
        "/reports/", {"date": f"{calls_day:%Y-%m-%d}", "scope": "team", "name": "team-1"}
    ).content.decode()
    select = page.split('id="report-name"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "team-1", "team-2"]
    agents = page.split('data-scope="agent"')[1].split("</template>")[0]
    assert ">王晓婷</option>" in agents and "Agent/1001</option>" not in agents
    queues = page.split('data-scope="queue"')[1].split("</template>")[0]
    assert ">故障报修</option>" in queues
