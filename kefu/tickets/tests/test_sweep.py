"""Warnings and overdue points: recorded once, told to the people responsible."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from kefu.core.models import Notification, OrgUnit, User
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import deadline_sweep

pytestmark = pytest.mark.django_db


def events(number: str, action: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket__number=number, action=action))


def test_warning_then_overdue_are_recorded_once_each(
    open_ticket: Callable[..., dict[str, Any]],
    users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    users["leader"].email = "leader@example.cn"
    users["leader"].save(update_fields=["email"])
    number = open_ticket()["number"]
    start = timezone.now()

    assert deadline_sweep(now=start + timedelta(hours=2)).warnings == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = deadline_sweep(now=start + timedelta(hours=3, minutes=1))
    assert (first.warnings, first.overdue) == (1, 0)
    assert deadline_sweep(now=start + timedelta(hours=3, minutes=2)).warnings == 0
    late = deadline_sweep(now=start + timedelta(hours=4, minutes=1))
    assert (late.warnings, late.overdue) == (0, 1)
    assert deadline_sweep(now=start + timedelta(hours=5)).overdue == 0

    (warning,) = events(number, "warning")
    (overdue,) = events(number, "overdue")
    assert warning.data["stage"] == overdue.data["stage"] == "review"
    assert [e.seq for e in TicketEvent.objects.filter(ticket__number=number)] == [1, 2, 3]
    # The back office owns the review stage; the centre's leader hears too.
    told = set(
        Notification.objects.filter(kind="ticket.warning").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"backoffice", "leader"}
    assert "manager" in Notification.objects.filter(kind="ticket.overdue").values_list(
        "recipient__username", flat=True
    )
    assert [message.to for message in mail.outbox] == [["leader@example.cn"]]
    assert number in mail.outbox[0].subject


def test_a_new_stage_gets_its_own_warnings(
    open_ticket: Callable[..., dict[str, Any]], act: Callable[..., Any], department: OrgUnit
) -> None:
    number = open_ticket()["number"]
    start = timezone.now()
    deadline_sweep(now=start + timedelta(hours=5))
    assert act("backoffice", number, "dispatch", department="repair").status_code == 200
    ticket = Ticket.objects.get(number=number)
    assert (ticket.stage, ticket.stage_warned, ticket.stage_overdue) == ("take", False, False)

    assert ticket.stage_due_at is not None
    deadline_sweep(now=ticket.stage_due_at + timedelta(minutes=1))
    stages = [event.data["stage"] for event in events(number, "overdue")]
    assert stages == ["review", "take"]
    told = Notification.objects.filter(kind="ticket.overdue").values_list(
        "recipient__username", flat=True
    )
    assert "handler" in told


def test_suspended_and_finished_orders_are_left_alone(
    open_ticket: Callable[..., dict[str, Any]], act: Callable[..., Any]
) -> None:
    suspended = open_ticket()["number"]
    cancelled = open_ticket()["number"]
    act("backoffice", suspended, "suspend", reason="等客户")
    act("leader", cancelled, "cancel", reason="撤诉")

    result = deadline_sweep(now=timezone.now() + timedelta(days=30))
    assert (result.warnings, result.overdue) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_racing_record_each_event_once(
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    numbers = [open_ticket()["number"] for _ in range(6)]
    later = timezone.now() + timedelta(hours=5)
    barrier = threading.Barrier(2)

    def sweeper() -> None:
        barrier.wait()
        try:
            deadline_sweep(now=later)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for number in numbers:
        assert len(events(number, "overdue")) == 1, number
        seqs = list(TicketEvent.objects.filter(ticket__number=number).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))


def test_migrate_schedules_the_sweep_every_minute(db: None) -> None:
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="kefu.tickets.tasks.sweep")
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 1)


class RecordingGateway:
    """Stands in for an operator's SMS gateway, which lies outside the product."""

    sent: list[tuple[str, str]] = []

    def send(self, number: str, text: str) -> None:
        self.sent.append((number, text))


def test_overdue_points_also_go_out_by_sms_after_commit(
    open_ticket: Callable[..., dict[str, Any]],
    users: dict[str, User],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.KEFU_SMS_GATEWAY = f"{__name__}.RecordingGateway"
    RecordingGateway.sent = []
    users["leader"].phone = "13900001111"
    users["leader"].save(update_fields=["phone"])
    number = open_ticket()["number"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deadline_sweep(now=timezone.now() + timedelta(hours=3, minutes=1))  # a warning
        deadline_sweep(now=timezone.now() + timedelta(hours=5))  # overdue
    assert RecordingGateway.sent == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()

    assert len(RecordingGateway.sent) == 1
    phone, text = RecordingGateway.sent[0]
    assert phone == "13900001111" and number in text
