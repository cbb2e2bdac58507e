"""A real centre's first day in Chromium at 1366×768 (issue 16, point 1): the administrator
`kefu init` created signs in to an empty centre, and every main page says something
useful where its data will be, above the fold, in Chinese."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.centre import centre_init

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "国网南京供电客服中心"
PASSWORD = "first-day-2026"

# page → what it says while the centre has nothing yet
EMPTY = {
    "/tickets/": "还没有工单。坐席在坐席工作台记录来电时受理工单",
    "/contacts/": "还没有接触记录。",
    "/customers/": "还没有客户档案。",
    "/knowledge/": "知识库里还没有知识。点击“新建知识”写第一篇。",
    "/workbench/": "还没有来电原因分类：请管理员在“系统管理 › 来电原因”中建立本中心的分类。",
    "/backoffice/": "没有工单。",
    "/dashboard/": "暂无。",
    "/wallboard/": "暂无话务数据。",
}


def in_view(tab: BrowserPage, text: str) -> bool:
    box = tab.page.get_by_text(text, exact=False).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= 768


def test_the_first_sign_in_to_an_empty_centre(browser_page: Callable[..., BrowserPage]) -> None:
    centre_init(name=NAME, admin_username="zhangwei", password=PASSWORD, calendar="24x7")
    tab = browser_page()
    tab.sign_in("zhangwei", PASSWORD)
    tab.screenshot("first-day-home")

    assert "zhangwei · 系统管理员 · " + NAME in tab.page.inner_text(".topbar")
    for path, said in EMPTY.items():
        tab.goto(path)
        tab.screenshot("first-day-" + path.strip("/"))
        assert tab.page.get_by_text(said, exact=False).first.is_visible(), path
        assert in_view(tab, said), path
    # The filters found nothing: said differently from an empty centre.
    tab.goto("/tickets/?kind=complaint")
    assert tab.page.get_by_text("没有符合筛选条件的工单。").is_visible()
    # The agent's wording greets with the centre's own name (002 第13篇).
    tab.goto("/workbench/")
    assert f"{NAME}，您好，很高兴为您服务。" in tab.page.inner_text("body")
    # Reports and the wallboard count nothing yet, and say so rather than show zeros.
    tab.goto("/reports/")
    tab.screenshot("first-day-reports")
    assert tab.page.get_by_text("无数据").first.is_visible()
