"""A keeper of training in Chromium at 1366×768 (issue 20 point 2): edits a question of
the bank from its link (a wrong answer refused, what was typed kept, then saved), and adds
a walk-in to a training session from a search of the centre's people."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.supervision.models import Attendance, Question
from kefu.supervision.services.training import question_save, session_create
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_question_edited_and_a_walk_in_added(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    u = world.users
    question = question_save(
        actor=u["qa"],
        topic="business",
        kind="single",
        text="居民阶梯电价第一档的起点是？",
        options=["每月230度", "每月400度"],
        key=[1],
    )
    session = session_create(
        actor=u["qa"],
        topic="etiquette",
        title="接听礼仪与规范用语",
        starts_at=timezone.now(),
        minutes=60,
        trainer_name="外聘讲师",
        people=[u["agent"].pk],
    )
    qa = browser_page()
    qa.sign_in("qa", PASSWORD)
    page = qa.page
    qa.goto("/supervision/questions/")
    page.click(f"a[href='/supervision/questions/{question.pk}/edit/']")
    page.fill("textarea[name=text]", "居民阶梯电价第一档的上限是？")
    page.fill("textarea[name=key]", "3")  # no third option
    page.click("form.question-form button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert page.input_value("textarea[name=text]") == "居民阶梯电价第一档的上限是？"
    qa.errors.clear()  # the refused post's 400 is logged by the browser
    page.fill("textarea[name=key]", "1")
    page.click("form.question-form button[type=submit]")
    page.wait_for_selector("text=试题已保存。")
    question.refresh_from_db()
    assert (question.text, question.key) == ("居民阶梯电价第一档的上限是？", [0])
    qa.goto(f"/supervision/training/{session.pk}/")
    page.fill("input[name=q]", "陈建")
    page.click("section.walk-ins button[type=submit]")
    page.check(f"form.walk-in-form input[value='{u['leader'].pk}']")
    qa.screenshot("training-walk-in")
    page.click("form.walk-in-form button[type=submit]")
    page.wait_for_selector("text=已添加 1 名到场人员。")
    assert Attendance.objects.get(session=session, person=u["leader"]).present
    assert Question.objects.get(pk=question.pk).version == 2
