"""Reminders by call become callback tasks (issue 19 point 4: "producing messages or call
tasks"): one task per reminder, under the reminder's key, written in the reminder's
transaction, even when the scheduler runs twice or two run at once; the callbacks sweep
gives it to the back office, who sees it in "my callbacks"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from kefu.conftest import PASSWORD, race
from kefu.satisfaction.models import CallbackTask, CustomerDate, Message, Reminder, ReminderRule
from kefu.satisfaction.services.callbacks import callbacks_sweep
from kefu.satisfaction.services.reminders import reminders_schedule
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import World

world = world_callbacks.world  # the fixture

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 12, 7)
NOW = dt.datetime.combine(TODAY, dt.time(6), tzinfo=SHANGHAI)


def _call_rule(world: World) -> ReminderRule:
    """002 第2篇: the maintenance reminder one week ahead is a call."""
    return ReminderRule.objects.create(
        centre=world.centre,
        name="校验前一周电话提醒",
        event="meter_calibration",
        days=7,
        channel="call",
        template="尊敬的{客户}：您的电能表将于{日期}{事项}。",
    )


def _dates(world: World) -> list[CustomerDate]:
    return [
        CustomerDate.objects.create(
            centre=world.centre,
            customer=customer,
            kind="meter_calibration",
            date=TODAY + dt.timedelta(days=7),
            note="现场校验",
        )
        for customer in world.customers[:2]
    ]


def test_a_call_reminder_becomes_one_task_and_reaches_my_callbacks(world: World) -> None:
    rule = _call_rule(world)
    first, _second = _dates(world)
    assert reminders_schedule(rule, now=NOW) == 2
    assert reminders_schedule(rule, now=NOW) == 0  # scheduled twice: nothing new
    assert Reminder.objects.count() == 2 and not Message.objects.exists()
    tasks = {task.customer_id: task for task in CallbackTask.objects.all()}
    assert len(tasks) == 2
    task = tasks[world.customers[0].pk]
    assert task.key == f"reminder:{rule.pk}:d{first.pk}"
    assert task.kind == "reminder" and task.state == "open" and task.assignee is None
    assert task.script == "尊敬的王建国：您的电能表将于2026年12月14日现场校验。"
    reminder = Reminder.objects.get(customer_date=first)
    assert task.next_try_at == reminder.due_at
    assert task.due_at == reminder.due_at + dt.timedelta(days=2)
    # The hourly sweep gives the waiting tasks to the back office, least loaded first.
    callbacks_sweep(centre_id=world.centre.pk)
    assignees = sorted(CallbackTask.objects.values_list("assignee__username", flat=True), key=str)
    assert assignees == ["bo1", "bo2"]
    task.refresh_from_db()
    assert task.assignee is not None
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=task.assignee.username, password=PASSWORD)
    page = client.get(f"/satisfaction/callbacks/{task.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "提醒电话" in text and "您的电能表将于2026年12月14日现场校验" in text


def test_a_repair_reminder_call_carries_its_work_order(world: World) -> None:
    rule = ReminderRule.objects.create(
        centre=world.centre,
        name="报修七日回访",
        event="repair_closed",
        days=7,
        channel="call",
        template="{客户}您好，您报修的{事项}已处理七天，想了解用电是否正常。",
    )
    repair = world.to_closed(world.ticket("fault"))
    assert repair.closed_at is not None
    reminders_schedule(rule, now=repair.closed_at + dt.timedelta(days=7))
    task = CallbackTask.objects.get(kind="reminder")
    assert task.ticket == repair and task.key == f"reminder:{rule.pk}:t{repair.pk}"
    assert task.script.startswith("王建国您好，您报修的停电报修已处理七天")


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_write_each_call_task_once(world: World) -> None:
    rule = _call_rule(world)
    _dates(world)
    results = race([lambda: reminders_schedule(rule, now=NOW) for _ in range(2)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Reminder.objects.count() == 2
    assert CallbackTask.objects.count() == 2
    assert CallbackTask.objects.values("key").distinct().count() == 2
