"""A complaint judged and appealed in Chromium at 1366×768 (issue 20 point 3): the back
office judges a closed complaint against a department, the department's handler appeals
with a reason, the manager upholds the appeal and judges it nobody's fault; every step is
on the judgement's page."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.supervision.models import ComplaintJudgement, JudgementState
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.test_judging import complaint

pytestmark = pytest.mark.django_db(transaction=True)


def test_judged_against_a_department_appealed_and_decided(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    complaint(world, "TS0301")
    department = world.users["handler"].department
    assert department is not None

    backoffice = browser_page()
    backoffice.sign_in("backoffice", PASSWORD)
    backoffice.goto("/supervision/assessment/judgements/")
    page = backoffice.page
    assert page.inner_text("h1") == "投诉判责"
    page.click("section.to-judge a.button")
    form = "form.judge-form"
    page.check(f"{form} input[name=responsibility][value=department]")
    page.select_option(f"{form} select[name=department]", str(department.pk))
    page.fill(f"{form} textarea[name=reason]", "抢修队超过约定时间两小时未到场")
    backoffice.screenshot("assessment-judge")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=已判责。")
    assert page.inner_text("dd.responsible") == "抢修"

    handler = browser_page()
    handler.sign_in("handler", PASSWORD)
    handler.goto("/supervision/assessment/judgements/")
    handler.page.click("table.judgements a")
    handler.page.fill("form.appeal-form textarea[name=reason]", "客户临时改约,到场时间经客户同意")
    handler.page.click("form.appeal-form button[type=submit]")
    handler.page.wait_for_selector("text=已申诉,等待主管裁定。")
    assert handler.page.locator("form.appeal-form").count() == 0  # once only
    handler.screenshot("assessment-appealed")

    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    manager.goto("/supervision/assessment/judgements/")
    manager.page.click("section.appealed table.judgements a")
    decision = "form.decision-form"
    manager.page.check(f"{decision} input[name=upheld][value=yes]")
    manager.page.check(f"{decision} input[name=responsibility][value=none]")
    manager.page.select_option(f"{decision} select[name=no_fault]", "not_at_fault")
    manager.page.fill(f"{decision} textarea[name=reason]", "通话录音证实客户同意改约")
    manager.page.click(f"{decision} button[type=submit]")
    manager.page.wait_for_selector("text=申诉已裁定。")
    steps = manager.page.inner_text("ul.judgement-steps")
    assert "已判责" in steps and "申诉时间" not in steps and "申诉成立" in steps
    manager.screenshot("assessment-decided")
    judgement = ComplaintJudgement.objects.get()
    assert (judgement.state, judgement.responsibility) == (JudgementState.UPHELD, "none")
    assert [s.action for s in judgement.steps.all()] == ["judge", "appeal", "uphold"]
