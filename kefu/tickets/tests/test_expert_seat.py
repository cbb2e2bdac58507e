"""The expert seat (专席) as 000 第8篇 describes it: where the customer's problem ends.
Within 10 minutes of taking an order the expert answers the customer, and closes it,
sends it back to the front line, dispatches field staff, or warns maintenance; the
10-minute limits are the expert's own steps, the order's own limits the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.core.models import Notification, OrgUnit, User, WorkCalendar
from kefu.core.services import user_create
from kefu.tickets.lifecycle import (
    EXPERT_ACTIONS,
    Action,
    Situation,
    State,
    TransitionRefused,
    allowed_actions,
    may_act_on,
    next_state,
)
from kefu.tickets.models import Ticket, TicketEvent, TimeLimitPolicy

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]
TEN_MINUTES = timedelta(minutes=10)


# ------------------------------------------------------------------ the table, pure


def test_the_expert_steps_start_from_handling_at_an_expert_seat() -> None:
    at_seat = Situation(State.HANDLING, expert_seat=True)
    assert next_state(Action.ANSWER_CLOSE, at_seat) == State.CLOSED
    assert next_state(Action.SEND_BACK, at_seat) == State.ACCEPTED
    assert next_state(Action.FIELD_DISPATCH, at_seat) == State.DISPATCHED
    assert next_state(Action.WARN_MAINTENANCE, at_seat) == State.HANDLING
    assert set(allowed_actions(at_seat)) >= EXPERT_ACTIONS
    for situation in [
        Situation(State.HANDLING),  # a department's handling, not an expert seat's
        Situation(State.DISPATCHED, expert_seat=True),  # not taken yet
        Situation(State.HANDLING, suspended=True, expert_seat=True),
        Situation(State.RETURNED, expert_seat=True),
    ]:
        assert not EXPERT_ACTIONS & set(allowed_actions(situation))
        for action in EXPERT_ACTIONS:
            with pytest.raises(TransitionRefused):
                next_state(action, situation)


def test_only_the_experts_of_the_holding_seat_take_the_steps() -> None:
    for action in EXPERT_ACTIONS:
        assert may_act_on("expert", action, own_unit=7, held_by=7)
        assert not may_act_on("expert", action, own_unit=7, held_by=8)
        for role in ("agent", "backoffice", "handler", "leader", "manager"):
            assert not may_act_on(role, action, own_unit=7, held_by=7)


# ------------------------------------------------------------------ through HTTP


@pytest.fixture
def seat(centre: OrgUnit, users: dict[str, User], always: WorkCalendar) -> OrgUnit:
    """The centre's expert seat with the seed's 10-minute steps; the expert sits there."""
    unit = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT,
        code="expert-seat",
        name="专席",
        parent=centre,
        expert_seat=True,
    )
    users["expert"].department = unit
    users["expert"].save(update_fields=["department"])
    ten = {"limit": "PT10M", "warning": "PT8M"}
    TimeLimitPolicy.objects.create(
        name="专席（10分钟）",
        calendar=always,
        expert_seat=True,
        limits={"take": ten, "return": ten},
    )
    return unit


@pytest.fixture
def taken(
    seat: OrgUnit, open_ticket: Callable[..., dict[str, Any]], act: Act, department: OrgUnit
) -> str:
    """An order the front line passed to the expert seat and the expert has taken."""
    number = open_ticket(kind="consultation")["number"]
    assert act("agent", number, "transfer").status_code == 200
    assert act("expert", number, "take").status_code == 200
    return number


def test_the_expert_answers_and_closes_within_its_own_ten_minutes(
    taken: str, act: Act, api_as: Callable[[str], ApiClient]
) -> None:
    ticket = Ticket.objects.get(number=taken)
    assert ticket.stage == "return" and ticket.department == OrgUnit.objects.get(code="expert-seat")
    assert ticket.stage_started_at is not None
    assert ticket.stage_due_at == ticket.stage_started_at + TEN_MINUTES
    missing = act("expert", taken, "answer_close", channel="phone")
    assert missing.status_code == 422 and missing.json()["detail"]["field"] == "text"

    closed = act(
        "expert", taken, "answer_close", channel="phone", text="已指导客户重启光猫，恢复正常"
    )
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["state"] == "closed" and body["result"] == "已指导客户重启光猫，恢复正常"
    ticket.refresh_from_db()
    assert ticket.closed_at is not None and ticket.answered_at == ticket.closed_at
    event = TicketEvent.objects.get(ticket=ticket, action="answer_close")
    assert event.data == {
        "seat": "expert-seat",
        "channel": "phone",
        "text": "已指导客户重启光猫，恢复正常",
    }
    story = api_as("backoffice").get(f"/api/v1/tickets/{taken}").json()
    limits = {stage["stage"]: stage for stage in story["stages"]}
    # The transfer's take and the expert's answer each ran on the 10-minute limits.
    for stage in ("take", "return"):
        assert limits[stage]["on_time"] is True
        assert limits[stage]["due_at"] is not None


def test_the_expert_sends_an_order_back_to_the_front_line(
    taken: str, act: Act, users: dict[str, User]
) -> None:
    assert act("expert", taken, "send_back").json()["detail"]["field"] == "reason"
    back = act("expert", taken, "send_back", reason="非宽带故障，属电费问题，请一线核实后派单")
    assert back.status_code == 200, back.content
    assert back.json()["state"] == "accepted" and back.json()["department"] is None
    ticket = Ticket.objects.get(number=taken)
    assert ticket.stage == "review"  # the order's own limits again
    assert ticket.stage_started_at is not None
    assert ticket.stage_due_at == ticket.stage_started_at + timedelta(hours=4)
    (told,) = Notification.objects.filter(kind="ticket.sent_back")
    assert told.recipient == users["agent"] and taken in told.title
    assert act("backoffice", taken, "dispatch", department="repair").status_code == 200


def test_the_expert_dispatches_field_staff_on_the_orders_own_limits(
    taken: str, act: Act, centre: OrgUnit
) -> None:
    refused = act("expert", taken, "field_dispatch", department="expert-seat")
    assert refused.status_code == 422 and refused.json()["code"] == "department_unknown"
    sent = act("expert", taken, "field_dispatch", department="repair", text="已安排抢修人员上门")
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "dispatched"
    assert sent.json()["department"]["code"] == "repair"
    ticket = Ticket.objects.get(number=taken)
    assert ticket.stage == "take" and ticket.stage_started_at is not None
    assert ticket.stage_due_at == ticket.stage_started_at + timedelta(hours=4)
    told = Notification.objects.filter(kind="ticket.assigned", title__contains=taken)
    assert "handler" in told.values_list("recipient__username", flat=True)
    # The seat has let it go; the department's handler takes it.
    assert (
        act("expert", taken, "warn_maintenance", department="repair", note="x").status_code == 403
    )
    assert act("handler", taken, "take").status_code == 200


def test_the_expert_warns_maintenance_and_keeps_the_order(
    taken: str, act: Act, centre: OrgUnit, department: OrgUnit
) -> None:
    operation = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="operation", name="运维检修部", parent=centre
    )
    crew = user_create(
        username="operation-handler",
        password="x-pass-2026",
        role="handler",
        centre=centre,
        department=operation,
    )
    missing = act("expert", taken, "warn_maintenance", department="operation")
    assert missing.status_code == 422 and missing.json()["detail"]["field"] == "note"
    before = Ticket.objects.get(number=taken)
    warned = act(
        "expert", taken, "warn_maintenance", department="operation", note="同一小区多户停电"
    )
    assert warned.status_code == 200, warned.content
    after = Ticket.objects.get(number=taken)
    assert (after.state, after.department_id) == ("handling", before.department_id)
    assert after.stage_due_at == before.stage_due_at  # the expert's clock runs on
    (told,) = Notification.objects.filter(kind="ticket.maintenance_warning")
    assert told.recipient == crew and told.body == "同一小区多户停电"
    assert (
        act("expert", taken, "answer_close", text="已告知客户区域性故障正在抢修").json()["state"]
        == "closed"
    )


def test_no_one_else_takes_the_experts_steps(
    taken: str, act: Act, open_ticket: Callable[..., dict[str, Any]]
) -> None:
    for role in ("agent", "backoffice", "leader", "manager"):
        response = act(role, taken, "answer_close", text="已答复")
        assert response.status_code == 403, role
    waiting = open_ticket(kind="consultation")["number"]
    assert act("agent", waiting, "transfer").status_code == 200
    early = act("expert", waiting, "answer_close", text="已答复")
    assert early.status_code == 409 and "take" in early.json()["detail"]["allowed_actions"]
