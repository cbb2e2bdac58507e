"""Reports and summaries read from the roll-ups: the CLI, the API, targets, scheduled e-mail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.metrics import exports, queries, reports, services
from kefu.metrics.models import ReportSubscription
from kefu.telephony import services as telephony
from kefu.telephony import simulator

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 20)
T0 = int(dt.datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI).timestamp())

# Four calls on the 20th: answered in 12 s (120 s talk), abandoned after 3 s (short),
# abandoned after 55 s, answered in 30 s and transferred after 300 s.
LOG = "\n".join(
    [
        f"{T0 + 10}|c1|power|NONE|ENTERQUEUE||13800138000|1",
        f"{T0 + 22}|c1|power|Agent/1001|CONNECT|12|b1|3",
        f"{T0 + 142}|c1|power|Agent/1001|COMPLETECALLER|12|120|1",
        f"{T0 + 30}|c2|power|NONE|ENTERQUEUE||13900139000|2",
        f"{T0 + 33}|c2|power|NONE|ABANDON|2|2|3",
        f"{T0 + 40}|c3|power|NONE|ENTERQUEUE||13700137000|1",
        f"{T0 + 95}|c3|power|NONE|ABANDON|1|1|55",
        f"{T0 + 50}|c4|billing|NONE|ENTERQUEUE||13600136000|1",
        f"{T0 + 80}|c4|billing|Agent/1002|CONNECT|30|b4|2",
        f"{T0 + 380}|c4|billing|Agent/1002|TRANSFER|8001|ctx|30|300|1",
        "",
    ]
)


@pytest.fixture
def calls(centre: OrgUnit, tmp_path: Path) -> OrgUnit:
    path = tmp_path / "queue_log"
    path.write_text(LOG)
    telephony.telephony_import(centre=centre, path=path)
    return centre


def summary_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("report", "summary", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


def test_summary_from_the_command_line(calls: OrgUnit):
    result = summary_json("--from", "2026-11-20T00:00", "--to", "2026-11-21T00:00+08:00")
    assert result["from"] == "2026-11-20T00:00:00+08:00"
    values = result["indicators"]
    assert (values["offered"], values["answered"], values["abandoned"]) == (4, 2, 2)
    assert (values["short_abandoned"], values["exited"]) == (1, 0)
    assert values["service_level"] == pytest.approx(1 / 3)  # 1 within 20 s of 4 − 1 short
    assert values["service_level_answered"] == pytest.approx(0.5)
    assert values["abandon_rate"] == pytest.approx(1 / 3)
    assert values["asa_seconds"] == pytest.approx(21)
    assert values["avg_abandon_seconds"] == pytest.approx(29)
    assert values["avg_talk_seconds"] == pytest.approx(210)
    assert values["transfer_rate"] == pytest.approx(0.5)
    assert values["answered_rate"] == pytest.approx(0.5)
    # No rota, no QA, no costs, no hold data: not available, never zero.
    for code in (
        "adherence",
        "attendance",
        "monitoring_score",
        "cost_per_call",
        "avg_hold_seconds",
    ):
        assert values[code] is None


def test_summary_of_one_queue_and_of_part_of_a_day(calls: OrgUnit):
    power = summary_json("--from", "2026-11-20", "--to", "2026-11-21", "--queue", "power")
    assert power["indicators"]["offered"] == 3
    morning = summary_json("--from", "2026-11-20T08:00", "--to", "2026-11-20T08:15")
    assert morning["indicators"]["offered"] == 4  # from the 15-minute roll-ups
    before = summary_json("--from", "2026-11-20T07:00", "--to", "2026-11-20T08:00")
    assert before["indicators"]["offered"] is None  # no data at all: not available


def test_the_daily_report_as_xlsx(calls: OrgUnit, tmp_path: Path):
    target = tmp_path / "report.xlsx"
    call_command(
        "report",
        "daily",
        "--date",
        "2026-11-20",
        "--format",
        "xlsx",
        "-o",
        str(target),
        stderr=StringIO(),
    )
    book = load_workbook(target)
    indicators = book.worksheets[0]
    values = {row[0]: row[1] for row in indicators.iter_rows(min_row=2, values_only=True)}
    assert values["总呼叫数"] == 4
    assert values["服务水平"] == pytest.approx(0.3333, abs=1e-4)
    assert len(book.sheetnames) >= 4  # queues, agents, trend, reasons beside the indicators


def test_report_periods():
    assert reports.period_of("weekly", DAY).whole_days() == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    assert reports.period_of("monthly", DAY).whole_days() == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    previous = reports.period_of("monthly", dt.date(2026, 3, 5)).previous()
    assert previous.whole_days() == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with pytest.raises(ValueError, match="unknown report kind"):
        reports.period_of("yearly", DAY)


def test_an_off_indicator_carries_its_management_actions(calls: OrgUnit):
    report = reports.build(calls, "daily", DAY)
    lines = {line.code: line for line in report.lines}
    assert lines["service_level"].status == "off"  # a third against 80 %
    assert lines["service_level"].actions
    assert lines["adherence"].status == "not_available"
    assert not lines["adherence"].actions
    assert {row["name"] for row in report.queues} == {"power", "billing"}
    assert len(report.trend) == 1  # one 15-minute interval with calls
    assert [point["offered"] for point in report.trend] == [4]


def test_the_api_summary_and_report(calls: OrgUnit, api_as: Callable[[str], Any]):
    manager = api_as("manager")
    response = manager.get(
        "/api/v1/metrics/summary",
        **{"from": "2026-11-20T00:00:00+08:00", "to": "2026-11-21T00:00:00+08:00"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"from", "to", "requested", "rules", "indicators"}
    assert body["rules"]["short_abandon_seconds"] == 20
    assert body["indicators"]["offered"] == 4
    assert body["indicators"]["adherence"] is None
    report = manager.get("/api/v1/metrics/reports/daily", date="2026-11-20")
    assert report.status_code == 200
    assert report.json()["indicators"]["offered"]["value"] == 4
    backwards = manager.get(
        "/api/v1/metrics/summary",
        **{"from": "2026-11-21T00:00:00+08:00", "to": "2026-11-20T00:00:00+08:00"},
    )
    assert backwards.status_code == 422
    assert (
        api_as("agent")
        .get("/api/v1/metrics/summary", **{"from": "2026-11-20", "to": "2026-11-21"})
        .status_code
        == 403
    )


def test_a_centre_sets_its_own_target(calls: OrgUnit, api_as: Callable[[str], Any]):
    manager = api_as("manager")
    response = manager.put("/api/v1/metrics/targets/service_level", {"low": 0.3, "high": None})
    assert response.status_code == 200, response.content
    assert response.json()["low"] == 0.3
    lines = {line.code: line for line in reports.build(calls, "daily", DAY).lines}
    assert lines["service_level"].status == "good"
    inverted = manager.put("/api/v1/metrics/targets/service_level", {"low": 0.9, "high": 0.5})
    assert inverted.status_code == 422
    assert manager.put("/api/v1/metrics/targets/nonsense", {"low": 1}).status_code == 422
    assert (
        api_as("leader").put("/api/v1/metrics/targets/service_level", {"low": 0.1}).status_code
        == 403
    )
    assert queries.targets_of(calls)["service_level"].low == 0.3  # type: ignore[union-attr]
    # Both bounds cleared: the indicator is no longer judged.
    manager.put("/api/v1/metrics/targets/service_level", {"low": None, "high": None})
    lines = {line.code: line for line in reports.build(calls, "daily", DAY).lines}
    assert lines["service_level"].status == "unjudged"


def test_counting_rules_change_the_thresholds(calls: OrgUnit, users: dict[str, User]):
    services.rules_set(actor=users["manager"], service_level_seconds=30, short_abandon_seconds=3)
    values = queries.summary(calls, reports.period_of("daily", DAY))
    # 12 s and 30 s of 4 − 1: the 3 s abandon is short, "3 s or less" (002 第7篇).
    assert values["service_level"] == pytest.approx(2 / 3)
    with pytest.raises(Invalid):
        services.rules_set(
            actor=users["manager"], service_level_seconds=25, short_abandon_seconds=5
        )


def test_scheduled_reports_are_mailed_once_with_the_workbook(
    calls: OrgUnit, users: dict[str, User], django_capture_on_commit_callbacks: Any
):
    services.subscription_save(
        actor=users["manager"], period="daily", recipients="boss@example.com\nteam@example.com"
    )
    with pytest.raises(Invalid):
        services.subscription_save(
            actor=users["manager"], period="daily", recipients="not an address"
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_send_due(today=dt.date(2026, 11, 21)).sent == 1
    assert services.reports_send_due(today=dt.date(2026, 11, 21)).sent == 0
    [message] = mail.outbox
    assert message.to == ["boss@example.com", "team@example.com"]
    name, content, _ = message.attachments[0]
    assert name == "日报-20261120.xlsx"
    assert load_workbook(BytesIO(content)).worksheets[0].cell(2, 2).value == 4
    assert ReportSubscription.objects.get().last_sent_for == dt.date(2026, 11, 20)
    # The weekly report goes out on Mondays only.
    services.subscription_save(actor=users["manager"], period="weekly", recipients="a@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_send_due(today=dt.date(2026, 11, 22)).sent == 1  # daily only
        assert services.reports_send_due(today=dt.date(2026, 11, 23)).sent == 2
    assert len(mail.outbox) == 4


def test_service_figures_from_contacts_and_work_orders(calls: OrgUnit, users: dict[str, User]):
    reason = CallReason.objects.create(
        centre=calls, dimension=CallReason.Dimension.SERVICE_CONTENT, code="bill", name="电费查询"
    )
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    for hours, number, settled in (
        (0, "13800138000", True),
        (2, "13800138000", False),
        (3, "13900139000", True),
    ):
        Contact.objects.create(
            centre=calls,
            channel="hotline",
            caller_number=number,
            agent=users["agent"],
            started_at=start + dt.timedelta(hours=hours),
            service_content=reason,
            settled=settled,
        )
    values = queries.summary(calls, reports.period_of("daily", DAY))
    # 002 第7篇: resolved is settled on the contact and not repeated. The first call from
    # 138… was settled but followed by another on the same reason; the second not settled.
    assert values["fcr"] == pytest.approx(1 / 3)
    assert values["settled_rate"] == pytest.approx(2 / 3)
    assert values["repeat_contact_rate"] == pytest.approx(1 / 3)
    report = reports.build(calls, "daily", DAY)
    service = next(block for block in report.reasons if block["dimension"] == "service_content")
    assert service["top"] == [{"reason": "电费查询", "count": 3, "previous": 0, "change": 3}]
    assert service["risers"][0]["reason"] == "电费查询"


def test_simulated_days_roll_up_the_same_whatever_the_path(centre: OrgUnit, tmp_path: Path):
    """The month's figures from the day table equal the sum over its 15-minute intervals."""
    path = tmp_path / "sim"
    simulator.write(
        path,
        start=DAY,
        days=2,
        queues=["a", "b"],
        agents=[f"Agent/{n}" for n in range(8)],
        tz=SHANGHAI,
        seed=3,
        calls_per_day=400,
    )
    telephony.telephony_import(centre=centre, path=path)
    days = queries.queue_totals(centre, queries.Period.days(DAY, DAY + dt.timedelta(days=1)))
    start = dt.datetime.combine(DAY, dt.time(), SHANGHAI)
    # Not whole days: read from the intervals.
    intervals = queries.queue_totals(
        centre, queries.Period(start, start + dt.timedelta(days=2) - dt.timedelta(microseconds=1))
    )
    assert days == intervals and days["offered"] > 500
    assert exports.report_xlsx(reports.build(centre, "weekly", DAY))[:2] == b"PK"


def test_on_time_rate_per_stage_from_the_order_events(calls: OrgUnit, users: dict[str, User]):
    from kefu.tickets.models import Ticket, TicketEvent

    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    customer = Customer.objects.create(centre=calls, name="王建国")
    ticket = Ticket.objects.create(
        customer=customer,
        number="GD1",
        centre=calls,
        kind="complaint",
        title="停电",
        state="handling",
        created_by=users["agent"],
        created_at=at,
    )
    steps = [
        ("dispatch", "accepted", "dispatched", {}),
        ("take", "dispatched", "handling", {}),
        ("overdue", "handling", "", {"stage": "return"}),
        ("return", "handling", "returned", {}),
        ("overdue", "returned", "", {"stage": "overall"}),  # the whole order's, not a stage's
    ]
    for seq, (action, before, after, data) in enumerate(steps, start=1):
        TicketEvent.objects.create(
            ticket=ticket,
            seq=seq,
            at=at + dt.timedelta(minutes=seq),
            action=action,
            from_state=before,
            to_state=after,
            data=data,
        )
    stages = {
        row["stage"]: row for row in queries.stage_on_time(calls, reports.period_of("daily", DAY))
    }
    assert set(stages) == {"review", "take", "return"}
    assert stages["return"] == {"stage": "return", "ended": 1, "overdue": 1, "on_time_rate": 0.0}
    assert stages["take"]["on_time_rate"] == 1.0
    values = queries.summary(calls, reports.period_of("daily", DAY))
    assert values["on_time_rate"] == pytest.approx(2 / 3)
    report = reports.build(calls, "daily", DAY)
    assert report.stages == list(stages.values())
    sheet = load_workbook(BytesIO(exports.report_xlsx(report)))["各环节时限内完成率"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [1, 1, 1]


def test_the_reopen_rate_counts_every_order_closed_however_it_closed(
    calls: OrgUnit, users: dict[str, User]
):
    """重办率's denominator is every order that reached 办结 in the period: by the back
    office's close, by a satisfied callback or by the expert's answer on the spot."""
    from kefu.tickets.models import Ticket, TicketEvent

    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    customer = Customer.objects.create(centre=calls, name="王建国")
    steps = [
        ("close", "replied", "closed", {}),
        ("callback", "replied", "closed", {"satisfied": True}),
        ("answer_close", "accepted", "closed", {}),
        ("callback", "replied", "accepted", {"satisfied": False}),
    ]
    for n, (action, before, after, data) in enumerate(steps, start=1):
        ticket = Ticket.objects.create(
            customer=customer,
            number=f"GD{n}",
            centre=calls,
            kind="complaint",
            title="停电",
            state=after,
            created_by=users["agent"],
            created_at=at,
        )
        TicketEvent.objects.create(
            ticket=ticket, seq=1, at=at, action=action, from_state=before, to_state=after, data=data
        )
    values = queries.summary(calls, reports.period_of("daily", DAY))
    assert values["reopen_rate"] == pytest.approx(1 / 3)


def test_the_report_workbook_writes_names_as_text_and_figures_as_numbers(
    calls: OrgUnit, tmp_path: Path
):
    from kefu.telephony.models import Queue

    Queue.objects.filter(name="power").update(title='=HYPERLINK("http://evil.example","x")')
    Queue.objects.filter(name="billing").update(title="@SUM(1+1)")
    target = tmp_path / "report.xlsx"
    call_command(
        "report", "daily", "--date", "2026-11-20", "--format", "xlsx", "-o", str(target),
        stderr=StringIO(),
    )  # fmt: skip
    book = load_workbook(target)
    found = [item for sheet in book.worksheets for row in sheet.iter_rows() for item in row]
    assert [item.coordinate for item in found if item.data_type == "f"] == []
    names = {row[0] for row in book["队列"].iter_rows(min_row=2, values_only=True)}
    assert names == {'\'=HYPERLINK("http://evil.example","x")', "'@SUM(1+1)"}
    values = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert values["总呼叫数"] == 4


def test_a_report_is_kept_until_its_rules_change_and_the_worker_rebuilds_the_running_ones(
    calls: OrgUnit,
):
    """The pages read a built report (`reports.kept`): the same one again while it is kept,
    a new one when the centre's counting rules change, and the running periods' rebuilt by
    the worker's task, so nobody waits for a month of contacts on opening the page."""
    from kefu.metrics.models import CentreRules
    from kefu.metrics.tasks import warm_reports

    first = reports.kept(calls, "daily", DAY)
    assert reports.kept(calls, "daily", DAY).built_at == first.built_at
    CentreRules.objects.update_or_create(centre=calls, defaults={"short_abandon_seconds": 60})
    changed = reports.kept(calls, "daily", DAY)
    assert changed.built_at > first.built_at
    # The short abandon threshold now counts the 55 s abandon as short too.
    assert changed.rules.short_abandon_seconds == 60
    today = reports.kept(calls, "monthly", timezone.localdate())
    assert warm_reports() == {"built": 3 * OrgUnit.objects.filter(kind="centre").count()}
    assert reports.kept(calls, "monthly", timezone.localdate()).built_at > today.built_at
