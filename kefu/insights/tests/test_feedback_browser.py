"""The department feedback page in Chromium at 1366×768 (issue 21 point 3): a manager picks
the department and the weekly report, reads its figures under their headers, and
subscribes the department by e-mail (a wrong address refused, what was typed kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit
from kefu.insights.models import FeedbackSubscription
from kefu.insights.tests.test_feedback_report import NOW, build

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_a_weekly_report_and_subscribes(
    browser_page: Callable[..., BrowserPage],
    centre: OrgUnit,
    department: OrgUnit,
    make_user: Any,
) -> None:
    world = build(centre, department, make_user("agent"))
    make_user("manager")
    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    manager.goto(f"/insights/feedback/?department={world.gas.pk}&day={NOW.date().isoformat()}")
    page = manager.page
    assert "燃气" in page.inner_text("#feedback-title")
    page.select_option("#feedback-chooser select[name=department]", str(world.repair.pk))
    page.select_option("#feedback-chooser select[name=period]", "weekly")
    page.click("#feedback-chooser button[type=submit]")
    page.wait_for_selector("#feedback-title:has-text('周报')")
    assert "2026-11-16 – 2026-11-22" in page.inner_text("#feedback-title")
    orders = page.inner_text("#feedback-orders")
    assert "接收工单" in orders and "6" in orders
    assert "按时回单率" in page.inner_text("#feedback-timeliness")
    assert "80.0%" in page.inner_text("#feedback-timeliness")
    reasons = page.inner_text("#feedback-reasons")
    assert "电力故障 › 停电" in reasons and "灯一闪一闪" in reasons
    assert "鼓楼区停电" in page.inner_text("#feedback-incidents")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    manager.screenshot("feedback-report")

    form = "#feedback-subscribe"
    page.select_option(f"{form} select[name=period]", "weekly")
    page.fill(f"{form} textarea[name=recipients]", "repair@example.com\n不是邮箱")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form} .message.error")
    assert "不是邮箱" in page.input_value(f"{form} textarea[name=recipients]")
    manager.errors.clear()  # the refused post's 400 is logged by the browser
    page.fill(f"{form} textarea[name=recipients]", "repair@example.com")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=已订阅")
    assert "repair@example.com" in page.inner_text("#feedback-subscriptions")
    row = FeedbackSubscription.objects.get()
    assert (row.department_id, row.period) == (world.repair.pk, "weekly")
