"""Signing in and one's own password in Chromium: the password page from the user menu,
and the login form once a user name is locked (issue 14, point 6)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "淮海路-夜班-2027"


def test_a_user_changes_their_password_from_the_user_menu(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    tab = browser_page()
    tab.sign_in("agent", PASSWORD)
    tab.page.click("header.topbar a.account")
    tab.page.wait_for_url("**/password/")

    tab.page.fill("input[name=old_password]", PASSWORD)
    tab.page.fill("input[name=new_password1]", "12345678")
    tab.page.fill("input[name=new_password2]", "12345678")
    tab.page.click("form.password-change button[type=submit]")
    tab.page.wait_for_selector("form.password-change p.error")
    errors = tab.page.inner_text("form.password-change")
    assert "密码太短" in errors and "这个密码太常见了" in errors and "密码只包含数字" in errors
    assert tab.page.input_value("input[name=new_password1]") == ""
    tab.screenshot("password-change-refused")

    tab.page.fill("input[name=old_password]", PASSWORD)
    tab.page.fill("input[name=new_password1]", NEW_PASSWORD)
    tab.page.fill("input[name=new_password2]", NEW_PASSWORD)
    tab.page.click("form.password-change button[type=submit]")
    tab.page.wait_for_selector(".message.success")
    assert "密码已修改" in tab.page.inner_text(".messages")

    again = browser_page()
    again.sign_in("agent", NEW_PASSWORD)


def test_the_login_form_says_when_a_locked_user_may_try_again(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    tab = browser_page()
    tab.goto("/login/")
    for n in range(5):
        tab.page.fill("input[name=username]", "agent")
        tab.page.fill("input[name=password]", f"guess-{n}")
        with tab.page.expect_navigation():
            tab.page.click("form.login button[type=submit]")
    tab.page.fill("input[name=password]", PASSWORD)
    with tab.page.expect_navigation() as navigation:
        tab.page.click("form.login button[type=submit]")

    assert navigation.value is not None and navigation.value.status == 429
    message = tab.page.inner_text("form.login p.error")
    assert "登录失败次数过多" in message and "分钟后" in message
    assert tab.page.input_value("input[name=username]") == "agent"
    assert tab.page.input_value("input[name=password]") == ""
    assert "/login/" in tab.page.url
    tab.screenshot("login-locked")
    # Chromium reports the refused sign-ins' status codes on its console; nothing else.
    tab.errors[:] = [error for error in tab.errors if "status of 429" not in error]
