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


FOLD = 768


def _above_the_fold(tab: BrowserPage, selector: str) -> None:
    box = tab.page.locator(selector).first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= FOLD, (selector, box)


def _no_latin(tab: BrowserPage) -> None:
    """Chinese labels: nothing in the page's own part is in Latin letters but the staff
    IDs, form numbers and score names the centre itself gives."""
    text = tab.page.inner_text("main")
    assert [w for w in LATIN.findall(text) if w not in {"CSAT", "NPS", "CES"}] == []


def test_an_agent_records_a_survey_on_a_contact_at_1366(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    from kefu.conftest import PASSWORD

    contact = world.contact()
    questions = list(world.template.versions.get().questions.order_by("position"))
    tab = browser_page(width=1366, height=768)
    tab.sign_in("agent1", PASSWORD)
    tab.goto(f"/contacts/{contact.pk}/")
    tab.page.click("a.contact-survey-link")
    tab.page.wait_for_selector("form.record-survey")
    page = tab.page
    assert "本次接触的满意度调查" in page.inner_text("h1")
    assert "A001" in page.inner_text("table.contact-survey-facts")
    _no_latin(tab)
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 1366
    for selector in ("form.record-survey button[type=submit]", "form.skip-survey button"):
        _above_the_fold(tab, selector)
    tab.screenshot("survey-contact-1366")
    # Refused: the NPS left out. What was chosen and typed comes back.
    page.locator(f"input[name=q{questions[0].pk}][value='2']").check()
    page.locator(f"input[name=q{questions[2].pk}][value='5']").check()
    page.fill(f"textarea[name=q{questions[3].pk}]", "等待时间太长")
    page.click("form.record-survey button[type=submit]")
    page.wait_for_selector("text=请回答这个问题。")
    tab.errors = [e for e in tab.errors if "400" not in e]
    assert page.locator(f"input[name=q{questions[0].pk}][value='2']").is_checked()
    assert page.locator(f"input[name=q{questions[2].pk}][value='5']").is_checked()
    assert page.input_value(f"textarea[name=q{questions[3].pk}]") == "等待时间太长"
    assert not Invitation.objects.exists()
    tab.screenshot("survey-contact-1366-refused")
    page.locator(f"input[name=q{questions[1].pk}][value='6']").check()
    page.click("form.record-survey button[type=submit]")
    page.wait_for_selector("text=客户的回答已记录。")
    invitation = Invitation.objects.get()
    assert invitation.answered_via == "agent" and invitation.staff_number == "A001"
    assert "等待时间太长" in page.inner_text("table.survey-answers")
    tab.screenshot("survey-contact-1366-recorded")


def test_the_questionnaire_pages_at_1366(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    import datetime as dt

    from kefu.conftest import PASSWORD
    from kefu.satisfaction.services.surveys import questionnaire_record

    for n in range(6):
        questionnaire_record(
            actor=world.reader,
            month=dt.date(2026, 11, 1),
            staff_number="A001",
            respondent=f"业主{n}",
            phone=f"1391234{n:04d}",
            score=5 - n % 5,
            paper_number=f"2026-11-{n:03d}",
        )
    tab = browser_page(width=1366, height=768)
    tab.sign_in("back1", PASSWORD)
    tab.goto("/satisfaction/surveys/questionnaires/?month=2026-11")
    page = tab.page
    page.fill("input[name=percent]", "34")
    page.click("form.draw-sample button[type=submit]")
    page.wait_for_selector("text=已抽取 2 份问卷待回访。")
    _no_latin(tab)
    for selector in (
        "table.questionnaire-summary",
        "form.draw-sample button",
        "table.questionnaire-staff",
    ):
        _above_the_fold(tab, selector)
    assert page.locator("form.check-form").count() == 2
    tab.screenshot("survey-questionnaires-1366")
    tab.goto("/satisfaction/surveys/questionnaires/new/?month=2026-11")
    _no_latin(tab)
    _above_the_fold(tab, "form.questionnaire-form button[type=submit]")
    tab.screenshot("survey-questionnaire-new-1366")
