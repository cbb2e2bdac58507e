"""The public survey page in Chromium (issue 19 point 2) at a phone's 360×740 and an
office screen's 1366×768: it fits without scrolling sideways, every choice and button is
big enough to tap (44 px, the size the platforms' guidelines ask), its labels are Chinese;
answered, it thanks and the link is used up."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.satisfaction.models import Invitation, SurveyAnswer
from kefu.satisfaction.tests.survey_world import World, token_of
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)

LATIN = re.compile(r"[A-Za-z]{2,}")
TAP = 44


def _check_layout(tab: BrowserPage, width: int) -> None:
    page = tab.page
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow} px wide at {width}"
    for selector in ("label.choice", "button.submit", "button.link-button"):
        boxes = [
            page.locator(selector).nth(i).bounding_box()
            for i in range(page.locator(selector).count())
        ]
        assert boxes, selector
        for box in boxes:
            assert box is not None
            assert box["height"] >= TAP and box["width"] >= TAP, (selector, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    assert LATIN.findall(page.inner_text("body")) == []
    assert page.evaluate("() => document.documentElement.lang") == "zh-Hans"


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_the_survey_page_on_a_phone_and_a_desktop(
    browser_page: Callable[..., BrowserPage], world: World, width: int, height: int
) -> None:
    (invitation,) = world.send(0)
    token = token_of(invitation)
    tab = browser_page(width=width, height=height)
    tab.goto(f"/s/{token}/")
    page = tab.page
    assert page.inner_text("h1") == "热线满意度"
    assert "非常满意" in page.inner_text("body") and "非常容易" in page.inner_text("body")
    _check_layout(tab, width)
    tab.screenshot(f"survey-{width}")
    questions = list(invitation.version.questions.order_by("position"))
    # Submitting with a question left: the browser holds the form.
    page.locator(f"input[name=q{questions[0].pk}][value='2']").check(force=True)
    page.locator("button.submit").click()
    assert not SurveyAnswer.objects.exists()
    page.locator(f"label.choice:has(input[name=q{questions[1].pk}][value='6'])").click()
    page.locator(f"label.choice:has(input[name=q{questions[2].pk}][value='3'])").click()
    page.fill(f"textarea[name=q{questions[3].pk}]", "等待时间太长")
    page.locator("button.submit").click()
    page.wait_for_selector("text=感谢您的评价，我们会持续改进。")
    tab.screenshot(f"survey-{width}-thanks")
    assert Invitation.objects.get().state == "answered"
    assert sorted(SurveyAnswer.objects.values_list("kind", "score")) == [
        ("ces", 3),
        ("csat", 2),
        ("nps", 6),
        ("text", None),
    ]
    # The link is used up: the same page as for a wrong link.
    response = page.goto(f"{tab.base_url}/s/{token}/")
    assert response is not None and response.status == 404
    # The browser reports the 404 it was meant to get; nothing else may fail.
    tab.errors = [e for e in tab.errors if f"/s/{token}/" not in e or "404" not in e]
    assert page.inner_text("h1") == "该调查链接无法使用"
    assert LATIN.findall(page.inner_text("body")) == []
