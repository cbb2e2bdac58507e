"""The order list's search box in Chromium at 1366×768 (issue 15, point 27b): a word of a
description or a result finds the order; the count and the row are what the user sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core import listing, pagination
from kefu.core.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_back_office_finds_an_order_by_a_word_of_its_description(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    wanted = open_ticket(title="电价咨询", description="客户询问峰谷分时电价的执行时段")["number"]
    other = open_ticket(title="电价咨询", description="客户询问阶梯电价的计算方法")["number"]
    tab = browser_page()
    tab.sign_in(users["backoffice"].username, PASSWORD)
    tab.goto("/tickets/")
    box = tab.page.get_by_label("搜索")
    assert box.get_attribute("placeholder") == "工单号、客户或工单内容中的词"
    box.fill("峰谷")
    tab.page.get_by_role("button", name="筛选").click()
    tab.page.wait_for_load_state()
    tab.screenshot("ticket-list-search")
    table = tab.page.inner_text("table")
    assert wanted in table and other not in table
    assert "电价咨询" in table
    assert tab.page.get_by_text("共 1 张工单").is_visible()
    assert box.input_value() == "峰谷"  # the search stays in the box
    row = tab.page.locator("tr", has_text=wanted)
    assert row.bounding_box()["y"] < 768  # the answer is above the fold


def test_a_common_word_shows_that_the_count_stopped(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search counts up to a bound (1000, here 2 with pages of 2): the list says "2+"
    and offers the next page; there the count reaches the end and is exact again."""
    monkeypatch.setattr(pagination, "COUNT_BOUND", 2)
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    numbers = [open_ticket(title=f"停电报修{index}")["number"] for index in range(3)]
    tab = browser_page()
    tab.sign_in(users["backoffice"].username, PASSWORD)
    tab.goto("/tickets/?q=停电")
    tab.screenshot("ticket-list-search-bounded")
    assert tab.page.get_by_text("共 2+ 张工单").is_visible()
    assert tab.page.get_by_text("第 1 页", exact=True).is_visible()
    table = tab.page.inner_text("table")
    assert numbers[2] in table and numbers[1] in table and numbers[0] not in table
    following = tab.page.get_by_role("link", name="下一页")
    assert following.bounding_box()["y"] < 768
    following.click()
    tab.page.wait_for_load_state()
    tab.screenshot("ticket-list-search-bounded-page-2")
    assert tab.page.get_by_text("共 3 张工单").is_visible()
    assert tab.page.get_by_text("第 2 / 2 页").is_visible()
    assert numbers[0] in tab.page.inner_text("table")
