"""Issue 15, points 21, 23 and 25 in Chromium at 1366×768: what a user sees."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_wrong_password_keeps_the_user_name(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    tab = browser_page()
    tab.goto("/login/")
    tab.page.fill("input[name=username]", "agent")
    tab.page.fill("input[name=password]", "not-the-password")
    tab.page.click("form.login button[type=submit]")
    tab.page.wait_for_selector("p.error")
    assert tab.page.input_value("input[name=username]") == "agent"
    assert tab.page.input_value("input[name=password]") == ""
    assert "用户名或密码错误" in tab.page.inner_text("form.login")
    tab.screenshot("login-wrong-password")
    tab.page.fill("input[name=password]", PASSWORD)
    tab.page.click("form.login button[type=submit]")
    tab.page.wait_for_url(lambda url: "/login/" not in url)
    tab.errors.clear()


def test_a_login_page_left_open_too_long_keeps_the_user_name(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    """The sign-in form's CSRF cookie gone (the page was left open, another tab signed in
    and out): the form comes back with the user name kept, the password to type again."""
    tab = browser_page()
    tab.goto("/login/")
    tab.page.context.clear_cookies()
    tab.page.fill("input[name=username]", "agent")
    tab.page.fill("input[name=password]", PASSWORD)
    tab.page.click("form.login button[type=submit]")
    tab.page.wait_for_selector("p.error")
    assert tab.page.input_value("input[name=username]") == "agent"
    assert "页面已过期" in tab.page.inner_text("form.login")
    assert "CSRF" not in tab.page.inner_text("body")
    assert tab.page.evaluate("document.activeElement.name") == "password"
    tab.screenshot("login-expired")
    tab.page.fill("input[name=password]", PASSWORD)
    tab.page.click("form.login button[type=submit]")
    tab.page.wait_for_url(lambda url: "/login/" not in url)
    tab.errors.clear()  # the refused post's 403 is logged by the browser
