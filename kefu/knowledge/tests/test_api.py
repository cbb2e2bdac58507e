"""The knowledge API over real HTTP: the editorial loop, search, feedback, uses and cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.conftest import ApiClient, token_for
from kefu.contacts.models import Contact
from kefu.core.models import AuditEntry, User
from kefu.knowledge.models import Article, ArticleUse

pytestmark = pytest.mark.django_db

BASE = "/api/v1/knowledge"


@pytest.fixture
def reviewer(make_user: Callable[..., User]) -> ApiClient:
    make_user("editor", username="editor-2")
    return ApiClient(token_for("editor-2"))


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def publish(editor: ApiClient, reviewer: ApiClient, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "宽带光猫亮红灯的处理",
        "body": "### 步骤\n\n1. 检查尾纤\n2. 重启光猫",
        "kind": "faq",
    }
    article = ok(editor.post(f"{BASE}/articles", {**body, **fields}), 201)
    article = ok(
        editor.post(f"{BASE}/articles/{article['id']}/submit", {"version": article["version"]})
    )
    return ok(
        reviewer.post(f"{BASE}/articles/{article['id']}/approve", {"version": article["version"]})
    )


def test_an_article_is_written_reviewed_published_and_found(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient
) -> None:
    editor = api_as("editor")
    created = ok(
        editor.post(
            f"{BASE}/articles",
            {
                "title": "宽带光猫亮红灯的处理",
                "body": "### 步骤\n\n1. 检查尾纤\n2. 重启光猫<script>alert(1)</script>",
                "kind": "faq",
                "tags": ["光猫", "宽带"],
                "effective_from": "2026-01-01",
            },
        ),
        201,
    )
    assert created["state"] == "draft" and created["allowed_actions"] == ["submit", "withdraw"]
    assert "<script>" not in created["html"] and "<h3>" in created["html"]
    agent = api_as("agent")
    assert ok(agent.get(f"{BASE}/search", q="光猫"))["count"] == 0  # drafts are the editors'
    submitted = ok(
        editor.post(f"{BASE}/articles/{created['id']}/submit", {"version": created["version"]})
    )
    refused = editor.post(
        f"{BASE}/articles/{created['id']}/approve", {"version": submitted["version"]}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "reviewer_is_author"
    published = ok(
        reviewer.post(f"{BASE}/articles/{created['id']}/approve", {"version": submitted["version"]})
    )
    assert published["state"] == "published" and published["live_version"] == 1
    found = ok(agent.get(f"{BASE}/search", q="光猫一直亮红灯"))
    assert found["count"] == 1
    item = found["items"][0]
    assert item["id"] == created["id"] and item["score"] > 0 and "<mark>" in item["snippet"]
    assert set(item) == {"id", "title", "kind", "snippet", "score"}
    assert ok(agent.get(f"{BASE}/articles/{created['id']}"))["views"] == 0
    assert Article.objects.get(pk=created["id"]).views == 1


def test_versions_and_their_diff(api_as: Callable[[str], ApiClient], reviewer: ApiClient) -> None:
    editor = api_as("editor")
    first = publish(editor, reviewer)
    changed = ok(
        editor.patch(
            f"{BASE}/articles/{first['id']}",
            {"version": first["version"], "body": "### 步骤\n\n1. 检查尾纤\n2. 拔插电源后重启"},
        )
    )
    assert changed["state"] == "draft"
    agent_view = ok(api_as("agent").get(f"{BASE}/articles/{first['id']}"))
    assert "重启光猫" in agent_view["body"]  # the live version serves until approval
    second = ok(
        editor.post(f"{BASE}/articles/{first['id']}/submit", {"version": changed["version"]})
    )
    ok(reviewer.post(f"{BASE}/articles/{first['id']}/approve", {"version": second["version"]}))
    versions = ok(editor.get(f"{BASE}/articles/{first['id']}/versions"))
    assert [v["number"] for v in versions] == [2, 1]
    diff = ok(editor.get(f"{BASE}/articles/{first['id']}/diff", from_version=1, to_version=2))
    assert {"op": "-", "text": "2. 重启光猫"} in diff["lines"]
    assert {"op": "+", "text": "2. 拔插电源后重启"} in diff["lines"]
    assert api_as("agent").get(f"{BASE}/articles/{first['id']}/versions").status_code == 403
    missing = editor.get(f"{BASE}/articles/{first['id']}/diff", from_version=9)
    assert missing.status_code == 404


def test_bad_input_is_refused_and_changes_nothing(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient
) -> None:
    editor = api_as("editor")
    cases = [
        ({"title": "", "body": "x", "kind": "faq"}, 422),
        ({"title": "t", "body": "x", "kind": "poem"}, 422),
        ({"title": "t", "body": "x", "kind": "faq", "category": "nowhere"}, 422),
        ({"title": "t", "body": "x", "kind": "faq", "roles": ["king"]}, 422),
        (
            {"title": "t", "body": "x", "kind": "notice", "effective_from": "2026-12-01",
             "expires_at": "2026-11-01"},
            422,
        ),
    ]  # fmt: skip
    for body, status in cases:
        assert editor.post(f"{BASE}/articles", body).status_code == status, body
    assert (
        api_as("agent")
        .post(f"{BASE}/articles", {"title": "t", "body": "x", "kind": "faq"})
        .status_code
        == 403
    )
    assert not Article.objects.exists()
    article = publish(editor, reviewer)
    stale = editor.post(f"{BASE}/articles/{article['id']}/withdraw", {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    reject = editor.post(f"{BASE}/articles/{article['id']}/reject", {"version": article["version"]})
    assert reject.status_code == 409 and reject.json()["detail"]["allowed_actions"] == ["withdraw"]
    assert api_as("agent").get(f"{BASE}/search", q="").status_code == 422


def test_feedback_forms_the_editors_queue(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient
) -> None:
    editor, agent = api_as("editor"), api_as("agent")
    article = publish(editor, reviewer)
    ok(agent.post(f"{BASE}/articles/{article['id']}/feedback", {"kind": "helpful"}), 201)
    refused = agent.post(f"{BASE}/articles/{article['id']}/feedback", {"kind": "wrong"})
    assert refused.status_code == 422 and refused.json()["code"] == "note_required"
    wrong = ok(
        agent.post(
            f"{BASE}/articles/{article['id']}/feedback",
            {"kind": "wrong", "note": "尾纤不能让客户自己拔"},
        ),
        201,
    )
    queue = ok(editor.get(f"{BASE}/feedback"))
    assert [item["id"] for item in queue["items"]] == [wrong["id"]]
    assert agent.get(f"{BASE}/feedback").status_code == 403
    ok(editor.post(f"{BASE}/feedback/{wrong['id']}/resolve", {"note": "已改写步骤"}))
    assert ok(editor.get(f"{BASE}/feedback"))["count"] == 0
    assert AuditEntry.objects.filter(action="article.feedback_resolve").count() == 1


def test_uses_are_counted_once_per_contact_and_work_order(
    api_as: Callable[[str], ApiClient],
    reviewer: ApiClient,
    open_ticket: Callable[..., dict[str, Any]],
    users: dict[str, User],
) -> None:
    article = publish(api_as("editor"), reviewer)
    agent = api_as("agent")
    number = open_ticket()["number"]
    contact = Contact.objects.filter(centre=users["agent"].centre).first()
    assert (
        ok(agent.post(f"{BASE}/articles/{article['id']}/uses", {"ticket": number}), 201)["uses"]
        == 1
    )
    assert (
        ok(agent.post(f"{BASE}/articles/{article['id']}/uses", {"ticket": number}), 201)["uses"]
        == 1
    )
    if contact is not None:
        body = {"contact_id": contact.pk}
        assert ok(agent.post(f"{BASE}/articles/{article['id']}/uses", body), 201)["uses"] == 2
    bad = agent.post(f"{BASE}/articles/{article['id']}/uses", {})
    assert bad.status_code == 422 and bad.json()["code"] == "use_target_required"
    assert (
        agent.post(f"{BASE}/articles/{article['id']}/uses", {"ticket": "NOPE"}).status_code == 404
    )
    assert ArticleUse.objects.count() == (2 if contact is not None else 1)


def test_articles_suggested_for_a_work_order_and_a_case_from_a_closed_one(
    api_as: Callable[[str], ApiClient],
    reviewer: ApiClient,
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
) -> None:
    editor = api_as("editor")
    script = publish(
        editor, reviewer, title="服务态度投诉的致歉口径", body="先致歉，再记录经过，承诺回复时限。",
        kind="script",
    )  # fmt: skip
    number = open_ticket()["number"]
    suggested = ok(api_as("backoffice").get(f"{BASE}/tickets/{number}/articles"))
    assert suggested["items"][0]["id"] == script["id"]
    early = editor.post(f"{BASE}/cases", {"ticket": number})
    assert early.status_code == 409 and early.json()["code"] == "ticket_not_closed"
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("backoffice", "dispatch", {"department": "repair"}),
        ("handler", "take", {}),
        ("handler", "return", {"result": "已约谈抢修人员并致歉。"}),
        ("backoffice", "verify", {}),
        ("backoffice", "reply", {"channel": "phone", "text": "已向客户说明处理结果。"}),
        ("backoffice", "callback", {"satisfied": True, "note": "客户表示满意"}),
    ]
    for role, action, fields in steps:
        assert act(role, number, action, **fields).status_code == 200, action
    case = ok(editor.post(f"{BASE}/cases", {"ticket": number}), 201)
    assert case["kind"] == "case" and case["state"] == "draft"
    assert "已约谈抢修人员并致歉。" in case["body"] and "13812345678" not in case["body"]
    assert "抢修人员态度差" in case["title"]
    assert api_as("agent").post(f"{BASE}/cases", {"ticket": number}).status_code == 403


def test_suggestions_as_the_agent_types(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient
) -> None:
    publish(api_as("editor"), reviewer)
    items = ok(api_as("agent").get(f"{BASE}/suggest", q="光猫"))["items"]
    assert "光猫" in items and "宽带光猫亮红灯的处理" in items
    assert api_as("agent").get(f"{BASE}/suggest", q="x" * 51).status_code == 422


def test_attachments_are_uploaded_read_and_removed(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    editor, agent = api_as("editor"), api_as("agent")
    article = publish(editor, reviewer)
    url = f"{BASE}/articles/{article['id']}/attachments"
    upload = SimpleUploadedFile("停电申请表.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    response = editor.client.post(url, {"file": upload}, headers=editor.headers)
    assert response.status_code == 201, response.content
    added = response.json()
    assert added["name"] == "停电申请表.pdf" and added["size"] == 13
    assert [a["id"] for a in ok(agent.get(url))] == [added["id"]]
    download = agent.client.get(added["url"], headers=agent.headers)
    assert download.status_code == 302  # pages sign in with a session, not a token
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    refused = editor.client.post(url, {"file": bad}, headers=editor.headers)
    assert refused.status_code == 422 and refused.json()["code"] == "attachment_type"
    assert agent.client.post(url, {"file": upload}, headers=agent.headers).status_code == 403
    gone = editor.request("DELETE", f"{BASE}/attachments/{added['id']}")
    assert gone.status_code == 204 and ok(agent.get(url)) == []


def test_an_article_names_the_call_reasons_it_answers(
    api_as: Callable[[str], ApiClient], complaint_category: Any
) -> None:
    editor = api_as("editor")
    body = {"title": "服务态度投诉的致歉口径", "body": "先致歉。", "kind": "script"}
    created = ok(editor.post(f"{BASE}/articles", {**body, "call_reasons": ["attitude"]}), 201)
    assert created["call_reasons"] == ["attitude"]
    unknown = editor.post(f"{BASE}/articles", {**body, "call_reasons": ["nowhere"]})
    assert unknown.status_code == 422 and unknown.json()["detail"]["codes"] == ["nowhere"]
    cleared = ok(
        editor.patch(
            f"{BASE}/articles/{created['id']}", {"version": created["version"], "call_reasons": []}
        )
    )
    assert cleared["call_reasons"] == [] and cleared["title"] == body["title"]


def test_the_ways_callers_ask_find_the_article(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient
) -> None:
    editor = api_as("editor")
    article = publish(
        editor,
        reviewer,
        title="停电或电压异常造成家用电器损坏的理赔",
        body="客户提供损坏电器清单和购买凭证，供电公司核实后按规定赔偿。",
        questions=["  冰箱被烧坏了能赔吗 ", "冰箱被烧坏了能赔吗", "电视烧了找谁"],
    )
    assert article["questions"] == ["冰箱被烧坏了能赔吗", "电视烧了找谁"]
    agent = api_as("agent")
    found = ok(agent.get(f"{BASE}/search", q="来电的时候把我家冰箱烧坏了"))
    assert [item["id"] for item in found["items"]] == [article["id"]]
    too_many = editor.patch(
        f"{BASE}/articles/{article['id']}",
        {"version": article["version"], "questions": ["问法"] * 31},
    )
    too_long = editor.patch(
        f"{BASE}/articles/{article['id']}",
        {"version": article["version"], "questions": ["长" * 101]},
    )
    assert too_many.status_code == too_long.status_code == 422
    assert Article.objects.get(pk=article["id"]).version == article["version"]
    changed = ok(
        editor.patch(
            f"{BASE}/articles/{article['id']}",
            {"version": article["version"], "questions": ["电视烧了找谁"]},
        )
    )
    assert changed["questions"] == ["电视烧了找谁"] and changed["state"] == "draft"
    assert ok(agent.get(f"{BASE}/search", q="冰箱烧坏"))["count"] == 0


def test_the_writer_recalls_a_change_and_is_not_offered_to_review_it(
    api_as: Callable[[str], ApiClient], reviewer: ApiClient
) -> None:
    """Issue 15, point 25: the actions an article offers are the ones this editor may take."""
    editor = api_as("editor")
    body = {"title": "电费发票", "body": "在网上国网开具。", "kind": "faq"}
    article = ok(editor.post(f"{BASE}/articles", body), 201)
    path = f"{BASE}/articles/{article['id']}"
    article = ok(editor.post(f"{path}/submit", {"version": article["version"]}))
    assert ok(editor.get(path))["allowed_actions"] == ["withdraw", "recall"]
    assert ok(reviewer.get(path))["allowed_actions"] == ["approve", "reject", "withdraw"]

    refused = reviewer.post(f"{path}/recall", {"version": article["version"]})
    assert refused.status_code == 403 and refused.json()["code"] == "recaller_not_writer"
    recalled = ok(editor.post(f"{path}/recall", {"version": article["version"]}))
    assert recalled["state"] == "draft"
