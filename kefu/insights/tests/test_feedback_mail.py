"""The departments' feedback reports by e-mail on a schedule (issue 21 point 3; seed 000 第8篇
2.3: 以日报、周报、月报 … 传递信息), by the metrics app's rules (`due_day`): yesterday's daily
report each day, last week's on Mondays, last month's on the 1st; each report once, even
when two workers run at once; a paused subscription sends nothing."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.insights.models import FeedbackSubscription
from kefu.insights.services.feedback import feedback_send_due
from kefu.insights.tests.test_feedback_report import NOW, FeedbackWorld, build

pytestmark = pytest.mark.django_db


def _subscribe(department: OrgUnit, period: str, *, active: bool = True) -> FeedbackSubscription:
    return FeedbackSubscription.objects.create(
        centre_id=department.parent_id or 0,
        department=department,
        period=period,
        recipients=f"{department.code}-{period}@example.com\nboss@example.com",
        active=active,
        created_at=timezone.now(),
    )


@pytest.fixture
def world(centre: OrgUnit, department: OrgUnit, make_user: Any) -> FeedbackWorld:
    return build(centre, department, make_user("agent"))


def test_each_report_goes_out_once_on_its_day(
    world: FeedbackWorld, django_capture_on_commit_callbacks: Any
) -> None:
    for period in ("daily", "weekly", "monthly"):
        _subscribe(world.repair, period)
    _subscribe(world.gas, "daily", active=False)
    thursday = NOW.date() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_send_due(today=thursday).sent == 1
        assert feedback_send_due(today=thursday).sent == 0  # sent already
    [daily] = mail.outbox
    assert daily.subject == "抢修信息反馈日报（2026-11-18）"
    assert daily.to == ["repair-daily@example.com", "boss@example.com"]
    # The day's figures in words people read, and the link to the page.
    assert "本部门工单关联来电 18 次（上一周期同时段：14 次）" in daily.body
    assert "电力故障 › 停电: 10" in daily.body and "接收工单: 3" in daily.body
    assert "按时回单率: 50.0%" in daily.body and "平均处理时长（小时）: 3.0" in daily.body
    assert "鼓楼区停电" in daily.body
    link = f"/insights/feedback/?department={world.repair.pk}&period=daily&day=2026-11-18"
    assert link in daily.body
    assert isinstance(daily, EmailMultiAlternatives)
    [(html, kind)] = daily.alternatives
    assert isinstance(html, str)
    assert kind == "text/html" and "<table" in html and link.replace("&", "&amp;") in html
    assert "daily" not in daily.body.replace(link, "")  # no internal code beside the link
    # Monday: the daily report and last week's; the 1st: the daily and last month's.
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_send_due(today=dt.date(2026, 11, 23)).sent == 2
        assert feedback_send_due(today=dt.date(2026, 12, 1)).sent == 2
    subjects = [message.subject for message in mail.outbox[1:]]
    assert "抢修信息反馈周报（2026-11-16 – 2026-11-22）" in subjects
    assert "抢修信息反馈月报（2026-11-01 – 2026-11-30）" in subjects
    assert len(mail.outbox) == 5
    rows = {row.period: row.last_sent_for for row in FeedbackSubscription.objects.all()}
    assert rows["monthly"] == dt.date(2026, 11, 30) and rows["weekly"] == dt.date(2026, 11, 22)
    assert FeedbackSubscription.objects.get(department=world.gas).last_sent_for is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_each_report_once(
    centre: OrgUnit, department: OrgUnit, make_user: Any
) -> None:
    _subscribe(department, "daily")
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        barrier.wait()
        try:
            sent.append(feedback_send_due(today=dt.date(2026, 11, 19)).sent)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert len(mail.outbox) == 1


def test_migrate_schedules_the_sending_hourly(db: None) -> None:
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="kefu.insights.tasks.feedback_send")
    assert schedule.schedule_type == Schedule.HOURLY


def test_the_default_recipients_are_the_departments_handlers(
    department: OrgUnit, make_user: Any
) -> None:
    from kefu.insights.services.feedback import feedback_subscription_create

    for username, role, email in (
        ("h1", "handler", "a@example.com"),
        ("h2", "handler", "b@example.com"),
        ("h3", "handler", ""),
        ("a1", "agent", "agent@example.com"),
    ):
        user: User = make_user(role, username=username)
        User.objects.filter(pk=user.pk).update(email=email)
    row = feedback_subscription_create(
        actor=make_user("manager"), department_id=department.pk, period="monthly", recipients=[]
    )
    assert row.recipients.split() == ["a@example.com", "b@example.com"]


def test_the_demos_subscriptions_are_sent_up_to_the_last_period(
    centre: OrgUnit, department: OrgUnit
) -> None:
    from kefu.insights.demo.feedback import load_feedback

    OrgUnit.objects.create(kind=OrgUnit.Kind.DEPARTMENT, code="gas", name="燃气", parent=centre)
    load_feedback(centre)
    load_feedback(centre)  # loaded once
    periods = sorted(
        FeedbackSubscription.objects.values_list("department__code", "period").order_by()
    )
    assert periods == [
        ("gas", "daily"),
        ("gas", "monthly"),
        ("gas", "weekly"),
        ("repair", "daily"),
        ("repair", "weekly"),
    ]
    # A centre running for a while: nothing is due again today.
    assert feedback_send_due().sent == 0
