"""Reminder plans (issue 19, point 4): when a reminder falls due on calendar or working
days, the seeds' plan (002 第2篇), the scheduler writing each reminder once (run twice,
or two at once), and what it writes for a customer who unsubscribed or has no mobile."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.conftest import race
from kefu.core.models import OrgUnit, User
from kefu.core.workcal import WorkingCalendar, is_working_day
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.satisfaction import reminding
from kefu.satisfaction.models import (
    CustomerDate,
    Message,
    MessageState,
    OptOut,
    RefusalReason,
    Reminder,
    ReminderRule,
)
from kefu.satisfaction.services.reminders import (
    reminders_schedule,
    reminders_schedule_all,
    rules_seed,
)
from kefu.tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICIAL = WorkingCalendar.working_hours()


def official(day: dt.date) -> bool:
    return is_working_day(OFFICIAL, day)


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def test_calendar_days_count_every_day() -> None:
    assert reminding.fire_date(
        dt.date(2026, 10, 8), 14, after=False, working=False, is_working=official
    ) == dt.date(2026, 9, 24)


def test_working_days_skip_the_national_day_holiday() -> None:
    """China's 2026 National Day: 1-7 October off, Saturday 10 October worked."""
    before = reminding.fire_date(
        dt.date(2026, 10, 8), 1, after=False, working=True, is_working=official
    )
    assert before == dt.date(2026, 9, 30)
    after = reminding.fire_date(
        dt.date(2026, 9, 30), 3, after=True, working=True, is_working=official
    )
    assert after == dt.date(2026, 10, 10)  # 8th, 9th, and the Saturday worked
    # A date on a day off: the reminder goes on the working day before it.
    assert reminding.fire_date(
        dt.date(2026, 10, 4), 0, after=False, working=True, is_working=official
    ) == dt.date(2026, 9, 30)


@given(
    first=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 20)),
    span=st.integers(0, 3),
    days=st.integers(0, 40),
    after=st.booleans(),
    working=st.booleans(),
)
def test_the_anchors_found_are_exactly_those_firing_in_the_window(
    first: dt.date, span: int, days: int, after: bool, working: bool
) -> None:
    last = first + dt.timedelta(days=span)
    low, high = reminding.anchors_firing_between(
        first, last, days, after=after, working=working, is_working=official
    )

    def fires(anchor: dt.date) -> dt.date:
        return reminding.fire_date(anchor, days, after=after, working=working, is_working=official)

    for offset in range(-20, (high - low).days + 21):
        anchor = low + dt.timedelta(days=offset)
        assert (first <= fires(anchor) <= last) == (low <= anchor <= high)


def test_templates_take_the_three_placeholders_only() -> None:
    assert reminding.template_problem("尊敬的{客户}：{日期}{事项}") is None
    assert reminding.template_problem("{姓名}") == "姓名"
    assert reminding.template_problem("{客户") == "unbalanced"
    assert reminding.render("{客户}您好，{日期}", {"客户": "王", "日期": "1日"}) == "王您好，1日"


def test_the_seeds_plan_four_two_and_one_weeks_ahead_and_a_callback_after_a_repair(
    centre: OrgUnit,
) -> None:
    """002 第2篇: maintenance reminders four weeks, two weeks and one week ahead; a
    callback seven days after a repair."""
    rules = rules_seed(centre=centre)
    assert [(r.event, r.days, r.channel) for r in rules] == [
        ("meter_calibration", 28, "sms"),
        ("meter_calibration", 14, "sms"),
        ("meter_calibration", 7, "call"),
        ("repair_closed", 7, "call"),
    ]
    assert rules_seed(centre=centre) == rules


@pytest.fixture
def customers(users: dict[str, User]) -> list[Customer]:
    return [
        customer_create(actor=users["agent"], name="王建国", phones=["13812345678"]),
        customer_create(actor=users["agent"], name="李秀英", phones=["13912345678"]),
        customer_create(actor=users["agent"], name="张伟", phones=["025-84561234"]),
    ]


def _rule(centre: OrgUnit, **values: Any) -> ReminderRule:
    fields = {
        "name": "校验提醒",
        "event": "meter_calibration",
        "days": 14,
        "channel": "sms",
        "template": "尊敬的{客户}：您的电能表将于{日期}{事项}。",
        **values,
    }
    return ReminderRule.objects.create(centre=centre, **fields)


def test_the_scheduler_writes_todays_and_tomorrows_reminders_once(
    centre: OrgUnit, customers: list[Customer]
) -> None:
    today = dt.date(2026, 12, 7)
    rule = _rule(centre)
    for customer, offset in zip(customers, (14, 15, 14), strict=True):
        CustomerDate.objects.create(
            centre=centre,
            customer=customer,
            kind="meter_calibration",
            date=today + dt.timedelta(days=offset),
            note="现场校验",
        )
    CustomerDate.objects.create(  # three weeks out: not yet
        centre=centre, customer=customers[0], kind="meter_calibration", date=dt.date(2026, 12, 28)
    )
    assert reminders_schedule(rule, now=at(today)) == 3
    assert reminders_schedule(rule, now=at(today)) == 0
    assert reminders_schedule_all(now=at(today, 23)) == 0
    assert Reminder.objects.count() == 3
    messages = {m.customer_id: m for m in Message.objects.all()}
    first = messages[customers[0].pk]
    assert first.text == "尊敬的王建国：您的电能表将于2026年12月21日现场校验。"
    assert first.key == f"reminder:{rule.pk}:d{CustomerDate.objects.order_by('pk')[0].pk}"
    assert dt.time(9) <= first.scheduled_for.astimezone(SHANGHAI).time() < dt.time(11)
    assert first.scheduled_for.astimezone(SHANGHAI).date() == today
    assert messages[customers[1].pk].scheduled_for.astimezone(SHANGHAI).date() == dt.date(
        2026, 12, 8
    )
    fixed_line = messages[customers[2].pk]
    assert (fixed_line.state, fixed_line.refusal) == (
        MessageState.REFUSED,
        RefusalReason.NO_ADDRESS,
    )


def test_an_unsubscribed_customer_gets_a_refused_reminder(
    centre: OrgUnit, customers: list[Customer]
) -> None:
    OptOut.objects.create(centre=centre, address="13812345678", channel="sms", source="reply")
    rule = _rule(centre)
    CustomerDate.objects.create(
        centre=centre, customer=customers[0], kind="meter_calibration", date=dt.date(2026, 12, 21)
    )
    reminders_schedule(rule, now=at(dt.date(2026, 12, 7)))
    message = Message.objects.get()
    assert (message.state, message.refusal) == (MessageState.REFUSED, RefusalReason.OPTED_OUT)


def test_a_working_day_rule_sends_on_the_working_day_before_the_holiday(
    centre: OrgUnit, customers: list[Customer]
) -> None:
    rule = _rule(centre, days=1, working_days=True)
    CustomerDate.objects.create(
        centre=centre, customer=customers[0], kind="meter_calibration", date=dt.date(2026, 10, 8)
    )
    assert reminders_schedule(rule, now=at(dt.date(2026, 10, 1))) == 0  # the holiday
    assert reminders_schedule(rule, now=at(dt.date(2026, 9, 29))) == 1  # written a day ahead
    reminder = Reminder.objects.get()
    assert reminder.due_at.astimezone(SHANGHAI).date() == dt.date(2026, 9, 30)


def test_a_callback_task_seven_days_after_a_repair_closes(
    centre: OrgUnit, customers: list[Customer], users: dict[str, User]
) -> None:
    [_meter28, _meter14, _meter7, callback] = rules_seed(centre=centre)
    closed = dt.datetime(2026, 11, 30, 15, tzinfo=SHANGHAI)
    ticket = Ticket.objects.create(
        number="GD1",
        centre=centre,
        kind="fault",
        customer=customers[0],
        title="停电报修",
        state="closed",
        created_by=users["agent"],
        created_at=closed - dt.timedelta(hours=3),
        closed_at=closed,
    )
    Ticket.objects.create(
        number="GD2",
        centre=centre,
        kind="complaint",
        customer=customers[1],
        title="投诉",
        state="closed",
        created_by=users["agent"],
        created_at=closed - dt.timedelta(hours=3),
        closed_at=closed,
    )
    assert reminders_schedule(callback, now=at(dt.date(2026, 12, 7))) == 1
    reminder = Reminder.objects.get()
    assert (reminder.ticket_id, reminder.channel) == (ticket.pk, "call")
    assert reminder.due_at.astimezone(SHANGHAI).date() == dt.date(2026, 12, 7)
    assert not Message.objects.exists()  # a call task, not a text


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_write_each_reminder_once(
    centre: OrgUnit, users: dict[str, User]
) -> None:
    rule = _rule(centre)
    for index in range(60):
        customer = customer_create(
            actor=users["agent"], name=f"客户{index}", phones=[f"1370000{index:04d}"]
        )
        CustomerDate.objects.create(
            centre=centre, customer=customer, kind="meter_calibration", date=dt.date(2026, 12, 21)
        )
    now = at(dt.date(2026, 12, 7))
    results = race([lambda: reminders_schedule(rule, now=now) for _ in range(2)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Reminder.objects.count() == 60
    assert Message.objects.count() == 60
    assert Message.objects.values("key").distinct().count() == 60


def test_the_demo_has_the_plan_and_dates_once(centre: OrgUnit, customers: list[Customer]) -> None:
    from kefu.satisfaction.demo import load_reminders

    assert load_reminders(centre) == 3
    assert load_reminders(centre) == 0
    assert ReminderRule.objects.filter(centre=centre).count() == len(reminding.SEED_RULES)
