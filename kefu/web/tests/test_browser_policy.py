"""The pages' behaviour under the Content-Security-Policy, in Chromium: what used to be
inline script still works from static files, and nothing is fetched from elsewhere. Any
violation fails the test (kefu.browser turns it into a console error)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import SCREENSHOTS, BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.knowledge.services import article_create

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(browser_page: Callable[..., BrowserPage], user: User) -> BrowserPage:
    tab = browser_page()
    tab.sign_in(user.username, PASSWORD)
    return tab


def test_page_behaviours_work_from_static_files(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    number = open_ticket()["number"]
    backoffice = signed_in(browser_page, users["backoffice"])
    backoffice.goto(f"/tickets/{number}/")
    bar = backoffice.page.locator(".bar span").first
    assert bar.evaluate("span => span.style.width") == bar.get_attribute("data-percent") + "%"
    backoffice.screenshot("policy-ticket-detail")

    agent = signed_in(browser_page, users["agent"])
    agent.goto("/workbench/")
    agent.page.check("#settled")
    order_fields = agent.page.locator("#order-fields")
    assert order_fields.evaluate("fieldset => fieldset.disabled") is True
    agent.page.uncheck("#settled")
    assert order_fields.evaluate("fieldset => fieldset.disabled") is False
    agent.page.select_option("select[name=language]", "en")
    agent.page.locator("html[lang=en]").wait_for(state="attached")
    agent.screenshot("policy-workbench-english")

    leader = signed_in(browser_page, users["leader"])
    leader.goto("/dashboard/")
    chart = leader.page.locator("#trend canvas")
    chart.wait_for()
    box = chart.bounding_box()
    assert box is not None
    chart.hover(position={"x": box["width"] * 0.6, "y": box["height"] * 0.5})
    leader.page.wait_for_timeout(400)  # the tooltip is drawn
    leader.page.screenshot(path=str(SCREENSHOTS / "policy-dashboard-tooltip.png"))


def test_an_article_fetches_no_image_from_elsewhere(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    article = article_create(
        actor=users["editor"],
        title="电表箱示意",
        body="如图：\n\n<img src=x>\n\n![外链](https://tracker.example/pixel.gif)\n\n![相对](pixel.png)",
        kind="faq",
    )
    editor = signed_in(browser_page, users["editor"])
    fetched: list[str] = []
    editor.page.on("request", lambda request: fetched.append(request.url))
    editor.goto(f"/knowledge/{article.pk}/")
    editor.page.wait_for_load_state("networkidle")
    assert editor.page.locator(".article-body img").count() == 3
    assert [url for url in fetched if "pixel" in url or url.endswith("/x")] == []


def test_a_refused_attachment_is_explained_beside_the_form(
    browser_page: Callable[..., BrowserPage], users: dict[str, User], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    article = article_create(
        actor=users["editor"], title="复电申请须知", body="见附件。", kind="faq"
    )
    editor = signed_in(browser_page, users["editor"])
    editor.goto(f"/knowledge/{article.pk}/")
    page = editor.page
    disguised = {"name": "复电申请表.pdf", "mimeType": "application/pdf", "buffer": b"<html>"}
    page.set_input_files("#attach-form input[type=file]", disguised)
    with page.expect_response(lambda response: response.status == 400):
        page.click("#attach-form button[type=submit]")
    assert "内容与文件名所示的类型不符" in page.inner_text("#attach-refused")
    # The browser logs the 400 itself; nothing else may be wrong.
    assert all("400" in error for error in editor.errors), editor.errors
    editor.errors.clear()
    editor.screenshot("policy-attachment-refused")
