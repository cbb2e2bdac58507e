"""The live wallboard in Chromium (issue 15, point 11): the figures of today equal the
dashboard's, a new telephone event shows on the open wall within 5 seconds with no reload,
and a threshold turns its tile red."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from kefu.browser import SCREENSHOTS, BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.telephony.services import telephony_events_post
from kefu.web.tests.test_wallboard import event, live_centre

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = ("service_level", "answered", "abandoned", "asa_seconds")


def test_the_wallboard_shows_the_dashboards_figures_and_follows_events_live(
    browser_page: Callable[..., BrowserPage], users: dict[str, User], centre: OrgUnit
) -> None:
    live_centre(centre)
    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    manager.goto("/dashboard/")
    dashboard = {code: manager.page.inner_text(f"#kpi-{code} .kpi-value").strip() for code in TODAY}
    assert dashboard["answered"] == "2" and dashboard["abandoned"] == "1"
    assert dashboard["service_level"] != "不可用"
    manager.screenshot("wallboard-dashboard-1366")

    for width, height in ((1920, 1080), (1366, 768)):
        wall = browser_page(width=width, height=height)
        wall.sign_in("manager", PASSWORD)
        wall.goto("/wallboard/")
        for code in TODAY:
            assert wall.page.inner_text(f"#today-{code} .kpi-value").strip() == dashboard[code]
        assert "暂无话务数据" not in wall.page.inner_text("body")
        row = wall.page.locator('tr[data-queue="power-billing"]')
        assert row.get_attribute("data-waiting") == "1"
        assert wall.page.inner_text("#live-queues thead").split() == [
            "队列",
            "排队等待",
            "最长等待",
            "通话中",
        ]
        states = wall.page.inner_text("#live-agents")
        for label in ("通话中", "空闲", "暂停", "事后处理", "未登录"):
            assert label in states
        # What the wall is for is on the screen without scrolling.
        box = wall.page.locator("#live-agents").bounding_box()
        assert box is not None and box["y"] + box["height"] <= height
        wall.screenshot(f"wallboard-live-{width}")

    # A caller enters: the open wall shows it within 5 s, without a reload.
    telephony_events_post(
        centre=centre, events=[event(0, "ENTERQUEUE", "c.9", "power-billing", "", "", "139", "1")]
    )
    sent = time.monotonic()
    wall.page.wait_for_selector(
        'tr[data-queue="power-billing"][data-waiting="2"]', state="attached", timeout=5000
    )
    assert time.monotonic() - sent < 5

    # The manager sets a threshold of one caller: the tile and the queue's cell turn red.
    settings = browser_page()
    settings.sign_in("manager", PASSWORD)
    settings.goto("/wallboard/thresholds/")
    settings.page.fill("input[name=waiting]", "1")
    settings.page.fill("input[name=service_level_percent]", "80")
    settings.page.click("#thresholds-form button[type=submit]")
    assert "大屏阈值已保存" in settings.page.inner_text("body")
    wall.page.wait_for_selector("#live-waiting.breach", timeout=5000)
    assert wall.page.locator('tr[data-queue="power-billing"] td.breach').count() == 1
    wall.page.screenshot(path=str(SCREENSHOTS / "wallboard-breach-1366.png"))
    settings.goto("/wallboard/thresholds/")
    assert "单个队列排队人数上限" in settings.page.inner_text("#breaches") or (
        "排队等待" in settings.page.inner_text("#breaches")
    )
    settings.screenshot("wallboard-thresholds")
