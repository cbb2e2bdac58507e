"""An agent records a market survey on an outbound list's call in Chromium at 1366×768
(issue 19 point 5, 003 一(二)3): from the call in my callbacks to the survey, a form sent
with a required answer missing comes back with what was chosen, then recorded."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.satisfaction.models import Invitation
from kefu.satisfaction.tests.survey_world import World
from kefu.satisfaction.tests.survey_world import world as world  # the fixture
from kefu.satisfaction.tests.test_survey_calls import _task

pytestmark = pytest.mark.django_db(transaction=True)
LATIN = re.compile(r"[A-Za-z]{2,}")


def test_an_agent_records_the_survey_of_a_call_in_the_browser(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    task = _task(world)
    tab = browser_page()
    tab.sign_in("agent1", PASSWORD)
    tab.goto(f"/satisfaction/callbacks/{task.pk}/")
    page = tab.page
    page.locator("dd.call-survey a", has_text="记录问卷").click()
    page.wait_for_selector("#record-survey")
    assert "市场调查" in page.inner_text(".callback-survey-facts")
    first, second = (q.pk for q in world.template.versions.get().questions.order_by("position")[:2])
    page.locator(f"input[name=q{first}][value='4']").check()
    page.fill("#record-survey textarea", "希望多些线上办理")
    page.locator("#record-survey button").click()
    page.wait_for_selector("fieldset.invalid")
    # The NPS answer was missing: the page comes back with what was chosen and typed.
    assert page.locator(f"input[name=q{first}][value='4']").is_checked()
    assert page.input_value("#record-survey textarea") == "希望多些线上办理"
    assert "请回答这个问题。" in page.inner_text("#record-survey")
    box = page.locator("#record-survey button").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
    shown = page.evaluate("() => document.body.innerText")
    assert not [word for word in LATIN.findall(shown) if word not in {"kefu"}], shown
    tab.screenshot("satisfaction-call-survey-refused")
    tab.errors.clear()  # the refused post's 400 is logged by the browser
    page.locator(f"input[name=q{second}][value='9']").check()
    for fieldset in page.locator("fieldset.invalid").all():
        fieldset.locator("input[type=radio]").last.check()
    page.locator("#record-survey button").click()
    page.wait_for_selector("text=客户的回答已记录")
    assert Invitation.objects.get().state == "answered"
    tab.screenshot("satisfaction-call-survey-recorded")
    page.locator("a", has_text="返回外呼任务").click()
    page.wait_for_selector("dd.call-survey")
    assert "已记录" in page.inner_text("dd.call-survey")
