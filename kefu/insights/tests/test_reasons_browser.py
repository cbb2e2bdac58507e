"""The agent types a summary on the workbench, sees the likeliest call reasons, clicks one,
and saves: the reason is the one clicked, and the acceptance rate counts it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.contacts.models import Contact
from kefu.core.models import User
from kefu.insights.models import ReasonSuggestion
from kefu.insights.services.reasons import reason_model_train
from kefu.insights.tests.reasons_data import ReasonWorld, reason_world

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["reason_world"]


def test_the_agent_types_a_summary_and_clicks_a_suggestion(
    browser_page: Callable[..., BrowserPage], reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    reason_model_train(actor=users["manager"])
    tab = browser_page(1366, 768)
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/")
    page = tab.page
    page.locator("textarea[name=summary]").press_sequentially("客户反映整栋楼没电", delay=30)
    first = page.locator("#reason-suggestions [data-reason-fill]").first
    first.wait_for()
    assert first.get_attribute("data-reason-fill") == "故障报修 › 停电"
    tab.screenshot("workbench-reason-suggestions")
    first.click()
    assert page.input_value("input[name=service_content]") == "故障报修 › 停电"
    page.check("#settled")
    page.click("#contact-actions button.save")
    page.wait_for_selector(".message.success")
    contact = Contact.objects.filter(summary="客户反映整栋楼没电").get()
    assert contact.service_content == reason_world.reasons["outage"]
    assert ReasonSuggestion.objects.get(contact=contact).outcome == "top1"
