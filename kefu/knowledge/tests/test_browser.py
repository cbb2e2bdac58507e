"""The knowledge base in Chromium: an agent looks an answer up beside the contact form,
an editor changes an article and another approves it after reading the diff."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, User
from kefu.knowledge.models import Article
from kefu.knowledge.services import article_act, article_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_finds_the_answer_and_editors_review_a_change(
    browser_page: Callable[..., BrowserPage], make_user: Callable[..., User], centre: OrgUnit
) -> None:
    author = make_user("editor", username="editor-li")
    reviewer = make_user("editor", username="editor-wang")
    make_user("agent", username="agent-zhao")
    business = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="fault", name="故障报修"
    )
    CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="power_outage",
        name="停电",
        parent=business,
    )
    written = article_create(
        actor=author,
        title="单户停电的排查步骤",
        body="### 先问清\n\n1. 邻居家是否有电\n2. 表箱内空开是否跳闸",
        kind="procedure",
        tags=["停电", "跳闸"],
    )
    written = article_act(actor=author, article_id=written.pk, action="submit", version=1)
    article_act(actor=reviewer, article_id=written.pk, action="approve", version=2)

    agent = browser_page()
    agent.sign_in("agent-zhao", PASSWORD)
    agent.goto("/workbench/")
    agent.page.fill("input[name=service_content]", "power_outage")
    agent.page.dispatch_event("input[name=service_content]", "change")
    agent.page.wait_for_selector("#kb-hits .hit")
    assert agent.page.input_value("#kb-q") == "停电"
    assert "单户停电的排查步骤" in agent.page.inner_text("#kb-hits")
    agent.page.fill("#kb-q", "空开跳了")
    agent.page.wait_for_selector("#kb-hits mark")
    agent.screenshot("agent-workbench-knowledge-panel")

    editor = browser_page()
    editor.sign_in("editor-li", PASSWORD)
    editor.goto(f"/knowledge/{written.pk}/edit/")
    editor.page.fill(
        "textarea[name=body]", "### 先问清\n\n1. 邻居家是否有电\n2. 漏电保护器是否跳闸"
    )
    editor.page.click("button:text('保存为草稿'), button:text('Save as draft')")
    editor.page.click("button:text('提交审核'), button:text('Submit for review')")
    editor.screenshot("editor-article-submitted")

    second = browser_page()
    second.sign_in("editor-wang", PASSWORD)
    second.goto("/knowledge/review/")
    second.page.click("text=单户停电的排查步骤")
    second.page.click("a[href*='/diff/']")
    assert "漏电保护器" in second.page.inner_text(".diff-add")
    second.screenshot("reviewer-diff")
    second.page.go_back()
    second.page.click("button:text('审核通过并发布'), button:text('Approve and publish')")
    assert Article.objects.get(pk=written.pk).live_version.number == 2  # type: ignore[union-attr]
