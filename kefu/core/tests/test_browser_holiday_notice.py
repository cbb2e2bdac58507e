"""The administrator's holiday notice form in Chromium at 1366×768: the banner leads to it,
a wrong line is refused with the text kept, the preview shows every day, saving writes the
calendar and the banner goes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "元旦：1月1日至3日放假\n春节：2月6日至13日放假，2月16日上班"
RIGHT = "元旦：1月1日至3日放假\n春节：2月6日至13日放假调休，2月14日（周日）、2月20日（周六）上班"


def test_an_admin_enters_next_years_holidays_from_the_banner(
    browser_page: Callable[..., BrowserPage],
    make_user: Callable[..., User],
    centre: OrgUnit,
    settings: Any,
) -> None:
    settings.KEFU_CALENDAR_HORIZON_DAYS = 800  # reaches a year the package does not cover
    make_user("admin", "root")
    admin = browser_page()
    admin.sign_in("root", PASSWORD)
    admin.goto("/admin/")
    page = admin.page
    banner = page.locator(".banner.warning")
    assert "官方节假日" in banner.inner_text() or "2027" in banner.inner_text()
    banner.get_by_role("link", name="录入国务院放假通知").click()
    page.wait_for_selector("textarea[name=text]")
    assert page.locator("label[for=id_text]").inner_text() == "国务院办公厅放假通知"

    page.fill("input[name=year]", "2027")
    page.fill("textarea[name=text]", WRONG)
    page.get_by_role("button", name="预览").click()
    page.wait_for_load_state()
    assert "第2行：2027-02-16 是工作日，调休上班日应为周末。" in page.inner_text("#content")
    assert page.input_value("textarea[name=text]") == WRONG
    admin.screenshot("admin-holiday-notice-refused")

    page.fill("textarea[name=text]", RIGHT)
    page.get_by_role("button", name="预览").click()
    page.wait_for_selector("#notice-preview")
    rows = page.locator("#notice-preview tbody tr")
    assert rows.count() == 13
    assert rows.first.locator("td").nth(2).inner_text() == "放假"
    assert rows.last.locator("td").nth(2).inner_text() == "调休上班"
    save = page.get_by_role("button", name="保存通知")
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # no scrolling to save
    admin.screenshot("admin-holiday-notice-preview")
    save.click()
    page.wait_for_load_state()
    assert "2027年节假日已录入所有工作时间日历" in page.inner_text("#content-start, body")
    assert "2027年：放假11天，调休上班2天" in page.inner_text("#content")
    admin.screenshot("admin-holiday-notice-saved")
