"""The workbench form's one-time token: Back and resubmit, a double click, or two identical
posts at once record one contact and open one order."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kefu.conftest import PASSWORD, race
from kefu.contacts.models import Contact
from kefu.core.models import User
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_token(client: Client, caller: str) -> str:
    page = client.get("/workbench/", {"caller": caller}).content.decode()
    match = re.search(r'name="submission" value="([^"]+)"', page)
    assert match, "the workbench form carries no one-time token"
    return match.group(1)


def order_post(customer: Customer, token: str) -> dict[str, Any]:
    return {
        "caller_number": "13912345678",
        "customer_id": customer.pk,
        "summary": "客户反映小区停电三小时，要求尽快恢复",
        "kind": "fault",
        "urgency": "normal",
        "submission": token,
    }


@pytest.fixture
def caller(users: dict[str, User]) -> Customer:
    return customer_create(actor=users["agent"], name="李秀英", phones=["13912345678"])


@pytest.mark.django_db
def test_back_and_resubmit_records_one_contact_and_one_order(
    users: dict[str, User], caller: Customer
) -> None:
    agent = signed_in(users["agent"])
    token = form_token(agent, "13912345678")
    first = agent.post("/workbench/record", order_post(caller, token), follow=True)
    ticket = Ticket.objects.get()
    assert f"工单 {ticket.number} 已受理" in first.content.decode()
    # Back to the page as it was, and the same form sent again.
    again = agent.post("/workbench/record", order_post(caller, token), follow=True)
    page = again.content.decode()
    assert "此表单已提交过" in page and ticket.number in page
    assert again.redirect_chain == first.redirect_chain
    assert Contact.objects.count() == 1 and Ticket.objects.count() == 1
    # A fresh rendering of the form records the next contact.
    agent.post("/workbench/record", order_post(caller, form_token(agent, "13912345678")))
    assert Contact.objects.count() == 2 and Ticket.objects.count() == 2


@pytest.mark.django_db
def test_the_new_customer_form_creates_one_customer_when_sent_twice(
    users: dict[str, User],
) -> None:
    agent = signed_in(users["agent"])
    token = form_token(agent, "13700001111")
    body = {"name": "周建华", "phone": "13700001111", "address": "", "submission": token}
    first = agent.post("/workbench/customer", body)
    again = agent.post("/workbench/customer", body, follow=True)
    customer = Customer.objects.get()
    assert first["Location"] == f"/workbench/?caller=13700001111&customer={customer.pk}"
    assert again.redirect_chain[0][0] == first["Location"]
    assert "此表单已提交过" in again.content.decode()


@pytest.mark.django_db
def test_a_token_is_the_users_own_and_a_form_without_one_is_refused(
    users: dict[str, User], caller: Customer
) -> None:
    agent = signed_in(users["agent"])
    token = form_token(agent, "13912345678")
    agent.post("/workbench/record", order_post(caller, token))
    signed_in(users["expert"]).post("/workbench/record", order_post(caller, token))
    assert Ticket.objects.count() == 2
    body = order_post(caller, token)
    del body["submission"]
    page = agent.post("/workbench/record", body, follow=True).content.decode()
    assert "页面已过期" in page and Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_form_can_be_corrected_and_sent_again(
    users: dict[str, User], caller: Customer
) -> None:
    agent = signed_in(users["agent"])
    token = form_token(agent, "13912345678")
    refused = {**order_post(caller, token), "customer_id": "", "kind": "complaint"}
    page = agent.post("/workbench/record", refused, follow=True).content.decode()
    assert "工单需要关联客户" in page
    agent.post("/workbench/record", order_post(caller, token))
    assert Contact.objects.count() == 1 and Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_record_one_contact_and_one_order(
    users: dict[str, User], caller: Customer
) -> None:
    clients = [signed_in(users["agent"]) for _ in range(2)]
    token = form_token(clients[0], "13912345678")

    def send(client: Client) -> str:
        response = client.post("/workbench/record", order_post(caller, token))
        assert response.status_code == 302
        return str(response["Location"])

    locations = race([lambda client=client: send(client) for client in clients])  # type: ignore[misc]
    assert Contact.objects.count() == 1 and Ticket.objects.count() == 1
    assert len(set(locations)) == 1, locations


@pytest.mark.django_db(transaction=True)
def test_a_double_click_in_the_browser_records_one_contact_and_one_order(
    browser_page: Any, users: dict[str, User], caller: Customer
) -> None:
    tab = browser_page()
    tab.sign_in(users["agent"].username, PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    page = tab.page
    page.fill("textarea[name=summary]", "客户反映小区停电三小时，要求尽快恢复")
    page.select_option("select[name=kind]", "fault")
    page.dblclick("#contact-form button[type=submit]")
    page.wait_for_selector(".message")
    page.wait_for_load_state("networkidle")
    assert Contact.objects.count() == 1 and Ticket.objects.count() == 1
    number = Ticket.objects.get().number
    assert number in page.inner_text("body")
    # Back, and the same form saved again: still one of each.
    page.go_back()
    page.wait_for_load_state("networkidle")
    if page.locator("#contact-form textarea[name=summary]").input_value() == "":
        page.fill("textarea[name=summary]", "客户反映小区停电三小时，要求尽快恢复")
        page.select_option("select[name=kind]", "fault")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector(".message")
    assert Contact.objects.count() == 1 and Ticket.objects.count() == 1
