"""The loop walked in Chromium by the people who work it, screenshots kept as artifacts."""

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


def person(browser_page: Callable[..., BrowserPage], user: User) -> BrowserPage:
    tab = browser_page()
    tab.sign_in(user.username, PASSWORD)
    return tab


@pytest.mark.usefixtures("policy", "complaint_category")
def test_a_complaint_walks_the_loop_from_the_screen_pop_to_the_callback(
    browser_page: Callable[..., BrowserPage], users: dict[str, User], customer: Customer
) -> None:
    supervisor = person(browser_page, users["manager"])
    assert supervisor.page.url.endswith("/dashboard/")
    accepted_today = supervisor.page.locator(".tile", has_text="今日受理工单").locator("strong")
    assert accepted_today.inner_text() == "0"

    agent = person(browser_page, users["agent"])
    agent.goto("/workbench/?caller=138-1234-5678")  # as the telephone's screen pop opens it
    assert "王建国" in agent.page.inner_text(".card")
    agent.page.fill("input[name=service_content]", "attitude")
    agent.page.fill("textarea[name=summary]", "客户投诉抢修人员上门态度生硬，要求道歉。")
    agent.page.select_option("select[name=kind]", "complaint")
    agent.screenshot("agent-workbench")
    agent.page.press("textarea[name=summary]", "Control+Enter")
    agent.page.wait_for_load_state()
    assert "承诺" in agent.page.inner_text("[role=status]")
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.kind == "complaint" and ticket.contacts.count() == 1
    number = ticket.number

    supervisor.page.reload()
    assert accepted_today.inner_text() == "1"
    open_now = supervisor.page.locator(".tile", has_text="在途工单").locator("strong")
    assert open_now.inner_text() == "1"

    backoffice = person(browser_page, users["backoffice"])
    assert backoffice.page.url.endswith("/backoffice/")
    row = backoffice.page.locator("tr", has_text=number)
    row.locator("select").select_option("repair")
    row.locator("input[type=checkbox]").check()
    backoffice.screenshot("backoffice-review-queue")
    backoffice.page.click("form[action='/backoffice/dispatch'] button[type=submit]")
    backoffice.page.wait_for_load_state()
    assert Ticket.objects.get(number=number).state == "dispatched"

    handler = person(browser_page, users["handler"])
    assert handler.page.url.endswith("/department/")
    handler.screenshot("department-inbox")
    handler.page.locator("tr", has_text=number).locator("button").click()
    handler.page.locator("tr", has_text=number).locator("a", has_text="回单").click()
    handler.page.fill("form.action-return textarea[name=result]", "已上门更换表箱门锁，客户确认。")
    handler.page.click("form.action-return button")
    handler.page.wait_for_load_state()
    assert Ticket.objects.get(number=number).state == "returned"

    backoffice.goto(f"/tickets/{number}/")
    backoffice.page.click("form.action-verify button")
    backoffice.page.fill("form.action-reply textarea[name=text]", "已电话告知客户处理结果。")
    backoffice.page.click("form.action-reply button")
    backoffice.page.check("form.action-callback input[value=satisfied]")
    backoffice.page.fill("form.action-callback textarea[name=note]", "客户表示满意。")
    backoffice.page.click("form.action-callback button")
    backoffice.page.wait_for_load_state()
    ticket = Ticket.objects.get(number=number)
    assert (ticket.state, ticket.satisfied) == ("closed", True)
    assert "办结" in backoffice.page.content()
    backoffice.screenshot("work-order-closed")
    supervisor.page.reload()
    assert open_now.inner_text() == "0"
    supervisor.screenshot("dashboard-after-the-loop")


def test_a_second_browser_on_a_stale_page_gets_the_clear_message(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    number = open_ticket()["number"]
    first, second = (person(browser_page, users["backoffice"]) for _ in range(2))
    for tab in (first, second):
        tab.goto(f"/tickets/{number}/")
    first.page.click("form.action-dispatch button")
    first.page.wait_for_load_state()

    second.page.fill("form.action-urge input[name=note]", "客户再次来电催促")
    second.page.click("form.action-urge button")
    second.page.wait_for_load_state()
    alert = second.page.locator("[role=alert]")
    assert "其他人刚刚修改了这张工单" in alert.inner_text()
    # What was typed is still there, on the order as it stands now.
    assert second.page.input_value("form.action-urge input[name=note]") == "客户再次来电催促"
    # The browser logs the refusal's status (409), as it should.
    second.errors[:] = [error for error in second.errors if "status of 409" not in error]
    # The fresh state's actions: the department takes it now, the back office may reassign.
    assert second.page.locator("form.action-reassign").count() == 1
    assert second.page.locator("form.action-take").count() == 0
    second.screenshot("work-order-stale-version")
    assert Ticket.objects.get(number=number).urge_count == 0


@pytest.mark.usefixtures("complaint_category")
def test_a_handler_sends_back_returns_with_a_photo_and_the_back_office_sees_the_figures(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
    tmp_path: Any,
) -> None:
    """Issue 15, 19–20, at 1366×768: 退单 with a reason, a return with a photo, the AB
    post on the department page, and the back office's table of work that came back."""
    wrong, right = (str(open_ticket(title=title)["number"]) for title in ("表计故障", "抢修态度"))
    for number in (wrong, right):
        act("backoffice", number, "dispatch", department="repair")
    handler = person(browser_page, users["handler"])
    handler.goto(f"/tickets/{wrong}/")
    handler.page.fill("form.action-decline textarea[name=reason]", "不属于本部门")
    handler.page.click("form.action-decline button")
    handler.page.wait_for_load_state()
    assert Ticket.objects.get(number=wrong).state == "accepted"

    handler.goto(f"/tickets/{right}/")
    handler.page.click("form.action-take button")
    handler.page.wait_for_load_state()
    assert handler.page.locator("form.action-suspend").count() == 1
    photo = tmp_path / "现场.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40)
    handler.page.fill("form.action-return textarea[name=result]", "已向客户道歉并批评教育。")
    handler.page.set_input_files("form.action-return input[name=files]", str(photo))
    handler.screenshot("department-return-with-photo")
    handler.page.click("form.action-return button")
    handler.page.wait_for_load_state()
    assert "现场.png" in handler.page.inner_text("body")
    # Returned: the department may no longer stop the centre's check.
    assert handler.page.locator("form.action-suspend").count() == 0

    handler.goto("/department/")
    assert "AB岗" in handler.page.inner_text("body")
    handler.screenshot("department-ab-post")

    office = person(browser_page, users["backoffice"])
    office.goto("/backoffice/")
    office.page.click("nav.tabs a:has-text('退回统计')")
    office.page.wait_for_load_state()
    table = office.page.locator("table", has_text="部门退单")
    headers = table.locator("th").all_inner_texts()
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    row = dict(zip(headers, cells, strict=True))
    assert row["退回"] == "1" and row["已派单"] == "2" and row["占比"] == "50%"
    office.screenshot("backoffice-sent-back")
    box = table.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
