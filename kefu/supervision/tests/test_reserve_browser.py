"""绿苗计划 in Chromium at 1366×768 (seed 003 第二部分(八)1): the manager opens this half
year's selection, an agent applies, the manager scores the candidate and admits them with a
reason (refused first without one, the choice kept), and the pool lists them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.supervision.models import CandidateDecision, ReserveCandidate, ReserveMember
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_selection_opened_candidate_scored_and_admitted(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    page = manager.page
    manager.goto("/supervision/reserve/")
    page.click("form.reserve-open-form button[type=submit]")
    page.wait_for_selector("text=已发起选拔")
    selection_url = page.url

    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto(urlparse(selection_url).path)
    agent.page.fill("form.apply-form textarea[name=statement]", "愿意带新人")
    agent.page.click("form.apply-form button[type=submit]")
    agent.page.wait_for_selector("text=报名成功")
    assert agent.errors == []

    manager.goto(urlparse(selection_url).path)
    page.click("table.reserve-candidates a:has-text('王晓婷')")
    page.fill("form.score-form input[name=score]", "88")
    page.click("form.score-form button[type=submit]")
    page.wait_for_selector("text=评分已保存")
    assert "88" in page.inner_text("table.panel-scores")
    page.select_option("form.decide-form select[name=admit]", "0")
    page.fill("form.decide-form input[name=reason]", "   ")  # blank: refused
    page.click("form.decide-form button[type=submit]")
    page.wait_for_selector("form.decide-form .message.error")
    assert page.input_value("form.decide-form select[name=admit]") == "0"  # kept as chosen
    manager.errors.clear()  # the refused post's 400 is logged by the browser
    page.select_option("form.decide-form select[name=admit]", "1")
    page.fill("form.decide-form input[name=reason]", "质检与考试成绩突出")
    page.click("form.decide-form button[type=submit]")
    page.wait_for_selector("text=决定已记录")
    manager.screenshot("supervision-reserve-selection")
    candidate = ReserveCandidate.objects.get()
    assert candidate.decision == CandidateDecision.ADMITTED
    assert ReserveMember.objects.filter(person=world.users["agent"], lapsed_at=None).exists()

    manager.goto("/supervision/reserve/pool/")
    assert "王晓婷" in page.inner_text("table.reserve-pool")
    manager.screenshot("supervision-reserve-pool")
    assert manager.errors == []
