"""An exam taken and marked in Chromium at 1366×768 (issue 20 point 2): the agent opens
the exam, sees the time left, answers (each answer saved as it changes), reloads (the same
paper, the answers kept), hands in; the QA inspector marks the short answer on the
marking page; the agent reads the result."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.supervision.models import Paper, PaperState
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.exams_data import an_exam, bank

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_exam_taken_and_marked(browser_page: Callable[..., BrowserPage], world: World) -> None:
    bank(world.users["qa"])
    exam = an_exam(world.users["qa"], minutes=20)
    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    page = agent.page
    agent.goto("/supervision/exams/")
    page.click("table.exams button:text('开始考试')")
    # Playwright's own matcher, not wait_for_function: a string predicate is evaluated with
    # eval in the page, which its CSP refuses when the first check fails (a loaded machine).
    expect(page.locator(".time-left strong")).to_have_text(re.compile(r"^(19|20):"))
    paper = Paper.objects.get(exam=exam)
    items = {item.position: item for item in paper.questions.all()}
    first = page.locator("li.question").first
    # Each answer is saved as it changes.
    for position, item in items.items():
        question = f"li.question[data-position='{position}']"
        if item.kind in ("single", "multiple"):
            for index in item.key:
                page.check(f"{question} input[value='{index}']")
        elif item.kind == "true_false":
            page.check(f"{question} input[value='true']")
        else:
            page.fill(f"{question} textarea", "先向客户致歉，核实抄表读数，派单复核")
    # Every answer is saved (the written one after a pause in typing).
    for position in items:
        page.wait_for_selector(f"li.question.saved[data-position='{position}']")
    short = next(p for p, item in items.items() if item.kind == "short")
    agent.screenshot("exam-taking")
    # Reloading shows the same paper with what was saved.
    page.reload()
    page.wait_for_selector(".time-left strong")
    assert first.inner_text() == page.locator("li.question").first.inner_text()
    page.click("button.hand-in")
    page.wait_for_selector("text=简答题等待阅卷")
    paper.refresh_from_db()
    assert paper.state == PaperState.SUBMITTED
    assert paper.questions.get(position=short).answer == "先向客户致歉，核实抄表读数，派单复核"

    qa = browser_page()
    qa.sign_in("qa", PASSWORD)
    qa.goto("/supervision/marking/")
    assert "先向客户致歉" in qa.page.inner_text("section.answer-to-mark")
    qa.screenshot("exam-marking")
    qa.page.fill("form.mark-form input[name=points]", "5")
    qa.page.fill("form.mark-form input[name=comment]", "要点齐全")
    qa.page.click("form.mark-form button[type=submit]")
    qa.page.wait_for_selector("text=没有待批阅的答案")
    qa.goto(f"/supervision/exams/{exam.pk}/")
    assert "合格" in qa.page.inner_text("table.results")
    qa.screenshot("exam-results")

    agent.goto(f"/supervision/papers/{paper.pk}/")
    result = page.inner_text(".paper-result")
    assert "15.00 / 16.00" in result and "合格" in result
    agent.screenshot("exam-result")
