"""The rota pages in Chromium at 1366×768 (issue 17 points 3 and 7): a leader reads the
rota, generates the next one and publishes it; an agent reads their own rota."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def above_the_fold(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] + box["height"] <= 768


def test_a_leader_generates_and_publishes_a_rota(
    browser_page: Callable[..., BrowserPage], planned: dict[str, Any], settings: Any
) -> None:
    settings.KEFU_ROTA_TIME_LIMIT = 2
    leader = browser_page()
    leader.sign_in("leader", PASSWORD)
    leader.goto("/workforce/")
    page = leader.page
    page.wait_for_url(lambda url: url.endswith("/workforce/plan/"))
    assert page.locator("nav.tabs a").all_inner_texts() == [
        "人力计划",
        "排班表",
        "申请审批",
        "实时监控",
        "考勤",
        "值班记录",
        "值班记录查询",
        "我的排班",
        "我的申请",
        "调班邀请",
    ]
    assert page.locator("#plan-days th").all_inner_texts()[:2] == ["日期", "预测来电量"]
    leader.screenshot("workforce-plan")

    page.click("nav.tabs >> text=排班表")
    page.wait_for_selector("#rota-chart canvas")
    assert page.inner_text("#rota-status") == "已发布"
    grid = page.locator("#rota-grid")
    assert grid.locator("tbody tr").count() == 12
    assert grid.locator("td.shift-night").count() > 0 and grid.locator("td.shift-leave").count()
    for selector in (
        "#rota-generate button",
        "#rota-publish button",
        "#rota-grid",
        "#rota-summary",
    ):
        assert above_the_fold(page, selector), selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    leader.screenshot("workforce-rota")

    # The leader changes one day of one agent: a click on the day chooses it; without a
    # reason the form is refused and keeps the choice; with one the change is recorded.
    row = grid.locator("tbody tr").nth(2)
    name = row.locator("td.agent").inner_text()
    cell = row.locator("td[data-day][class^='shift-']:not(.shift-leave)").first
    day = cell.get_attribute("data-day")
    cell.click()
    print(
        page.evaluate("document.querySelector('#shift-edit input[name=day]').outerHTML"),
        page.evaluate("document.querySelectorAll('td.chosen').length"),
    )
    print(
        page.evaluate(
            "[!!document.getElementById('shift-edit'), [...document.scripts].map(s => s.src)]"
        ),
        cell.get_attribute("data-day"),
        page.content().count("rota.js"),
    )
    assert page.input_value("#shift-edit input[name=day]") == day
    assert above_the_fold(page, "#shift-edit button")
    page.select_option("#shift-edit select[name=template]", label="休息")
    page.click("#shift-edit button")  # the browser asks for the reason first
    assert page.locator("#rota-changes li", has_text="病假").count() == 0
    page.fill("#shift-edit input[name=note]", "病假，电话请假")
    page.click("#shift-edit button")
    page.wait_for_selector("#rota-changes li:has-text('病假，电话请假')")
    change = page.inner_text("#rota-changes li:has-text('病假，电话请假')")
    assert name in change and "→ 休息" in change and "班长调整" in change
    assert page.input_value("#shift-edit input[name=day]") == day
    leader.screenshot("workforce-rota-shift-changed")

    # A refused span keeps what was typed.
    today = timezone.localdate()
    first = today + dt.timedelta(days=28)
    page.fill("#rota-generate input[name=first_day]", f"{first + dt.timedelta(days=9):%Y-%m-%d}")
    page.fill("#rota-generate input[name=last_day]", f"{first:%Y-%m-%d}")
    page.click("#rota-generate button")
    page.wait_for_selector("#generate-errors")
    assert "结束日期早于开始日期" in page.inner_text("#generate-errors")
    assert page.input_value("#rota-generate input[name=first_day]") == (
        f"{first + dt.timedelta(days=9):%Y-%m-%d}"
    )

    page.fill("#rota-generate input[name=first_day]", f"{first:%Y-%m-%d}")
    page.fill("#rota-generate input[name=last_day]", f"{first + dt.timedelta(days=6):%Y-%m-%d}")
    page.click("#rota-generate button")
    page.wait_for_url(lambda url: "rota=" in url)
    page.wait_for_selector("#rota-chart canvas")
    assert page.inner_text("#rota-status") == "草稿"
    assert page.inner_text("#solver-status") in {"已最优", "可行排班（未证明最优）"}
    assert page.locator("#rota-grid thead th").count() == 8  # the agent column and 7 days
    assert "尚未发布" in page.inner_text("#rota-versions")
    leader.screenshot("workforce-rota-generated")
    page.click("#rota-publish button")
    page.wait_for_selector("#rota-status:has-text('已发布')")
    assert "第 1 版" in page.inner_text("#rota-versions")
    leader.screenshot("workforce-rota-published")


def test_an_agent_reads_their_rota(
    browser_page: Callable[..., BrowserPage], planned: dict[str, Any], users: dict[str, User]
) -> None:
    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto("/workforce/")
    page = agent.page
    page.wait_for_url(lambda url: url.endswith("/workforce/my-rota/"))
    assert page.locator("nav.tabs a").all_inner_texts() == ["我的排班", "我的申请", "调班邀请"]
    assert page.locator("#my-shifts th").all_inner_texts() == ["日期", "班次", "时间", "休息"]
    rows = page.locator("#my-shifts tbody tr")
    assert rows.count() >= 10
    first = rows.first.locator("td").all_inner_texts()
    assert first[1] in {"早班", "白班", "晚班", "夜班"}
    assert "用餐" in first[3] and "小休" in first[3]
    assert above_the_fold(page, "#my-shifts-box") and above_the_fold(page, "#my-changes h2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    agent.screenshot("workforce-my-rota")
