"""The agent workbench through real requests: screen pop, the customer card, one form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import OrgUnit, Region, User
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(users["agent"])
    return client


@pytest.fixture
def caller(users: dict[str, User], tags: dict[str, Any]) -> Customer:
    return customer_create(
        actor=users["agent"],
        name="李秀英",
        phones=["13912345678"],
        id_number="11010519491231002X",
        address="江苏省南京市鼓楼区中山北路1号",
        tags=["dissatisfied"],
    )


@pytest.fixture
def outage(centre: OrgUnit) -> CallReason:
    repair = CallReason.objects.create(
        centre=centre, dimension="business_type", code="fault_repair", name="故障报修"
    )
    return CallReason.objects.create(
        centre=centre, dimension="service_content", code="power_outage", name="停电", parent=repair
    )


def test_the_screen_pop_finds_the_caller_and_shows_the_card_masked(
    agent: Client, caller: Customer
) -> None:
    page = agent.get("/workbench/", {"caller": "139 1234 5678"}).content.decode()
    assert "李秀英" in page
    assert "139****5678" in page and "13912345678" not in page
    assert "11010519491231002X" not in page
    assert 'class="tag danger">不满意' in page


def test_an_unknown_number_offers_a_new_customer(agent: Client, users: dict[str, User]) -> None:
    page = agent.get("/workbench/", {"caller": "13700001111"}).content.decode()
    assert "没有客户使用此号码" in page
    response = agent.post(
        "/workbench/customer",
        {"name": "周建华", "phone": "13700001111", "address": "", "submission": "form-1"},
    )
    customer = Customer.objects.get(name="周建华")
    assert response.headers["Location"] == f"/workbench/?caller=13700001111&customer={customer.pk}"


def test_a_settled_contact_is_recorded_without_an_order(
    agent: Client, caller: Customer, outage: CallReason, region: Region
) -> None:
    agent.post(
        "/workbench/record",
        {
            "caller_number": "13912345678",
            "customer_id": caller.pk,
            "service_content": "power_outage",
            "region": region.code,
            "summary": "客户咨询停电原因，已告知计划检修。",
            "settled": "on",
            "submission": "form-1",
        },
    )
    contact = Contact.objects.get(customer=caller)
    assert contact.settled and contact.business_type.code == "fault_repair"  # type: ignore[union-attr]
    assert contact.region == region
    assert not Ticket.objects.exists()


def test_one_form_records_the_contact_and_opens_the_order_at_the_expert_seat(
    agent: Client, caller: Customer, outage: CallReason, centre: OrgUnit
) -> None:
    OrgUnit.objects.create(
        kind="department", code="expert-seat", name="专席", parent=centre, expert_seat=True
    )
    response = agent.post(
        "/workbench/record",
        {
            "caller_number": "13912345678",
            "customer_id": caller.pk,
            "service_content": "power_outage",
            "summary": "客户反映小区停电三小时，要求尽快恢复，报修未果",
            "kind": "fault",
            "urgency": "urgent",
            "to_expert_seat": "on",
            "submission": "form-1",
        },
        follow=True,
    )
    ticket = Ticket.objects.get(customer=caller)
    assert (ticket.state, ticket.department.code) == ("dispatched", "expert-seat")  # type: ignore[union-attr]
    assert ticket.title == "客户反映小区停电三小时" and ticket.category == outage
    assert list(ticket.contacts.values_list("settled", flat=True)) == [False]
    assert f"工单 {ticket.number} 已受理" in response.content.decode()


def test_a_refused_order_leaves_no_contact_behind(agent: Client, caller: Customer) -> None:
    response = agent.post(
        "/workbench/record",
        {
            "caller_number": "13912345678",
            "summary": "未识别客户的投诉",
            "kind": "complaint",
            "submission": "form-1",
        },
        follow=True,
    )
    assert "工单需要关联客户" in response.content.decode()
    assert not Contact.objects.exists() and not Ticket.objects.exists()


def test_the_workbench_costs_a_fixed_number_of_queries(
    agent: Client, caller: Customer, django_assert_max_num_queries: Any
) -> None:
    # The caller's watch-list entries are one query more (issue 15, 18a); the standard
    # phrases in use are one, and the holiday notices for the festival greeting one more;
    # the notices to customers running now one more (two more when there are some: their
    # regions, and the region tree around the caller's); the caller's entry on the
    # dissatisfied list one more (two more when there is one: its steps and reasons).
    with django_assert_max_num_queries(19):
        assert agent.get("/workbench/", {"caller": "13912345678"}).status_code == 200
