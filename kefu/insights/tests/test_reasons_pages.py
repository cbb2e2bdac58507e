"""Call-reason suggestions on pages: the workbench's fragment over HTTP, and the managers'
page of the model (kefu/insights/views/reasons.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.insights.models import ReasonSuggestion
from kefu.insights.queries.reasons import threshold_of
from kefu.insights.services.reasons import reason_model_train
from kefu.insights.tests.reasons_data import ReasonWorld, reason_world

pytestmark = pytest.mark.django_db
__all__ = ["reason_world"]


def signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_workbench_asks_for_suggestions_as_the_agent_types(
    reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    agent = signed_in("agent")
    page = agent.get("/workbench/").content.decode()
    assert 'id="reason-suggestions"' in page and 'hx-post="/insights/reasons/suggest/"' in page
    assert "insights/reasons.js" in page
    # Before the first training: nothing, and no error.
    empty = agent.post("/insights/reasons/suggest/", {"summary": "家里停电了", "submission": "t1"})
    assert empty.status_code == 200 and b"data-reason-fill" not in empty.content
    reason_model_train(actor=users["manager"])
    response = agent.post(
        "/insights/reasons/suggest/",
        {"summary": "客户反映家里停电了", "submission": "t1", "kind": "", "region": "x"},
    )
    html = response.content.decode()
    assert 'data-reason-fill="故障报修 › 停电"' in html and "推荐来电原因" in html
    assert html.count("data-reason-fill=") <= 3
    assert ReasonSuggestion.objects.get(session="t1").shown
    # An empty summary, a bad token or a summary past the limit: nothing shown, no error.
    for data in (
        {"summary": ""},
        {"summary": "停电", "submission": "a b"},
        {"summary": "停" * 2001},
    ):
        answer = agent.post("/insights/reasons/suggest/", data)
        assert answer.status_code == 200 and b"data-reason-fill" not in answer.content
    assert (
        signed_in("editor").post("/insights/reasons/suggest/", {"summary": "停电"}).content.strip()
        == b""
    )


def test_the_managers_page_shows_the_figures_and_trains(
    reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    manager = signed_in("manager")
    assert signed_in("agent").get("/insights/reasons/").status_code == 403
    assert "尚无模型" in manager.get("/insights/reasons/").content.decode()
    trained = manager.post("/insights/reasons/train/", follow=True).content.decode()
    assert "模型已用 240 条接触记录训练完成" in trained
    for text in (
        "首选准确率",
        "前三准确率",
        "各来电原因召回率",
        "故障报修 › 停电",
        "近 7 天",
        "近 30 天",
    ):
        assert text in trained, text


def test_too_few_contacts_the_button_says_why(centre: object, users: dict[str, User]) -> None:
    page = signed_in("manager").post("/insights/reasons/train/", follow=True).content.decode()
    assert "已分类的接触记录太少" in page and "200" in page


def test_a_refused_threshold_keeps_what_was_typed(
    reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    manager = signed_in("manager")
    refused = manager.post("/insights/reasons/threshold/", {"threshold": "1.7"})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'value="1.7"' in html and 'role="alert"' in html
    assert manager.post("/insights/reasons/threshold/", {"threshold": "0.3"}).status_code == 302
    assert threshold_of(reason_world.centre.pk) == Decimal("0.30")
