"""The back office works a callback in Chromium at 1366×768 (issue 19 point 1): the
customer, the contact it follows, the script and the outcome form in view; a form sent
without an outcome held with the note kept; 不满意 recorded and the customer on the
dissatisfied list."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.satisfaction.models import CallbackAttempt, CallbackTask, DissatisfiedEntry
from kefu.satisfaction.services.callbacks import callbacks_sweep
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import ALL, World

pytestmark = pytest.mark.django_db(transaction=True)
world = world_callbacks.world  # the fixture
LATIN = re.compile(r"[A-Za-z]{2,}")


def in_view(tab: BrowserPage, selector: str) -> bool:
    box = tab.page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= 768 and box["x"] + box["width"] <= 1366


def test_the_back_office_works_a_callback_in_the_browser(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    world.rule("sample", rate=ALL, script="您好,这里是供电服务中心,请问是{name}吗?")
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    assert task.assignee == world.people["bo1"]

    tab = browser_page()
    tab.sign_in("bo1", PASSWORD)
    tab.goto("/satisfaction/callbacks/mine/")
    page = tab.page
    assert "我的回访" in page.inner_text("nav.tabs")
    assert "您好,这里是供电服务中心,请问是王建国吗?" in page.inner_text(".callback-script")
    assert "咨询电费" in page.inner_text(".facts")
    for selector in (".callback-script", ".callback-form button", "table.my-callbacks"):
        assert in_view(tab, selector), selector
    page.fill("textarea[name=note]", "客户说抢修太慢")
    page.locator(".callback-form button").click()
    # No outcome chosen: the browser holds the form, the note stays.
    assert page.locator("input[name=outcome]").first.evaluate("radio => !radio.validity.valid")
    assert page.input_value("textarea[name=note]") == "客户说抢修太慢"
    assert not CallbackAttempt.objects.exists()
    tab.screenshot("satisfaction-callback-form")
    page.locator("input[name=outcome][value=dissatisfied]").check()
    page.locator(".callback-form button").click()
    page.wait_for_selector("text=回访已记录")
    assert "暂无待回访任务" in page.inner_text("main")
    shown = page.evaluate("() => document.body.innerText")
    assert not [word for word in LATIN.findall(shown) if word not in {"kefu"}], shown
    entry = DissatisfiedEntry.objects.get()
    assert entry.reasons.get().note == "客户说抢修太慢"
    tab.goto(f"/satisfaction/dissatisfied/{entry.pk}/")
    assert "回访不满意" in page.inner_text("table.dissatisfied-reasons")
    assert in_view(tab, ".plan-form button")
