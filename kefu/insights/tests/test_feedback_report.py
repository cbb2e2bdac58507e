"""The feedback report to a department (issue 21 point 3; seed 000 第8篇 2.3 信息反馈机制:
日报、周报、月报 through a one-to-many channel to the company's departments), each figure
against a small world built by hand: what its customers called about (reasons, risers and
new ones by the hot-topics rule, examples), its orders (received, complaints, categories,
closed, open and overdue now, urges, refused, reopened) and its timeliness (returns on time
against the sweep's overdue marks, mean time held), and its major incidents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.insights.models import Incident, IncidentContact, IncidentState
from kefu.insights.queries import feedback as queries
from kefu.tickets.models import Ticket
from kefu.tickets.tests.history import record_steps

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
#: A Wednesday afternoon: the day, ISO week (from Monday the 16th) and month all run.
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class FeedbackWorld:
    centre: OrgUnit
    repair: OrgUnit
    gas: OrgUnit
    reasons: dict[str, CallReason]
    agent: User
    customer: Customer
    orders: dict[str, Ticket]

    def contact(
        self, reason: str | None, started_at: dt.datetime, order: Ticket | None, summary: str = ""
    ) -> Contact:
        found = self.reasons.get(reason) if reason else None
        contact = Contact.objects.create(
            centre=self.centre,
            channel="hotline",
            agent=self.agent,
            customer=self.customer,
            started_at=started_at,
            business_type=found.parent if found else None,
            service_content=found,
            summary=summary,
        )
        if order is not None:
            order.contacts.add(contact)
        return contact

    def order(
        self,
        number: str,
        department: OrgUnit,
        steps: list[tuple[dt.datetime, str, str, str, dict[str, Any]]],
        *,
        kind: str = "fault",
        category: str = "outage",
        due: dt.datetime | None = None,
    ) -> Ticket:
        last = steps[-1]
        closed = last[3] == "closed"
        ticket = Ticket.objects.create(
            number=number,
            centre=self.centre,
            kind=kind,
            category=self.reasons[category],
            title="工单",
            state=last[3],
            customer=self.customer,
            department=department,
            created_by=self.agent,
            created_at=steps[0][0],
            closed_at=last[0] if closed else None,
            stage_started_at=None if closed else last[0],
            stage_due_at=None if closed else (due or dt.datetime(2099, 1, 1, tzinfo=TZ)),
        )
        record_steps(ticket, steps)
        self.orders[number] = ticket
        return ticket


def build(centre: OrgUnit, department: OrgUnit, agent: User) -> FeedbackWorld:
    gas = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="gas", name="燃气", parent=centre
    )
    power = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="power", name="电力故障"
    )
    billing = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="billing", name="电费电价"
    )
    reasons = {
        code: CallReason.objects.create(
            centre=centre,
            dimension=CallReason.Dimension.SERVICE_CONTENT,
            code=code,
            name=name,
            parent=parent,
        )
        for code, name, parent in (
            ("outage", "停电", power),
            ("voltage", "电压低", power),
            ("bill", "电费查询", billing),
        )
    }
    customer = Customer.objects.create(centre=centre, name="钱女士")
    world = FeedbackWorld(centre, department, gas, reasons, agent, customer, {})
    to_repair = {"department": department.code}
    # GD1: received today, taken, returned on time after 2 hours.
    world.order(
        "GD1",
        department,
        [
            (at(18, 9), "dispatch", "accepted", "dispatched", to_repair),
            (at(18, 9, 30), "take", "dispatched", "handling", {}),
            (at(18, 11), "return", "handling", "returned", {}),
        ],
    )
    # GD2: a complaint received today, urged while dispatched, its take stage overdue,
    # returned late after 4 hours.
    world.order(
        "GD2",
        department,
        [
            (at(18, 10), "dispatch", "accepted", "dispatched", to_repair),
            (at(18, 10, 30), "urge", "dispatched", "dispatched", {"urge_count": 1}),
            (at(18, 12), "overdue", "dispatched", "dispatched", {"stage": "take"}),
            (at(18, 12, 30), "take", "dispatched", "handling", {}),
            (at(18, 14), "return", "handling", "returned", {}),
        ],
        kind="complaint",
        category="bill",
    )
    # GD3: received and returned yesterday, its return refused today; past its limit now.
    world.order(
        "GD3",
        department,
        [
            (at(17, 10), "dispatch", "accepted", "dispatched", to_repair),
            (at(17, 12), "return", "dispatched", "returned", {}),
            (at(18, 9), "reject", "returned", "dispatched", {}),
        ],
        due=NOW - dt.timedelta(hours=1),
    )
    # GD4: received today, in hand.
    world.order(
        "GD4",
        department,
        [
            (at(18, 8), "dispatch", "accepted", "dispatched", to_repair),
            (at(18, 8, 30), "take", "dispatched", "handling", {}),
        ],
    )
    # GD5: received on Monday, closed today.
    world.order(
        "GD5",
        department,
        [
            (at(16, 9), "dispatch", "accepted", "dispatched", to_repair),
            (at(16, 11), "return", "dispatched", "returned", {}),
            (at(18, 13), "close", "replied", "closed", {}),
        ],
    )
    # GD6: returned yesterday, the customer not satisfied at today's callback: reopened.
    world.order(
        "GD6",
        department,
        [
            (at(17, 9), "dispatch", "accepted", "dispatched", to_repair),
            (at(17, 11), "return", "dispatched", "returned", {}),
            (at(18, 10), "callback", "replied", "accepted", {"satisfied": False}),
        ],
    )
    # GD7: the gas department's, received today: not repair's.
    world.order(
        "GD7",
        gas,
        [(at(18, 9), "dispatch", "accepted", "dispatched", {"department": "gas"})],
    )
    orders = world.orders
    # Today up to 15:00: 停电 8, 电压低 5 (new), 电费查询 2 on repair's orders.
    for minute in range(8):
        world.contact("outage", at(18, 9, minute), orders["GD1"], summary="家里停电了")
    world.contact("outage", at(18, 14, 50), orders["GD4"], summary="整栋楼停电，电话13812345678")
    # (That made 9 停电: one of them is the GD4 caller at 14:50.)
    for minute in range(5):
        world.contact("voltage", at(18, 10, minute), orders["GD4"], summary="灯一闪一闪，电压低")
    for minute in range(2):
        world.contact("bill", at(18, 11, minute), orders["GD2"])
    # Yesterday up to 15:00: 停电 2, 电费查询 2; after 15:00 停电 10 (not the same hours).
    for minute in range(2):
        world.contact("outage", at(17, 9, minute), orders["GD3"])
        world.contact("bill", at(17, 11, minute), orders["GD6"])
    for minute in range(10):
        world.contact("outage", at(17, 16, minute), orders["GD3"])
    # Not repair's: a contact on the gas order, one on no order, one after now.
    world.contact("outage", at(18, 9), orders["GD7"])
    world.contact("outage", at(18, 9), None)
    world.contact("outage", at(18, 16), orders["GD1"])
    # A contact with no call reason on a repair order.
    world.contact(None, at(18, 12), orders["GD1"])
    # Incidents: repair's open one (2 callers), a dismissed one, one closed on Monday, gas's.
    incidents = [
        Incident.objects.create(
            centre=centre,
            title=title,
            origin="manual",
            opened_at=opened,
            closed_at=closed,
            state=state,
            department=unit,
        )
        for title, opened, closed, state, unit in (
            ("鼓楼区停电", at(18, 8), None, IncidentState.OPEN, department),
            ("误报", at(18, 9), at(18, 9, 30), IncidentState.DISMISSED, department),
            ("周一停电", at(16, 8), at(16, 12), IncidentState.CLOSED, department),
            ("燃气泄漏", at(18, 8), None, IncidentState.OPEN, gas),
        )
    ]
    for contact in Contact.objects.filter(service_content=reasons["outage"])[:2]:
        IncidentContact.objects.create(incident=incidents[0], contact=contact, attached_at=NOW)
    return world


@pytest.fixture
def feedback_world(centre: OrgUnit, department: OrgUnit, make_user: Any) -> FeedbackWorld:
    return build(centre, department, make_user("agent"))


def test_todays_running_report_counts_each_figure(feedback_world: FeedbackWorld) -> None:
    world = feedback_world
    report = queries.feedback_report(world.repair, "daily", NOW.date(), now=NOW)
    span = report.span
    assert (span.first, span.last, span.start, span.end, span.running) == (
        NOW.date(),
        NOW.date(),
        at(18, 0),
        NOW,
        True,
    )
    # Yesterday up to the same time, never yesterday's evening.
    assert (span.before_start, span.before_end) == (at(17, 0), at(17, 15))
    # What its customers called about: 9 停电 + 5 电压低 + 2 电费查询 + 1 unclassified.
    assert (report.contacts, report.contacts_before) == (17, 4)
    assert [(r.label, r.count, r.before) for r in report.reasons] == [
        ("电力故障 › 停电", 9, 2),
        ("电力故障 › 电压低", 5, 0),
        ("电费电价 › 电费查询", 2, 2),
        ("未分类", 1, 0),
    ]
    # The hot-topics rule: 电压低 is new; 停电's rise from 2 to 9 scores (9−2)/√11 = 2.1,
    # within what chance gives (2.5 is needed).
    assert [(t.label, t.count, t.before, t.new) for t in report.topics] == [
        ("电力故障 › 电压低", 5, 0, True),
    ]
    # The latest summary of each, phone numbers masked; 电费查询's callers said nothing.
    assert [(e.label, e.summary) for e in report.examples] == [
        ("电力故障 › 电压低", "灯一闪一闪，电压低"),
        ("电力故障 › 停电", "整栋楼停电，电话138****5678"),
    ]
    # Its orders: GD1, GD2 (a complaint), GD4 received today; GD5 closed; GD1–GD4 and GD6
    # open, GD3 past its limit; GD2 urged once; GD3's return refused, GD6 reopened.
    assert (report.received, report.complaints) == (3, 1)
    assert [(c.label, c.count) for c in report.categories] == [
        ("电力故障 › 停电", 2),
        ("电费电价 › 电费查询", 1),
    ]
    assert (report.closed, report.open_now, report.overdue_now) == (1, 5, 1)
    assert (report.urges, report.refused, report.reopened, report.rework) == (1, 1, 1, 2)
    # Its timeliness: GD1 on time after 2 h, GD2 late after 4 h.
    assert (report.returned, report.returned_on_time, report.on_time_rate) == (2, 1, 0.5)
    assert report.mean_handling_hours == 3.0
    # Its incident: the open one, not the dismissed one, Monday's or gas's.
    assert [(row.incident.title, row.contacts) for row in report.incidents] == [("鼓楼区停电", 2)]


def test_the_gas_department_sees_only_its_own(feedback_world: FeedbackWorld) -> None:
    report = queries.feedback_report(feedback_world.gas, "daily", NOW.date(), now=NOW)
    assert (report.contacts, report.received, report.open_now) == (1, 1, 1)
    assert [row.incident.title for row in report.incidents] == ["燃气泄漏"]
    assert report.returned == 0 and report.on_time_rate is None


def test_a_whole_past_day_against_the_whole_day_before(feedback_world: FeedbackWorld) -> None:
    later = NOW + dt.timedelta(days=2)
    report = queries.feedback_report(feedback_world.repair, "daily", NOW.date(), now=later)
    assert not report.span.running
    assert (report.span.end, report.span.before_end) == (at(19, 0), at(18, 0))
    # Today's 16:00 caller counts now; yesterday's evening (10 停电) counts before.
    assert (report.contacts, report.contacts_before) == (18, 14)
    outage = report.reasons[0]
    assert (outage.count, outage.before) == (10, 12)
    assert [t.label for t in report.topics] == ["电力故障 › 电压低"]


def test_the_week_and_the_month_hold_more(feedback_world: FeedbackWorld) -> None:
    week = queries.feedback_report(feedback_world.repair, "weekly", NOW.date(), now=NOW)
    assert (week.span.first, week.span.last) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    # The week before up to the same Wednesday 15:00.
    assert (week.span.before_start, week.span.before_end) == (at(9, 0), at(11, 15))
    # GD3 and GD6 (yesterday) and GD5 (Monday) are received this week too.
    assert week.received == 6
    # Returns: GD1, GD2 today; GD3, GD6 yesterday; GD5 on Monday; all on time but GD2.
    assert (week.returned, week.returned_on_time) == (5, 4)
    assert [row.incident.title for row in week.incidents] == ["鼓楼区停电", "周一停电"]
    month = queries.feedback_report(feedback_world.repair, "monthly", NOW.date(), now=NOW)
    assert (month.span.first, month.span.last) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (month.span.before_start, month.span.before_end) == (
        at(1, 0, month=10),
        at(18, 15, month=10),
    )
    assert month.received == 6 and month.contacts == week.contacts == 31


def test_spans_of_whole_months_and_the_future() -> None:
    october = queries.span_of("monthly", dt.date(2026, 10, 9), NOW)
    assert not october.running
    assert (october.before_start, october.before_end) == (at(1, 0, month=9), at(1, 0, month=10))
    march = queries.span_of("monthly", dt.date(2026, 3, 31), NOW)
    assert march.before_end == dt.datetime(2026, 3, 1, tzinfo=TZ)  # February is shorter
    with pytest.raises(Invalid) as future:
        queries.span_of("daily", dt.date(2026, 11, 19), NOW)
    assert future.value.code == "period_future"
    with pytest.raises(Invalid):
        queries.span_of("yearly", NOW.date(), NOW)
