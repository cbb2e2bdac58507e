"""The complaint promise (002 第17篇 20): a clear answer within 2 hours (simple) or 24 hours
(complex), counted to the answer the customer is given, not to the close after the
callback, which has a limit of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient
from kefu.core.models import Notification, User, WorkCalendar
from kefu.core.workcal import parse_iso_duration
from kefu.tickets import sla
from kefu.tickets.demo import POLICIES
from kefu.tickets.models import Ticket, TicketEvent, TimeLimitPolicy
from kefu.tickets.services import deadline_sweep

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]
HOUR = timedelta(hours=1)


def test_the_default_complaint_policies_promise_the_answer_as_the_seed_says() -> None:
    """002 第17篇 20: "在2小时之内（简单投诉）/24小时之内（复杂投诉）给您明确的答复"."""
    policies = {name: (match, limits, callback) for name, match, _cal, limits, callback in POLICIES}
    simple = policies["投诉（简单，2小时答复）"]
    complex_ = policies["投诉（复杂，24小时答复）"]
    assert simple[0]["kind"] == complex_[0]["kind"] == "complaint"
    assert simple[1]["answer"]["limit"] == "PT2H"
    assert complex_[1]["answer"]["limit"] == "PT24H"
    for _match, limits, callback in (simple, complex_):
        # The promise ends at the answer; the callback after it has a limit of its own.
        assert callback and "callback" in limits
        sla.validate_policy(
            sla.Policy(
                key="x",
                kind="complaint",
                calendar="24x7",
                limits={stage: sla.StageLimit(**value) for stage, value in limits.items()},
            )
        )
        answer = parse_iso_duration(limits["answer"]["limit"])
        assert parse_iso_duration(limits["overall"]["limit"]) > answer


@pytest.fixture
def complaint_policy(always: WorkCalendar, policy: TimeLimitPolicy) -> TimeLimitPolicy:
    """Generous stages, the simple complaint's answer in 2 hours, a day for the callback."""
    four = {"limit": "PT4H", "warning": "PT3H"}
    return TimeLimitPolicy.objects.create(
        name="投诉（简单，2小时答复）",
        kind="complaint",
        calendar=always,
        limits={
            **{stage: four for stage in ("review", "take", "return", "verify", "reply")},
            "answer": {"limit": "PT2H", "warning": "PT1H30M"},
            "callback": {"limit": "PT24H", "warning": "PT20H"},
            "overall": {"limit": "P3D", "warning": "P2D"},
        },
    )


def at(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


@pytest.mark.usefixtures("complaint_policy")
def test_the_promise_is_kept_by_the_reply_not_by_the_close_after_the_callback(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    api_as: Callable[[str], ApiClient],
) -> None:
    number = open_ticket()["number"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.answer_due_at == ticket.created_at + 2 * HOUR
    assert ticket.answer_warn_at == ticket.created_at + 1.5 * HOUR
    for role, action, fields in [
        ("backoffice", "handle_in_centre", {}),
        ("backoffice", "return", {"result": "已向客户致歉并批评教育相关人员"}),
        ("backoffice", "verify", {}),
        ("backoffice", "reply", {"channel": "phone", "text": "已电话答复客户处理结果"}),
    ]:
        assert act(role, number, action, **fields).status_code == 200
    ticket.refresh_from_db()
    replied_at = TicketEvent.objects.get(ticket=ticket, action="reply").at
    assert ticket.answered_at == replied_at
    assert ticket.answer_due_at is None and ticket.answer_warn_at is None
    # The callback runs on its own limit from the reply, a day here.
    assert ticket.stage == "callback"
    assert ticket.stage_due_at == replied_at + 24 * HOUR

    # Hours later, the callback not yet made: no broken promise is recorded.
    deadline_sweep(now=ticket.created_at + 3 * HOUR)
    assert not TicketEvent.objects.filter(ticket=ticket, action="overdue").exists()
    body = api_as("backoffice").get(f"/api/v1/tickets/{number}").json()
    assert body["status"] == "ok"
    (promise,) = [stage for stage in body["stages"] if stage["stage"] == "answer"]
    assert promise["on_time"] is True
    assert at(promise["ended_at"]) == replied_at
    assert at(promise["due_at"]) == ticket.created_at + 2 * HOUR


@pytest.mark.usefixtures("complaint_policy")
def test_an_unanswered_complaint_breaks_its_promise_before_any_stage_is_late(
    open_ticket: Callable[..., dict[str, Any]],
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
) -> None:
    number = open_ticket()["number"]
    ticket = Ticket.objects.get(number=number)
    deadline_sweep(now=ticket.created_at + 1.5 * HOUR + timedelta(minutes=1))
    deadline_sweep(now=ticket.created_at + 2 * HOUR + timedelta(minutes=1))
    deadline_sweep(now=ticket.created_at + 2 * HOUR + timedelta(minutes=2))
    marks = TicketEvent.objects.filter(ticket=ticket, action__in=["warning", "overdue"])
    assert [(event.action, event.data["stage"]) for event in marks.order_by("seq")] == [
        ("warning", "answer"),
        ("overdue", "answer"),
    ]
    # The review stage (4 hours) is not late: the promise alone is broken.
    ticket.refresh_from_db()
    assert ticket.stage == "review" and not ticket.stage_overdue and ticket.answer_overdue
    told = Notification.objects.filter(kind="ticket.overdue", title__contains=number)
    assert {"backoffice", "leader", "manager"} <= set(
        told.values_list("recipient__username", flat=True)
    )


@pytest.mark.usefixtures("complaint_policy")
def test_a_reopened_complaint_is_owed_a_new_answer(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = open_ticket()["number"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("backoffice", "handle_in_centre", {}),
        ("backoffice", "return", {"result": "已致歉"}),
        ("backoffice", "verify", {}),
        ("backoffice", "reply", {"channel": "phone", "text": "已答复"}),
        ("backoffice", "callback", {"satisfied": False, "note": "客户不满意"}),
    ]
    for role, action, fields in steps:
        assert act(role, number, action, **fields).status_code == 200
    ticket = Ticket.objects.get(number=number)
    reopened_at = TicketEvent.objects.get(ticket=ticket, action="callback").at
    assert ticket.state == "accepted"
    assert ticket.answered_at is None and ticket.answer_started_at == reopened_at
    assert ticket.answer_due_at == reopened_at + 2 * HOUR
    assert timezone.now() < ticket.answer_due_at
