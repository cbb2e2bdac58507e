"""The month's honours in Chromium at 1366×768 (issue 20 point 4): the manager proposes
last month's honours, ticks one candidate off without a reason and is refused with what was
ticked kept, writes the reason and confirms; the dashboard's board shows the honours."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.supervision.models import HonourCandidate, HonourMonth, HonourMonthState
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.test_honours import LAST_MONTH, month_of_contacts  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_manager_proposes_and_confirms_the_months_honours(
    browser_page: Callable[..., BrowserPage],
    world: World,
    month_of_contacts: dict[str, User],  # noqa: F811
) -> None:
    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    page = manager.page
    manager.goto("/supervision/honours/")
    assert page.input_value("form.honours-propose input[name=month]") == f"{LAST_MONTH:%Y-%m}"
    page.click("form.honours-propose button[type=submit]")
    page.wait_for_selector("section.honour-kind[data-kind=service_star] tr.candidate")
    star = page.locator("section.honour-kind[data-kind=service_star]")
    assert "受理接触数 5（要求 ≥ 2）" in star.inner_text()
    # Why the back office is out: its figure and the threshold it missed.
    star.locator("details summary").click()
    assert "受理接触数 1，未达到 ≥ 2" in star.locator("ul.left-out").inner_text()
    manager.screenshot("supervision-honours-proposed")

    expert = HonourCandidate.objects.get(person=month_of_contacts["expert"])
    box = f"input[name=remove_{expert.pk}]"
    page.check(box)
    page.click("form.honours-confirm button.primary")
    page.wait_for_selector(".message.error")
    assert page.is_checked(box)
    assert HonourMonth.objects.get().state == HonourMonthState.PROPOSED
    manager.errors.clear()  # the refused post's 400 is logged by the browser
    page.fill(f"input[name=reason_{expert.pk}]", "本月有一起有责投诉")
    page.click("form.honours-confirm button.primary")
    page.wait_for_selector("text=本月荣誉已确认并公布")
    assert "本月有一起有责投诉" in star.inner_text()
    manager.screenshot("supervision-honours-confirmed")

    manager.goto("/dashboard/")
    board = page.inner_text("#honours-board")
    assert f"{LAST_MONTH:%Y-%m}" in board and "服务明星" in board
    assert "王晓婷" in board and "expert" not in board
    manager.screenshot("supervision-honours-dashboard")
    assert manager.errors == []
