"""Notices in Chromium at 1366×768 (issue 19 point 6): the back office writes a notice (a
region that does not exist refused, what was typed kept), publishes it, and the agent
sees it at screen pop for a caller from the region, above the fold, in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, Region, User
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction.models import Message, Notice

pytestmark = pytest.mark.django_db(transaction=True)

LATIN = re.compile(r"[A-Za-z]{2,}")


def test_a_notice_written_published_and_seen_at_screen_pop(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    centre: OrgUnit,
    region: Region,
) -> None:
    customer = Customer.objects.create(centre=centre, name="王芳", region=region)
    CustomerPhone.objects.create(customer=customer, number="13800000001", kind="mobile")
    office = browser_page()
    office.sign_in("backoffice", PASSWORD)
    page = office.page
    office.goto("/satisfaction/notices/")
    assert page.inner_text("h1") == "客户通知"
    page.click("text=新建通知")
    page.select_option("select[name=kind]", "planned_outage")
    page.fill("input[name=title]", "鼓楼区计划停电")
    page.fill("input[name=starts_at]", "2030-01-05T08:00")
    page.fill("input[name=ends_at]", "2030-01-05T17:00")
    page.fill("textarea[name=regions]", "鼓楼区，火星区")
    page.fill("textarea[name=text]", "因线路检修，鼓楼区1月5日8:00-17:00停电。")
    page.fill("textarea[name=sms_text]", "【国网客服】您所在区域1月5日8:00-17:00停电。回T退订")
    page.click("form.notice-form button[type=submit]")
    page.wait_for_selector("text=没有区域 火星区")
    assert page.input_value("textarea[name=text]") == "因线路检修，鼓楼区1月5日8:00-17:00停电。"
    assert not Notice.objects.exists()
    office.screenshot("satisfaction-notice-refused")
    office.errors.clear()  # the refused post's 400 is logged by the browser
    page.fill("textarea[name=regions]", "江苏省 › 南京市 › 鼓楼区")
    page.click("form.notice-form button[type=submit]")
    page.wait_for_selector("text=通知已保存为草稿")
    page.click("button:has-text('发布')")
    page.wait_for_selector("text=通知已发布")
    assert Notice.objects.get().state == "published"
    assert Message.objects.get().address == "13800000001"
    office.screenshot("satisfaction-notice")
    # No English but the user name of the test's back-office user (who has no full name).
    assert set(LATIN.findall(page.inner_text("main"))) <= {"backoffice"}

    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto(f"/workbench/?caller=13800000001&customer={customer.pk}")
    shown = agent.page.locator(".notice-theirs")
    assert "计划停电 · 鼓楼区计划停电" in shown.inner_text()
    box = shown.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768
    agent.screenshot("satisfaction-workbench-notice")
