"""Issue 15, point 25: a contact has a page of its own, so that QA and leaders read a whole
summary; it is reached from the contact list and the customer's history, through the
contact's access-checked getter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.contacts.models import Contact
from kefu.contacts.services import contact_create
from kefu.core.models import OrgUnit, User
from kefu.customers.services import customer_create
from kefu.tickets.services import ticket_create

LONG = (
    "客户反映家中自昨晚八点起停电，邻居家有电，表箱内空开未跳闸，已自行检查入户线无明显破损。"
    "客户家中有老人需使用制氧机，情绪较为急躁，要求两小时内恢复供电，并表示若再无人处理将向"
    "12398 投诉。已安抚客户并告知将派抢修人员上门，请抢修班组优先处理。"
)


def _contact(users: dict[str, User]) -> Contact:
    customer = customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])
    started = timezone.now() - timedelta(minutes=30)
    contact = contact_create(
        actor=users["agent"],
        channel="hotline",
        started_at=started,
        ended_at=started + timedelta(minutes=4, seconds=12),
        caller_number="13812345678",
        customer_id=customer.pk,
        summary=LONG,
    )
    ticket_create(
        actor=users["agent"],
        customer_id=customer.pk,
        kind="fault",
        title="单户停电",
        contact_id=contact.pk,
    )
    return contact


@pytest.mark.django_db
def test_qa_reads_the_whole_summary_with_its_orders(users: dict[str, User]) -> None:
    contact = _contact(users)
    client = Client()
    client.force_login(users["qa"])
    listing = client.get("/contacts/").content.decode()
    assert f'href="/contacts/{contact.pk}/"' in listing
    html = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert LONG in html  # the whole summary, not cut at 60 characters
    assert "138****5678" in html and "13812345678" not in html  # the number stays masked
    assert "4 分 12 秒" in html and "热线" in html and "单户停电" in html


@pytest.mark.django_db
def test_the_customer_history_links_each_contact(users: dict[str, User]) -> None:
    contact = _contact(users)
    client = Client()
    client.force_login(users["leader"])
    page = client.get(f"/customers/{contact.customer_id}/").content.decode()
    assert f'href="/contacts/{contact.pk}/"' in page


@pytest.mark.django_db
def test_the_page_is_access_checked(
    users: dict[str, User], make_user: Callable[..., User], other_centre: OrgUnit
) -> None:
    contact = _contact(users)
    stranger = make_user("qa", username="qa-elsewhere", centre=other_centre)
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/contacts/{contact.pk}/").status_code == 404
    client.force_login(users["handler"])  # handlers see orders, not contacts
    assert client.get(f"/contacts/{contact.pk}/").status_code == 403
    client.force_login(users["qa"])
    assert client.get("/contacts/999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_qa_opens_a_contact_from_the_list(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    contact = _contact(users)
    tab = browser_page()
    tab.sign_in("qa", PASSWORD)
    tab.goto("/contacts/")
    tab.page.click(f"a[href='/contacts/{contact.pk}/'] >> nth=0")
    tab.page.wait_for_url(f"**/contacts/{contact.pk}/")
    assert LONG in tab.page.inner_text(".contact-summary").replace("\n", "")
    facts = tab.page.inner_text(".facts")
    assert "王建国" in facts and "4 分 12 秒" in facts
    box = tab.page.locator(".contact-summary").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # read without scrolling
    tab.screenshot("qa-contact-page")
