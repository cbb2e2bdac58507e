"""The handover in Chromium at 1366×768 (issue 17 point 4; 002 第15篇 3.4): a leader
writes the duty log, prepares the handover that lists an overdue order, the next leader
reads and acknowledges it, both names and times show, the log then takes no changes, and
the search finds it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.errors import Conflict
from kefu.core.models import User
from kefu.tickets.models import Ticket
from kefu.workforce.models import DutyLog
from kefu.workforce.services.duty import duty_entry_add

pytestmark = pytest.mark.django_db(transaction=True)


def above_the_fold(tab: BrowserPage, selector: str) -> None:
    box = tab.page.locator(selector).bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, selector


def test_a_leader_hands_over_and_the_next_leader_takes_over(
    browser_page: Callable[..., BrowserPage],
    outgoing: User,
    incoming: User,
    orders: dict[str, Ticket],
) -> None:
    overdue = orders["overdue"].number
    zhang = browser_page()
    zhang.sign_in("zhang", PASSWORD)
    zhang.goto("/workforce/duty/")
    page = zhang.page
    page.wait_for_selector("h1:has-text('开始值班记录')")
    assert "值班记录查询" in page.inner_text("nav.tabs")
    above_the_fold(zhang, "form.open-form button[type=submit]")
    page.click("form.open-form button[type=submit]")
    page.wait_for_selector("h1:has-text('我的值班记录')")

    form = page.locator("form.entry-form")
    above_the_fold(zhang, "form.entry-form button[type=submit]")
    form.locator("select[name=kind]").select_option(label="事件")
    form.locator("textarea[name=text]").fill("城东片区停电，来电量激增，已启用应急话术")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("table.duty-entries td:has-text('城东片区停电')")
    # A refused entry keeps what was typed, and says why.
    form = page.locator("form.entry-form")
    form.locator("select[name=kind]").select_option(label="遗留问题")
    form.locator("textarea[name=text]").fill("多收电费投诉待营销部回复")
    form.locator("input[name=ticket]").fill("GD404")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("form.entry-form .message.error")
    form = page.locator("form.entry-form")
    assert "没有这个工单号的工单" in form.inner_text()
    assert form.locator("textarea[name=text]").input_value() == "多收电费投诉待营销部回复"
    assert form.locator("select[name=kind]").input_value() == "open_issue"
    zhang.screenshot("duty-1b-refused-entry")
    form.locator("input[name=ticket]").fill(overdue)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"table.duty-entries a:has-text('{overdue}')")
    form = page.locator("form.entry-form")
    form.locator("select[name=kind]").select_option(label="设备问题")
    form.locator("textarea[name=text]").fill("3号座席耳麦有杂音，已报IT")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("table.duty-entries td:has-text('3号座席耳麦')")
    headers = page.locator("table.duty-entries th").all_inner_texts()
    assert headers == ["时间", "类型", "内容", "工单"]
    zhang.screenshot("duty-1-duty-log")

    page.click("a:has-text('准备交班')")
    page.wait_for_selector("h1:has-text('准备交班')")
    orders_table = page.locator("table.handover-orders")
    assert orders_table.locator("th").all_inner_texts() == ["工单号", "标题", "状态", "时限状态"]
    row = orders_table.locator(f"tr:has(a:has-text('{overdue}'))")
    assert "抄表数据错误多收电费" in row.inner_text() and "超时" in row.inner_text()
    assert orders_table.locator(f"tr:has-text('{orders['ok'].number}')").count() == 0
    above_the_fold(zhang, "form.handover-form button[type=submit]")
    handover = page.locator("form.handover-form")
    handover.locator("select[name=incoming]").select_option(label="李班长")
    handover.locator("textarea[name=notes]").fill("   ")
    handover.locator("button[type=submit]").click()
    page.wait_for_selector("form.handover-form .message.error")
    handover = page.locator("form.handover-form")
    assert handover.locator("select[name=incoming]").input_value() == "li"  # kept
    handover.locator("textarea[name=notes]").fill("注意城东停电的回访；多收电费投诉今天到期")
    zhang.screenshot("duty-2-handover")
    handover.locator("button[type=submit]").click()
    page.wait_for_selector("text=交班已提交，等待接班人确认。")
    assert "接班人尚未确认" in page.inner_text(".handover-facts")
    # The refusal is a 400 answer, which the browser reports; it is the expected one.
    assert all("status of 400" in error for error in zhang.errors)
    zhang.errors.clear()

    li = browser_page()
    li.sign_in("li", PASSWORD)
    li.goto("/workforce/duty/")
    page = li.page
    waiting = page.locator(".waiting-handover")
    assert "张班长" in waiting.inner_text() and "向您交班" in waiting.inner_text()
    waiting.locator("a:has-text('查阅并接班')").click()
    page.wait_for_selector("h1:has-text('接班确认')")
    assert overdue in page.inner_text("table.handover-orders")
    assert "多收电费投诉今天到期" in page.inner_text(".handover-facts")
    above_the_fold(li, "form.acknowledge-form button[type=submit]")
    page.fill("form.acknowledge-form textarea[name=note]", "已清点物品，3号耳麦确有杂音")
    li.screenshot("duty-3-acknowledge")
    page.click("form.acknowledge-form button[type=submit]")
    page.wait_for_selector("text=您已接班。")
    log = DutyLog.objects.get(leader=outgoing)
    facts = page.inner_text(".handover-facts")
    handed = log.handover.handed_at.astimezone().strftime("%Y-%m-%d %H:%M")
    taken = log.handover.acknowledged_at
    assert taken is not None
    assert f"张班长 · {handed}" in facts.replace("\t", " ")
    assert f"李班长 · {taken.astimezone().strftime('%Y-%m-%d %H:%M')}" in facts.replace("\t", " ")
    assert "已清点物品" in facts
    assert "已交接" in page.inner_text(".log-state")
    assert page.locator("form.entry-form").count() == 0
    li.screenshot("duty-4-handed-over")

    # The log refuses changes from now on, on the page and in the service.
    zhang.goto(f"/workforce/duty/{log.pk}/")
    assert "只读" in zhang.page.inner_text(".heading")
    assert zhang.page.locator("form.entry-form").count() == 0
    with pytest.raises(Conflict):
        duty_entry_add(actor=outgoing, log_id=log.pk, kind="event", text="补记")
    # The incoming leader's own log carries the open issue on.
    li.goto("/workforce/duty/")
    carried = li.page.locator("table.duty-entries tr:has-text('上一班遗留')")
    assert "多收电费投诉待营销部回复" in carried.inner_text()
    li.screenshot("duty-6-carried-over")

    li.page.click("nav.tabs a:has-text('值班记录查询')")
    li.page.fill("form.duty-search input[name=q]", "耳麦")
    li.page.click("form.duty-search button[type=submit]")
    li.page.wait_for_selector("table.duty-results")
    results = li.page.locator("table.duty-results tbody tr")
    assert results.count() == 1
    assert "张班长" in results.inner_text() and "3号座席耳麦有杂音" in results.inner_text()
    assert li.page.locator("table.duty-results th").all_inner_texts()[:3] == [
        "班次",
        "值班长",
        "接班人",
    ]
    li.screenshot("duty-5-search")
