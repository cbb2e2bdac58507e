"""The workbench extras in Chromium at 1366×768 (issue 15, 18 and 18a): a watch-listed
caller is flagged at screen pop; the agent texts a knowledge answer and asks for help; the
team leader is alerted on whatever page they are on and takes the contact over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.contacts.models import Contact, ContactSms, HelpRequest
from kefu.contacts.tests.test_assist import RecordingGateway
from kefu.core.models import User
from kefu.customers.services import customer_create, watch_entry_add
from kefu.knowledge.services import article_act, article_create

pytestmark = pytest.mark.django_db(transaction=True)
CALLER = "13812345678"


def test_an_abusive_caller_is_flagged_texted_and_taken_over_by_the_leader(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    make_user: Callable[..., User],
    settings: Any,
) -> None:
    settings.KEFU_SMS_GATEWAY = "kefu.contacts.tests.test_assist.RecordingGateway"
    RecordingGateway.sent = []
    customer = customer_create(actor=users["agent"], name="王建国", phones=[CALLER])
    watch_entry_add(
        actor=users["leader"],
        number=CALLER,
        reason="多次来电辱骂坐席",
        instruction="礼貌告知后请其挂机；仍纠缠则报告现场主管。",
        expires_at=timezone.now() + timedelta(days=30),
    )
    author = make_user("editor", username="editor-li")
    reviewer = make_user("editor", username="editor-wang")
    article = article_create(
        actor=author,
        title="电费缴纳渠道",
        body="可通过网上国网 App 或营业厅缴纳。",
        kind="faq",
        tags=["缴费", "电费"],
    )
    article = article_act(actor=author, article_id=article.pk, action="submit", version=1)
    article_act(actor=reviewer, article_id=article.pk, action="approve", version=2)

    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto(f"/workbench/?caller={CALLER}")
    page = agent.page
    flag = page.locator(".flags .flag")
    assert "重点关注来电" in flag.inner_text() and "多次来电辱骂坐席" in flag.inner_text()
    assert "礼貌告知后请其挂机" in flag.inner_text()
    box = flag.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # seen at once, no scrolling

    page.fill("#kb-q", "电费")
    page.wait_for_selector("#kb-hits .hit")
    page.locator("#kb-hits .hit button:has-text('短信')").first.click()
    page.wait_for_selector(".sms-form")
    form = page.locator(".sms-form")
    assert "发送至" in form.inner_text() and "138****5678" in form.inner_text()
    assert form.locator("textarea").input_value().startswith("电费缴纳渠道：可通过网上国网")
    form.locator("button:has-text('发送短信')").click()
    page.wait_for_selector(".sms-log:has-text('已发送')")
    assert "138****5678" in page.inner_text(".sms-log")
    assert RecordingGateway.sent[0][0] == CALLER

    page.select_option("#help-reason", label="辱骂或骚扰来电")
    page.click("button:has-text('求助班长')")
    page.wait_for_selector(".help-state:has-text('已通知值班班长')")
    agent.screenshot("workbench-flag-sms-help")

    leader = browser_page()
    leader.sign_in("leader", PASSWORD)
    leader.goto("/customers/")  # any page: the alert comes to the leader
    leader.page.wait_for_selector(".help-alert .flag:has-text('辱骂或骚扰来电')", timeout=7000)
    assert "agent" in leader.page.inner_text(".help-alert")
    leader.screenshot("leader-help-alert")
    leader.page.click(".help-alert button:has-text('接管')")
    leader.page.wait_for_selector(".help-alert .flag", state="detached")
    taken = HelpRequest.objects.get()
    assert taken.taken_by == users["leader"]

    page.wait_for_selector(".help-state:has-text('接管此通话')", timeout=7000)
    assert "leader" in page.inner_text(".help-state")
    page.fill("textarea[name=summary]", "来电辱骂，已由班长接管；短信告知缴费渠道")
    page.check("#settled")
    page.click("button:has-text('保存接触记录')")
    page.wait_for_selector(".message:has-text('接触记录已保存')")
    contact = Contact.objects.get(customer=customer)
    assert ContactSms.objects.get().contact == contact
    assert HelpRequest.objects.get().contact == contact
