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
    assert page.locator("#report-name optgroup[data-scope=agent]").get_attribute("hidden") == ""
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
