"""Issue 15, point 25 in Chromium: an editor is offered only the actions they may take
(the writer recalls a change from review, another editor approves it), the editor
previews the article as agents will read it, and search snippets are the text readers
read, with whole words marked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.knowledge.models import Article
from kefu.knowledge.services import article_act, article_create

pytestmark = pytest.mark.django_db(transaction=True)

APPROVE = "button:text('审核通过并发布')"
RECALL = "button:text('撤回修改')"


def test_the_writer_recalls_and_the_other_editor_approves(
    browser_page: Callable[..., BrowserPage], make_user: Callable[..., User], centre: OrgUnit
) -> None:
    author = make_user("editor", username="editor-li")
    make_user("editor", username="editor-wang")
    written = article_create(
        actor=author, title="电费发票的开具", body="在网上国网开具。", kind="faq", tags=[]
    )
    article_act(actor=author, article_id=written.pk, action="submit", version=1)

    writer = browser_page()
    writer.sign_in("editor-li", PASSWORD)
    writer.goto(f"/knowledge/{written.pk}/")
    actions = writer.page.inner_text(".actions")
    assert "审核通过并发布" not in actions and "退回修改" not in actions
    assert writer.page.locator(RECALL).is_visible()
    writer.screenshot("editor-own-article-in-review")
    writer.page.click(RECALL)
    writer.page.wait_for_selector("button:text('提交审核')")
    assert Article.objects.get(pk=written.pk).state == "draft"
    assert "作废草稿" in writer.page.inner_text(".actions")  # never published: discard
    writer.page.click("button:text('提交审核')")
    writer.page.wait_for_selector(RECALL)

    reviewer = browser_page()
    reviewer.sign_in("editor-wang", PASSWORD)
    reviewer.goto(f"/knowledge/{written.pk}/")
    assert reviewer.page.locator(RECALL).count() == 0
    reviewer.page.click(APPROVE)
    reviewer.page.wait_for_selector("button:text('下架')")
    assert Article.objects.get(pk=written.pk).state == "published"
    reviewer.screenshot("reviewer-article-published")


def test_the_editor_previews_what_agents_will_read(
    browser_page: Callable[..., BrowserPage], make_user: Callable[..., User], centre: OrgUnit
) -> None:
    make_user("editor", username="editor-li")
    editor = browser_page()
    editor.sign_in("editor-li", PASSWORD)
    editor.goto("/knowledge/new/")
    assert "点击“预览”" in editor.page.inner_text("#preview")
    editor.page.fill("input[name=title]", "居民阶梯电价")
    editor.page.fill(
        "textarea[name=body]",
        "### 标准\n\n| 档位 | 电价 |\n| --- | --- |\n| 第一档 | 0.5283 元 |\n\n"
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
    )
    editor.page.click("button:text('预览')")
    editor.page.wait_for_selector("#preview table")
    preview = editor.page.locator("#preview")
    assert preview.locator("h3").inner_text() == "标准"
    assert preview.locator("td").first.inner_text() == "第一档"
    assert preview.locator("script, img[onerror], img[src=x]").count() == 0
    assert "居民阶梯电价" in preview.inner_text()
    assert "---" not in preview.inner_text()
    editor.screenshot("editor-preview")
    assert Article.objects.count() == 0  # a preview saves nothing


def test_search_snippets_read_as_text_with_whole_words_marked(
    browser_page: Callable[..., BrowserPage], make_user: Callable[..., User], centre: OrgUnit
) -> None:
    author = make_user("editor", username="editor-li")
    reviewer = make_user("editor", username="editor-wang")
    make_user("agent", username="agent-zhao")
    written = article_create(
        actor=author,
        title="居民阶梯电价标准",
        body="说明如下。\n\n| 档位 | 年用电量 | 电价 |\n| --- | --- | --- |\n"
        "| 第一档 | 2760 千瓦时以内 | 0.5283 元 |\n| 第二档 | 2761-4800 千瓦时 | 0.5783 元 |",
        kind="faq",
        tags=["电价"],
    )
    article_act(actor=author, article_id=written.pk, action="submit", version=1)
    article_act(actor=reviewer, article_id=written.pk, action="approve", version=2)

    agent = browser_page()
    agent.sign_in("agent-zhao", PASSWORD)
    agent.goto("/knowledge/?q=第二档电价是多少")
    snippet = agent.page.locator(".snippet").first
    text = snippet.inner_text()
    assert "---" not in text and "|" not in text, text
    marks = snippet.locator("mark").all_inner_texts()
    assert marks and all(len(mark) > 1 for mark in marks), marks
    agent.screenshot("agent-search-snippet")
