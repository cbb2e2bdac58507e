"""Complaints about a staff member's attitude go to a team leader or supervisor
(002 第17篇 18: "认真记录客户的投诉内容…提交组长或主管处理"; 19: the supervisor contacts the
customer at once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason
from kefu.core.models import Notification, User
from kefu.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]


@pytest.fixture
def leaders_rule(api_as: Callable[[str], ApiClient], complaint_category: CallReason) -> None:
    admin = api_as("admin")
    both = admin.post(
        "/api/v1/dispatch-rules",
        {"category": "attitude", "to_leaders": True, "department": "repair"},
    )
    assert both.status_code == 422 and both.json()["code"] == "dispatch_rule_two_targets"
    nothing = admin.post("/api/v1/dispatch-rules", {"to_leaders": True})
    assert nothing.status_code == 422 and nothing.json()["detail"]["field"] == "category"
    created = admin.post("/api/v1/dispatch-rules", {"category": "attitude", "to_leaders": True})
    assert created.status_code == 201, created.content
    assert created.json()["to_leaders"] is True and created.json()["department"] is None
    listed = admin.get("/api/v1/dispatch-rules").json()
    assert [rule["to_leaders"] for rule in listed] == [True]


@pytest.mark.usefixtures("leaders_rule")
def test_a_complaint_about_a_staff_members_attitude_goes_to_the_team_leaders(
    open_ticket: Callable[..., dict[str, Any]], act: Act, users: dict[str, User]
) -> None:
    number = open_ticket()["number"]  # a complaint, category 服务态度
    ticket = Ticket.objects.get(number=number)
    assert (ticket.state, ticket.with_leaders, ticket.department) == ("dispatched", True, None)
    events = TicketEvent.objects.filter(ticket=ticket).order_by("seq")
    assert [(e.action, e.actor) for e in events] == [
        ("create", users["agent"]),
        ("refer", users["agent"]),
    ]
    told = Notification.objects.filter(kind="ticket.referred", title__contains=number)
    assert set(told.values_list("recipient__username", flat=True)) == {"leader", "manager"}

    # Neither the back office nor a department works it; a team leader does.
    assert act("backoffice", number, "take").status_code == 403
    assert act("handler", number, "take").status_code == 404
    assert act("leader", number, "take").status_code == 200
    assert Ticket.objects.get(number=number).assignee == users["leader"]
    returned = act("leader", number, "return", result="已回电致歉，并对当班客服代表进行辅导")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert act("leader", number, "suspend", reason="等待").status_code == 403
    # The back office verifies and answers the customer as for any order.
    assert act("backoffice", number, "verify").status_code == 200
    replied = act("backoffice", number, "reply", channel="phone", text="已回复客户")
    assert replied.status_code == 200


@pytest.mark.usefixtures("leaders_rule")
def test_other_orders_of_the_category_and_other_complaints_go_the_usual_way(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    query = open_ticket(kind="query")["number"]
    other = open_ticket(category=None)["number"]
    for number in (query, other):
        ticket = Ticket.objects.get(number=number)
        assert (ticket.state, ticket.with_leaders) == ("accepted", False)
        assert act("leader", number, "take").status_code == 403
    # The back office may still refer a complaint by hand (only a complaint), and take it
    # back by dispatching it.
    assert act("backoffice", query, "refer").status_code == 409
    assert act("backoffice", other, "refer").status_code == 200
    assert Ticket.objects.get(number=other).with_leaders is True
    assert act("leader", other, "take").status_code == 200
    moved = act("backoffice", other, "reassign", department="repair")
    assert moved.status_code == 200
    assert Ticket.objects.get(number=other).with_leaders is False
    assert act("leader", other, "return", result="x").status_code == 403


@pytest.mark.usefixtures("leaders_rule")
def test_the_leaders_page_lists_the_complaints_they_hold(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    usual = open_ticket(kind="query")["number"]
    client = Client()
    client.force_login(users["leader"])
    page = client.get("/tickets/leaders/").content.decode()
    assert "待处理投诉" in page and number in page and usual not in page
    taken = client.post(f"/tickets/{number}/take/", {"version": 1, "next": "/tickets/leaders/"})
    assert taken.status_code == 302 and taken["Location"] == "/tickets/leaders/"
    assert Ticket.objects.get(number=number).state == "handling"
    detail = client.get(f"/tickets/{number}/").content.decode()
    assert "组长或主管" in detail and "action-return" in detail
