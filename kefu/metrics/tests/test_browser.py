"""The report pages in Chromium: a manager reads yesterday's cards and chart, switches to the
monthly report, and changes a target in place on the targets page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.metrics.models import IndicatorTarget

pytestmark = pytest.mark.django_db(transaction=True)

GREEN, RED = "rgb(26, 127, 55)", "rgb(207, 34, 46)"


def test_a_manager_reads_the_report_and_changes_a_target(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    call_history: dict[str, OrgUnit],
    calls_day: dt.date,
) -> None:
    manager = browser_page()
    manager.sign_in(users["manager"].username, PASSWORD)
    manager.goto(f"/reports/?date={calls_day:%Y-%m-%d}")
    page = manager.page
    page.wait_for_selector("#report-trend canvas")
    assert page.locator(".kpi").count() > 30
    good = page.locator(".kpi.status-good").first
    off = page.locator(".kpi.status-off").first
    assert good.evaluate("card => getComputedStyle(card).borderLeftColor") == GREEN
    assert off.evaluate("card => getComputedStyle(card).borderLeftColor") == RED
    assert page.locator(".kpi.status-not_available").count() > 0
    off.locator("summary").click()
    assert off.locator(".kpi-actions li").first.is_visible()
    # Nothing runs off the side at 1366 px: the widest table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    manager.screenshot("manager-report-daily")

    assert page.locator("#report-name").is_disabled()  # the whole centre needs no name
    page.select_option("#report-scope", "queue")
    assert page.locator("#report-name option").all_inner_texts() == ["—", "电费电价", "故障报修"]
    page.select_option("#report-scope", "centre")
    page.select_option("select[name=kind]", "monthly")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(lambda url: "kind=monthly" in url)
    page.wait_for_selector("#report-trend canvas")
    assert "月报" in page.inner_text("#report-title")
    assert page.locator(".kpi").count() > 30
    manager.screenshot("manager-report-monthly")

    manager.goto("/reports/targets/")
    row = page.locator("#target-asa_seconds")
    row.locator("input[name=high]").fill("15")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#target-asa_seconds .saved")
    assert "≤ 15 秒" in page.inner_text("#target-asa_seconds .target-current")
    assert IndicatorTarget.objects.get(code="asa_seconds").high == 15
    row = page.locator("#target-asa_seconds")
    row.locator("input[name=low]").fill("30")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#target-asa_seconds .error")
    assert "下限不能高于上限" in page.inner_text("#target-asa_seconds")
    assert IndicatorTarget.objects.get(code="asa_seconds").low is None
    manager.screenshot("manager-report-targets")


# Each figure's text against each heading's text: overlapping its own heading, and nearer
# to it than to any other. Cells holding no text (an empty row) are skipped.
UNDER_ITS_HEADING = """
() => {
  const textBox = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const box = range.getBoundingClientRect();
    return box.width ? box : null;
  };
  const wrong = [];
  let checked = 0;
  document.querySelectorAll("main table.grid, table.grid").forEach((table, t) => {
    const heads = [...table.querySelectorAll("thead th")].map(textBox);
    table.querySelectorAll("tbody tr").forEach((row) => {
      const cells = [...row.children];
      if (cells.length !== heads.length) { return; }
      cells.forEach((cell, i) => {
        const box = textBox(cell);
        if (!box || !heads[i]) { return; }
        checked += 1;
        const own = heads[i];
        const overlap = Math.min(box.right, own.right) - Math.max(box.left, own.left);
        const centre = (box.left + box.right) / 2;
        const distance = (head) => Math.abs(centre - (head.left + head.right) / 2);
        const nearest = heads.reduce(
          (best, head, j) => (head && distance(head) < distance(heads[best]) ? j : best), i);
        if (overlap <= 0 || nearest !== i) {
          wrong.push(`table ${t} column ${i}: ${cell.textContent.trim()}`);
        }
      });
    });
  });
  return {checked, wrong};
}
"""


def test_every_number_sits_under_its_own_heading_and_the_picker_offers_the_scopes_names(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    call_history: dict[str, OrgUnit],
    calls_day: dt.date,
) -> None:
    """Issue 15 point 22: in every table of the report the figures sat under the next
    column's heading (left-aligned headings over right-aligned numbers); the reason tables
    were all headed 来电原因; the scope picker offered queues under 班组 and agents as
    "王晓婷 · Agent/…"."""
    manager = browser_page()
    manager.sign_in(users["manager"].username, PASSWORD)
    manager.goto(f"/reports/?date={calls_day:%Y-%m-%d}")
    page = manager.page
    page.wait_for_selector("#report-agents table")
    result = page.evaluate(UNDER_ITS_HEADING)
    assert result["checked"] > 50 and result["wrong"] == [], result["wrong"][:10]
    heads = page.locator("#report-reasons thead th:first-child").all_inner_texts()
    assert heads[:4] == ["客户属性", "客户属性", "地域", "地域"]
    page.locator("#report-agents").scroll_into_view_if_needed()
    manager.screenshot("manager-report-tables")

    page.select_option("#report-scope", "team")
    assert page.locator("#report-name option").all_inner_texts() == ["—", "一班", "二班"]
    page.select_option("#report-scope", "agent")
    names = page.locator("#report-name option").all_inner_texts()
    assert "王晓婷" in names and not any("Agent/" in name for name in names)
    page.select_option("#report-name", label="王晓婷")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(lambda url: "scope=agent" in url)
    assert "客服代表 · 王晓婷" in page.inner_text("#report-title")
    # The agent's own talk time, the figure the centre's table shows for her.
    assert page.inner_text("#kpi-avg_talk_seconds .kpi-value") != "不可用"
    manager.screenshot("manager-report-agent")

    manager.goto("/reports/definitions/")
    page.click("text=平均单呼成本 >> nth=0")
    card = page.locator("#def-cost_per_call")
    assert "002 第7篇《客户服务中心标准》“平均单呼成本”" in card.inner_text()
    assert card.is_visible()
    manager.screenshot("manager-definitions")
