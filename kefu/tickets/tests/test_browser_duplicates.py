"""A likely duplicate offered at order creation and merged, in Chromium (issue 21 point 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_agent_is_told_of_the_duplicate_and_the_back_office_merges_it(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    customer: Customer,
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    first = open_ticket()
    agent = browser_page()
    agent.sign_in(users["agent"].username, PASSWORD)
    agent.goto("/workbench/?caller=138-1234-5678")
    agent.page.fill("input[name=service_content]", "attitude")
    agent.page.fill("textarea[name=summary]", "客户再次来电，投诉抢修人员上门时态度生硬。")
    agent.page.select_option("select[name=kind]", "complaint")
    agent.page.press("textarea[name=summary]", "Control+Enter")
    agent.page.wait_for_load_state()
    said = agent.page.inner_text("[role=status]")
    assert first["number"] in said and "疑似重复" in said
    second = Ticket.objects.exclude(number=first["number"]).get(customer=customer)

    backoffice = browser_page()
    backoffice.sign_in(users["backoffice"].username, PASSWORD)
    backoffice.goto(f"/tickets/{second.number}/")
    offered = backoffice.page.locator("section.duplicates tr", has_text=first["number"])
    backoffice.screenshot("duplicate-offered")
    offered.locator("button.merge-into").click()
    backoffice.page.wait_for_load_state()
    second.refresh_from_db()
    assert second.state == "merged" and second.merged_into is not None
    assert second.merged_into.number == first["number"]
    assert "section.duplicates" not in backoffice.page.content()
    assert first["number"] in backoffice.page.inner_text(".facts")
