"""Who may read what in the knowledge base, and who may approve what: suggestions only
from text the user may read, feedback only on articles the user may read, and four eyes
on every change since the last published version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import OrgUnit, User
from kefu.knowledge.models import Article, ArticleVersion, Feedback
from kefu.knowledge.services import article_act, article_create, article_update

pytestmark = pytest.mark.django_db

BASE = "/api/v1/knowledge"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def editors(make_user: Callable[..., User], users: dict[str, User]) -> dict[str, User]:
    """The centre's three editors: `editor`, `editor2` and `editor3`."""
    return {
        "editor": users["editor"],
        "editor2": make_user("editor", username="editor2"),
        "editor3": make_user("editor", username="editor3"),
    }


def published(author: User, reviewer: User, **fields: Any) -> Article:
    values = {"title": "电费缴纳方式", "body": "可通过网上国网缴纳。", "kind": "faq", **fields}
    article = article_create(actor=author, **values)
    article = article_act(
        actor=author, article_id=article.pk, action="submit", version=article.version
    )
    return article_act(
        actor=reviewer, article_id=article.pk, action="approve", version=article.version
    )


@pytest.fixture
def hidden(editors: dict[str, User], other_centre: OrgUnit) -> dict[str, Article]:
    """Articles an agent may not read: a draft never published, a published article for
    the back office alone, and a published article of another centre."""
    editor, editor2 = editors["editor"], editors["editor2"]
    theirs = OrgUnit.objects.get(pk=other_centre.pk)
    their_editor = User.objects.create(username="their-editor", centre=theirs)
    their_editor.groups.add(*editor.groups.all())
    their_reviewer = User.objects.create(username="their-reviewer", centre=theirs)
    their_reviewer.groups.add(*editor.groups.all())
    return {
        "draft": article_create(
            actor=editor2, title="阶梯电价草稿", body="峰谷分时琐碎说明", kind="faq"
        ),
        "restricted": published(
            editor, editor2, title="停电计划内部口径", body="仅限后台。", roles=["backoffice"]
        ),
        "other_centre": published(
            their_editor, their_reviewer, title="宽带提速方案", body="光纤升级说明。"
        ),
    }


READERS = ("agent", "expert", "handler", "leader", "qa", "manager")
# What reading an article answers, per role: written out, not derived from the code.
READS: dict[str, dict[str, int]] = {
    role: {"published": 200, "draft": 404, "restricted": 404, "other_centre": 404}
    for role in READERS
}
READS["backoffice"] = READS["agent"] | {"restricted": 200}  # the article is meant for it
for role in ("editor", "admin"):  # those who write the centre's articles read them all
    READS[role] = {"published": 200, "draft": 200, "restricted": 200, "other_centre": 404}


@pytest.mark.parametrize(
    ("role", "which"),
    [(role, which) for role in sorted(READS) for which in READS[role]],
)
def test_role_against_article(
    api_as: Callable[[str], ApiClient],
    editors: dict[str, User],
    hidden: dict[str, Article],
    role: str,
    which: str,
) -> None:
    articles = {**hidden, "published": published(editors["editor"], editors["editor2"])}
    article = articles[which]
    api = api_as(role)

    assert api.get(f"{BASE}/articles/{article.pk}").status_code == READS[role][which]
    feedback = api.post(f"{BASE}/articles/{article.pk}/feedback", {"kind": "helpful"})
    assert feedback.status_code == (201 if READS[role][which] == 200 else 404)
    listed = {item["id"] for item in ok(api.get(f"{BASE}/articles", limit=100))["items"]}
    assert (article.pk in listed) == (READS[role][which] == 200)


def suggested(api: ApiClient, q: str) -> list[str]:
    return list(ok(api.get(f"{BASE}/suggest", q=q))["items"])


def test_suggestions_come_only_from_text_the_user_may_read(
    api_as: Callable[[str], ApiClient], hidden: dict[str, Article]
) -> None:
    agent = api_as("agent")
    # Words that stand only in another editor's draft.
    assert not [word for word in suggested(agent, "峰谷") if word.startswith("峰谷")]
    assert not [word for word in suggested(agent, "阶梯") if "阶梯" in word]
    # Title words of an article meant for another role.
    assert not [word for word in suggested(agent, "停电") if "停电" in word]
    # Words of another centre's article.
    assert not [word for word in suggested(agent, "宽带") if "宽带" in word]

    # The same words for those who may read them.
    assert "停电计划内部口径" in suggested(api_as("backoffice"), "停电")
    assert any(word.startswith("停电") for word in suggested(api_as("backoffice"), "停电"))
    assert any(word.startswith("峰谷") for word in suggested(api_as("editor"), "峰谷"))


def test_the_other_centres_editor_is_offered_none_of_this_centres_words(
    hidden: dict[str, Article],
) -> None:
    their_editor = User.objects.get(username="their-editor")
    their_editor.set_password("x-pass-2026")
    their_editor.save()
    theirs = ApiClient(token_for("their-editor", "x-pass-2026"))
    assert not [word for word in suggested(theirs, "峰谷") if word.startswith("峰谷")]
    assert any(word.startswith("宽带") for word in suggested(theirs, "宽带"))


@pytest.mark.parametrize("which", ["draft", "restricted", "other_centre"])
def test_feedback_on_an_article_the_user_cannot_read_is_not_found(
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
    hidden: dict[str, Article],
    which: str,
) -> None:
    article = hidden[which]
    agent = api_as("agent")
    assert agent.get(f"{BASE}/articles/{article.pk}").status_code == 404

    response = agent.post(f"{BASE}/articles/{article.pk}/feedback", {"kind": "helpful"})
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "article_not_found"
    client = Client()
    client.force_login(users["agent"])
    form = client.post(f"/knowledge/{article.pk}/feedback/", {"kind": "wrong", "note": "错"})
    assert form.status_code == 404
    assert not Feedback.objects.exists()


def test_feedback_on_an_article_the_user_reads_is_recorded(
    api_as: Callable[[str], ApiClient], editors: dict[str, User]
) -> None:
    article = published(editors["editor"], editors["editor2"])
    ok(api_as("agent").post(f"{BASE}/articles/{article.pk}/feedback", {"kind": "helpful"}), 201)


def editor_api(name: str) -> ApiClient:
    return ApiClient(token_for(name, PASSWORD))


def test_a_writer_of_any_part_of_a_change_cannot_approve_it(editors: dict[str, User]) -> None:
    """The report's case: `editor` writes the body, `editor2` changes only the tags, then
    `editor` submits and approves their own text."""
    editor, editor2, editor3 = (editor_api(name) for name in ("editor", "editor2", "editor3"))
    article = ok(
        editor.post(f"{BASE}/articles", {"title": "电价调整", "body": "自行编写", "kind": "faq"}),
        201,
    )
    number = article["id"]
    tagged = ok(
        editor2.patch(f"{BASE}/articles/{number}", {"version": article["version"], "tags": ["x"]})
    )
    submitted = ok(editor.post(f"{BASE}/articles/{number}/submit", {"version": tagged["version"]}))

    for writer in (editor, editor2):
        refused = writer.post(f"{BASE}/articles/{number}/approve", {"version": 3})
        assert refused.status_code == 403, refused.content
        assert refused.json()["code"] == "reviewer_is_author"
    assert Article.objects.get(pk=number).live_version is None
    assert not ArticleVersion.objects.filter(article_id=number).exists()

    approved = ok(editor3.post(f"{BASE}/articles/{number}/approve", {"version": 3}))
    assert approved["state"] == "published"
    assert submitted["version"] == 3


def test_the_writers_start_anew_after_each_published_version(editors: dict[str, User]) -> None:
    editor, editor2 = editor_api("editor"), editor_api("editor2")
    article = published(editors["editor"], editors["editor2"])
    # editor2 approved the first version; now editor2 writes the next and editor approves.
    changed = ok(
        editor2.patch(f"{BASE}/articles/{article.pk}", {"version": article.version, "body": "新"})
    )
    ok(editor2.post(f"{BASE}/articles/{article.pk}/submit", {"version": changed["version"]}))
    approved = ok(
        editor.post(f"{BASE}/articles/{article.pk}/approve", {"version": changed["version"] + 1})
    )
    assert approved["live_version"] == 2
    assert ArticleVersion.objects.get(article=article, number=2).approved_by == editors["editor"]


def test_the_web_form_refuses_a_writer_too(editors: dict[str, User]) -> None:
    article = article_create(actor=editors["editor"], title="电价", body="正文", kind="faq")
    article = article_update(
        actor=editors["editor2"], article_id=article.pk, version=article.version, tags=["标签"]
    )
    article = article_act(
        actor=editors["editor"], article_id=article.pk, action="submit", version=article.version
    )
    client = Client()
    client.force_login(editors["editor2"])
    response = client.post(
        f"/knowledge/{article.pk}/approve/", {"version": article.version}, follow=True
    )
    assert "参与编写本次修改的人不能审核发布" in response.content.decode()
    assert Article.objects.get(pk=article.pk).state == "in_review"
