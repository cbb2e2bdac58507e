"""The outbox's dispatcher (issue 19, points 4 and 7): each message sent exactly once with
two dispatchers racing and after one is killed with SIGKILL mid-batch; back-off after
temporary failures; opt-outs and quiet hours checked again at send time; delivery
receipts; e-mail through Django's mail. The SMS provider is a local stand-in HTTP server
(`standin`)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.satisfaction import delivery
from kefu.satisfaction.models import (
    Message,
    MessageState,
    OptOut,
    OutreachRules,
    RefusalReason,
)
from kefu.satisfaction.services.dispatch import dispatch_batch, receipt_record
from kefu.satisfaction.services.outbound import message_enqueue, rules_of
from kefu.satisfaction.tests.standin import (
    BlindGateway,
    Provider,
    StandInGateway,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[3]
KEFU = [sys.executable, "-m", "kefu.cli"]
GATEWAY = "kefu.satisfaction.tests.standin.StandInGateway"
BLIND = "kefu.satisfaction.tests.standin.BlindGateway"


def at(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def provider() -> Iterator[Provider]:
    stand_in = Provider().start()
    yield stand_in
    stand_in.stop()


def _no_quiet_hours(centre: OrgUnit) -> None:
    """The processes below send at the real time of day, whatever it is."""
    OutreachRules.objects.filter(pk=rules_of(centre.pk).pk).update(
        quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0), messages_per_day=1000
    )


def _enqueue(centre: OrgUnit, count: int, *, due: dt.datetime, **extra: Any) -> list[Message]:
    return [
        message_enqueue(
            centre=centre,
            channel="sms",
            address=f"1390000{index:04d}",
            purpose="reminder",
            text=f"提醒 {index}",
            key=f"test:{index}",
            due_at=due,
            **extra,
        )
        for index in range(count)
    ]


def _env(settings: Any, gateway: str) -> dict[str, str]:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        url = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    else:
        url = f"sqlite:///{database['NAME']}"
    env = {
        **os.environ,
        "KEFU_DATABASE_URL": url,
        "KEFU_SMS_GATEWAY": gateway,
        "KEFU_DATA_DIR": str(settings.DATA_DIR),
        "KEFU_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _dispatcher(settings: Any, gateway: str = GATEWAY, batch: int = 20) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        [*KEFU, "outbox", "run", "--once", "--batch", str(batch)],
        env=_env(settings, gateway),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(gateway: Any, now: dt.datetime) -> None:
    """Another dispatcher, here, sends until nothing is due."""
    for _round in range(100):
        outcome = dispatch_batch(now=now, limit=50, gateways={"sms": gateway, "email": gateway})
        if outcome.claimed + outcome.refused + outcome.deferred == 0:
            return


def _wait_for(condition: Any, what: str) -> None:
    for _tick in range(1200):  # a bound on a hung process, not a measure of speed
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.django_db(transaction=True)
def test_two_dispatcher_processes_racing_send_each_message_once(
    centre: OrgUnit, provider: Provider, settings: Any
) -> None:
    _no_quiet_hours(centre)
    messages = _enqueue(centre, 150, due=timezone.now() - dt.timedelta(minutes=5))
    workers = [_dispatcher(settings, batch=7) for _ in range(2)]
    for worker in workers:
        _out, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors
    keys = provider.keys()
    assert sorted(keys) == sorted(delivery.out_id(centre.pk, m.pk) for m in messages)
    assert set(keys.values()) == {1}
    states = Message.objects.filter(centre=centre).values_list("state", "reference", "attempts")
    assert {(state, attempts) for state, _ref, attempts in states} == {(MessageState.SENT, 1)}
    assert all(reference.startswith("R") for _state, reference, _attempts in states)


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_killed_after_the_provider_accepted_leaves_no_duplicate_and_no_loss(
    centre: OrgUnit, provider: Provider, settings: Any
) -> None:
    """SIGKILL between the provider accepting a send and the commit of `sent`: the next
    dispatcher, once the lease is out, looks each send up by its key and sends only those
    the provider never got."""
    _no_quiet_hours(centre)
    messages = _enqueue(centre, 25, due=timezone.now() - dt.timedelta(minutes=5))
    provider.hang_after = 6
    worker = _dispatcher(settings, batch=20)
    _wait_for(lambda: len(provider.keys()) >= 6, "six sends accepted")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    provider.hang_after = None
    provider.release.set()
    states = list(Message.objects.filter(centre=centre).values_list("state", flat=True))
    assert states.count(MessageState.SENDING) == 20  # the killed batch, nothing written back
    assert states.count(MessageState.QUEUED) == 5

    # Before the lease is out nobody takes the killed batch.
    early = dispatch_batch(limit=50, gateways={"sms": StandInGateway()})
    assert early.claimed == 5
    _finish(StandInGateway(), timezone.now() + delivery.LEASE + dt.timedelta(seconds=1))

    keys = provider.keys()
    assert sorted(keys) == sorted(delivery.out_id(centre.pk, m.pk) for m in messages)
    assert set(keys.values()) == {1}
    assert set(Message.objects.filter(centre=centre).values_list("state", flat=True)) == {
        MessageState.SENT
    }


@pytest.mark.django_db(transaction=True)
def test_a_gateway_that_cannot_look_sends_up_loses_at_most_the_one_in_flight(
    centre: OrgUnit, provider: Provider, settings: Any
) -> None:
    """Without a look-up the one send whose outcome the kill left unknown is recorded as
    failed, not sent again; the rest of the killed batch goes once."""
    _no_quiet_hours(centre)
    messages = _enqueue(centre, 12, due=timezone.now() - dt.timedelta(minutes=5))
    provider.hang_after = 4
    worker = _dispatcher(settings, gateway=BLIND, batch=20)
    _wait_for(lambda: len(provider.keys()) >= 4, "four sends accepted")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    provider.hang_after = None
    provider.release.set()
    _finish(BlindGateway(), timezone.now() + delivery.LEASE + dt.timedelta(seconds=1))

    keys = provider.keys()
    assert set(keys.values()) == {1}
    assert len(keys) == 12
    by_state = dict(Message.objects.filter(centre=centre).values_list("pk", "state").order_by("pk"))
    fourth = messages[3].pk
    assert by_state.pop(fourth) == MessageState.FAILED
    assert set(by_state.values()) == {MessageState.SENT}


def test_temporary_failures_back_off_exponentially_then_succeed(
    centre: OrgUnit, provider: Provider
) -> None:
    [message] = _enqueue(centre, 1, due=at(10))
    gateway = {"sms": StandInGateway()}
    provider.temporary_failures = 2
    assert dispatch_batch(now=at(10), gateways=gateway).retried == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
    assert message.due_at == at(10) + dt.timedelta(seconds=30)
    assert dispatch_batch(now=at(10, 0) + dt.timedelta(seconds=29), gateways=gateway).claimed == 0
    assert dispatch_batch(now=message.due_at, gateways=gateway).retried == 1
    message.refresh_from_db()
    assert message.due_at == at(10) + dt.timedelta(seconds=30 + 60)
    assert dispatch_batch(now=message.due_at, gateways=gateway).sent == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.error) == (MessageState.SENT, 3, "")
    assert len(provider.keys()) == 1


def test_a_message_that_keeps_failing_temporarily_fails_after_the_limit(
    centre: OrgUnit, provider: Provider
) -> None:
    [message] = _enqueue(centre, 1, due=at(10))
    provider.temporary_failures = 100
    moment = at(10)
    for _attempt in range(delivery.MAX_ATTEMPTS):
        dispatch_batch(now=moment, gateways={"sms": StandInGateway()})
        message.refresh_from_db()
        moment = message.due_at
    assert (message.state, message.attempts) == (MessageState.FAILED, delivery.MAX_ATTEMPTS)
    assert message.error == "throttled"


def test_a_permanent_refusal_fails_at_once(centre: OrgUnit, provider: Provider) -> None:
    [message] = _enqueue(centre, 1, due=at(10))
    provider.permanent_numbers.add(message.address)
    assert dispatch_batch(now=at(10), gateways={"sms": StandInGateway()}).failed == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    assert message.error == "isv.MOBILE_NUMBER_ILLEGAL"


def test_backoff_doubles_up_to_an_hour() -> None:
    waits = [delivery.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert delivery.retry_at(at(10), delivery.MAX_ATTEMPTS) is None


def test_a_customer_who_unsubscribed_after_the_message_was_written_is_not_sent_it(
    centre: OrgUnit, provider: Provider
) -> None:
    first, second = _enqueue(centre, 2, due=at(10))
    # Written straight to the table, as a bulk import of unsubscribed numbers does.
    OptOut.objects.create(centre=centre, address=first.address, channel="", source="import")
    outcome = dispatch_batch(now=at(10), gateways={"sms": StandInGateway()})
    assert (outcome.refused, outcome.sent) == (1, 1)
    first.refresh_from_db()
    assert (first.state, first.refusal) == (MessageState.REFUSED, RefusalReason.OPTED_OUT)
    assert list(provider.keys()) == [delivery.out_id(centre.pk, second.pk)]


def test_a_message_due_before_the_quiet_hours_but_sent_late_waits_for_their_end(
    centre: OrgUnit, provider: Provider
) -> None:
    [message] = _enqueue(centre, 1, due=at(20))
    outcome = dispatch_batch(now=at(21, 30), gateways={"sms": StandInGateway()})
    assert (outcome.deferred, outcome.sent) == (1, 0)
    message.refresh_from_db()
    assert (message.state, message.due_at, message.attempts) == (
        MessageState.QUEUED,
        at(8, day=8),
        0,
    )
    assert dispatch_batch(now=at(7, 59, day=8), gateways={"sms": StandInGateway()}).claimed == 0
    assert dispatch_batch(now=at(8, day=8), gateways={"sms": StandInGateway()}).sent == 1


def test_care_messages_keep_the_marketing_window_at_send_time(
    centre: OrgUnit, provider: Provider
) -> None:
    OutreachRules.objects.filter(pk=rules_of(centre.pk).pk).update(
        quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    [care] = _enqueue(centre, 1, due=at(21, 50))
    Message.objects.filter(pk=care.pk).update(purpose="care")
    assert dispatch_batch(now=at(22, 10), gateways={"sms": StandInGateway()}).deferred == 1
    care.refresh_from_db()
    assert care.due_at == at(8, day=8)


def test_delivery_receipts_are_recorded_once(centre: OrgUnit, provider: Provider) -> None:
    first, second = _enqueue(centre, 2, due=at(10))
    dispatch_batch(now=at(10), gateways={"sms": StandInGateway()})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.provider == "standin"
    delivered = receipt_record("standin", first.reference, True)
    assert delivered is not None and delivered.state == MessageState.DELIVERED
    when = delivered.delivered_at
    again = receipt_record("standin", first.reference, True)
    assert again is not None and again.delivered_at == when
    late_failure = receipt_record("standin", first.reference, False, "UNDELIV")
    assert late_failure is not None and late_failure.state == MessageState.DELIVERED
    failed = receipt_record("standin", second.reference, False, "MK:0001")
    assert failed is not None and (failed.state, failed.error) == (MessageState.FAILED, "MK:0001")
    assert receipt_record("standin", "R999", True) is None
    assert receipt_record("other", first.reference, True) is None


def test_e_mail_goes_through_djangos_mail_with_the_key_in_its_headers(
    centre: OrgUnit, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = message_enqueue(
        centre=centre,
        channel="email",
        address="Zhang@Example.com",
        purpose="notice",
        text="停电通知\n明天停电。",
        key="mail:1",
        due_at=at(10),
    )
    assert dispatch_batch(now=at(10)).sent == 1
    [sent] = mail.outbox
    assert sent.to == ["zhang@example.com"]
    # The subject says who writes and why; the text is the body (providers/email.py).
    assert sent.subject == "测试客服中心：服务公告" and "明天停电。" in sent.body
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.reference == sent.extra_headers["Message-ID"]
    assert sent.extra_headers["X-Kefu-Key"] == delivery.out_id(centre.pk, message.pk)


def test_the_worker_schedule_sends_the_outbox(centre: OrgUnit) -> None:
    """`make run`'s worker: migrate schedules the dispatch every minute."""
    from django_q.models import Schedule

    from kefu.satisfaction.tasks import OUTBOX_DISPATCH, REMINDERS_SCHEDULE

    assert Schedule.objects.get(func=OUTBOX_DISPATCH).minutes == 1
    assert Schedule.objects.get(func=REMINDERS_SCHEDULE).minutes == 10


class SlowProvider:
    """A provider that takes 20 ms a send, and keeps the keys it was sent."""

    name = "slow"

    def __init__(self) -> None:
        self.keys: list[str] = []

    def send(self, number: str, text: str, *, key: str = "", **template: Any) -> str:
        time.sleep(0.02)
        self.keys.append(key)
        return key

    def find(self, number: str, key: str, since: dt.datetime) -> str | None:
        return key if key in self.keys else None


def test_a_batch_past_half_its_lease_hands_the_rest_back_unsent(centre: OrgUnit) -> None:
    """So the dispatcher that takes them after the lease never overlaps a live one."""
    messages = _enqueue(centre, 5, due=at(10))
    slow = SlowProvider()
    lease = dt.timedelta(milliseconds=10)  # half of it is gone after the first send
    outcome = dispatch_batch(now=at(10), lease=lease, gateways={"sms": slow})
    assert (outcome.claimed, outcome.sent, outcome.released) == (5, 1, 4)
    states = dict(Message.objects.values_list("pk", "state"))
    assert states[messages[0].pk] == MessageState.SENT
    assert {states[m.pk] for m in messages[1:]} == {MessageState.QUEUED}
    assert set(Message.objects.filter(state="queued").values_list("attempts", flat=True)) == {0}
    _finish(slow, at(10, 1))
    assert sorted(slow.keys) == sorted(delivery.out_id(centre.pk, m.pk) for m in messages)


def _remind(settings: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        [*KEFU, "outbox", "remind"],
        env=_env(settings, GATEWAY),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_reminder_goes_once_with_schedulers_and_dispatchers_racing_and_one_killed(
    centre: OrgUnit, users: dict[str, Any], provider: Provider, settings: Any
) -> None:
    """Issue 19 point 4, end to end in real processes: two schedulers write today's
    reminders at once; a dispatcher is killed with SIGKILL mid-batch after the provider
    accepted some; two dispatchers then race on the rest. Each reminder reaches the
    provider exactly once."""
    from kefu.customers.services import customer_create
    from kefu.satisfaction.models import CustomerDate, Reminder, ReminderRule

    _no_quiet_hours(centre)
    today = timezone.localdate()
    rule = ReminderRule.objects.create(
        centre=centre,
        name="校验提醒",
        event="meter_calibration",
        days=0,
        channel="sms",
        template="尊敬的{客户}：您的电能表将于{日期}{事项}。",
    )
    for index in range(40):
        customer = customer_create(
            actor=users["agent"], name=f"客户{index}", phones=[f"1370000{index:04d}"]
        )
        CustomerDate.objects.create(
            centre=centre, customer=customer, kind="meter_calibration", date=today
        )
    schedulers = [_remind(settings) for _ in range(2)]
    for each in schedulers:
        _out, errors = each.communicate(timeout=300)
        assert each.returncode == 0, errors
    assert Reminder.objects.filter(rule=rule).count() == 40
    reminders = Message.objects.filter(centre=centre, key__startswith=f"reminder:{rule.pk}:")
    assert set(reminders.values_list("state", flat=True)) == {MessageState.QUEUED}
    # The day's send window is data: open it now rather than wait for it.
    due = timezone.now() - dt.timedelta(minutes=1)
    reminders.update(scheduled_for=due, due_at=due)

    provider.hang_after = 6
    killed = _dispatcher(settings, batch=20)
    _wait_for(lambda: len(provider.keys()) >= 6, "six sends accepted")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    provider.hang_after = None
    provider.release.set()
    # The killed batch's lease runs out (time passing, written as data).
    Message.objects.filter(state=MessageState.SENDING).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    racing = [_dispatcher(settings, batch=7) for _ in range(2)]
    for each in racing:
        _out, errors = each.communicate(timeout=300)
        assert each.returncode == 0, errors

    keys = provider.keys()
    assert sorted(keys) == sorted(delivery.out_id(centre.pk, m.pk) for m in reminders)
    assert set(keys.values()) == {1}
    assert set(reminders.values_list("state", flat=True)) == {MessageState.SENT}


def test_a_batch_costs_the_same_queries_whatever_its_size(centre: OrgUnit) -> None:
    """The dispatcher reads each claimed message whole in one query: a field it reads but
    did not load would cost a query per message (and the bench's throughput with it)."""
    from django.test.utils import CaptureQueriesContext

    slow = SlowProvider()
    counts = []
    for size, day in ((3, 7), (30, 8)):
        for index in range(size):
            message_enqueue(
                centre=centre,
                channel="sms",
                address=f"1380000{index:04d}",
                purpose="reminder",
                text="提醒",
                key=f"size{size}:{index}",
                due_at=at(10, day=day),
                template_code="SMS_100",
                params={"name": "王"},
            )
        with CaptureQueriesContext(connection) as queries:
            outcome = dispatch_batch(now=at(10, day=day), gateways={"sms": slow})
        assert outcome.sent == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
