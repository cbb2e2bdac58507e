"""The knowledge pages over real HTTP: search, reading with feedback and use, writing,
review, the synonym table, and the panel on the work-order page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.knowledge.models import Article, ArticleUse, Feedback, Synonym
from kefu.knowledge.queries import vocabulary_prepare
from kefu.knowledge.services import article_act, article_create
from kefu.knowledge.tests.test_attachments import docx

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "author": make_user("editor", username="editor-li"),
        "reviewer": make_user("editor", username="editor-wang"),
        "agent": make_user("agent", username="agent-zhao"),
        "backoffice": make_user("backoffice", username="bo-qian"),
    }


@pytest.fixture
def article(people: dict[str, User]) -> Article:
    written = article_create(
        actor=people["author"],
        title="预付费电表缴费后仍未复电的处理",
        body="### 处理\n\n缴费成功后30分钟内自动复电。\n\n<img src=x onerror=alert(1)>",
        kind="faq",
        tags=["复电"],
    )
    submitted = article_act(
        actor=people["author"], article_id=written.pk, action="submit", version=written.version
    )
    return article_act(
        actor=people["reviewer"], article_id=written.pk, action="approve", version=submitted.version
    )


def test_an_agent_searches_reads_and_flags(
    people: dict[str, User],
    article: Article,
    centre: OrgUnit,
    django_assert_max_num_queries: Any,
) -> None:
    Synonym.objects.create(centre=centre, words="交钱, 缴费, 交电费")
    agent = signed_in(people["agent"])
    vocabulary_prepare(centre.pk)  # once per process, not per page
    with django_assert_max_num_queries(18):
        page = agent.get("/knowledge/", {"q": "交了钱还没复电"})
    assert page.status_code == 200
    assert "预付费电表缴费后仍未复电的处理" in page.content.decode()
    read = agent.get(f"/knowledge/{article.pk}/").content.decode()
    assert "<h3>处理</h3>" in read and "onerror" not in read
    assert Article.objects.get(pk=article.pk).views == 1
    response = agent.post(f"/knowledge/{article.pk}/feedback/", {"kind": "wrong", "note": ""})
    assert response.status_code == 302 and not Feedback.objects.exists()  # a note is needed
    agent.post(f"/knowledge/{article.pk}/feedback/", {"kind": "outdated", "note": "时限已改"})
    assert Feedback.objects.get().kind == "outdated"
    assert agent.get("/knowledge/review/").status_code == 403
    assert agent.get("/knowledge/new/").status_code == 403
    panel = agent.get("/knowledge/search/", {"q": "复电"}).content.decode()
    assert 'target="_blank"' in panel and "<mark>" in panel
    assert "复电" in agent.get("/knowledge/suggest/", {"q": "复"}).content.decode()


def test_an_editor_writes_and_another_reviews_with_the_diff(
    people: dict[str, User], article: Article
) -> None:
    author, reviewer = signed_in(people["author"]), signed_in(people["reviewer"])
    form = {
        "title": "预付费电表缴费后仍未复电的处理",
        "kind": "faq",
        "tags": "复电, 预付费",
        "questions": "交了钱还是没电\n\n 充值了怎么还不来电 ",
        "body": "### 处理\n\n缴费成功后15分钟内自动复电。",
        "version": article.version,
    }
    assert author.post(f"/knowledge/{article.pk}/edit/", form).status_code == 302
    stale = author.post(f"/knowledge/{article.pk}/edit/", form)
    assert "Someone else changed" in stale.content.decode() or "有人" in stale.content.decode()
    changed = Article.objects.get(pk=article.pk)
    assert changed.state == "draft" and changed.tags == ["复电", "预付费"]
    assert changed.questions == ["交了钱还是没电", "充值了怎么还不来电"]
    assert "充值了怎么还不来电" in author.get(f"/knowledge/{article.pk}/").content.decode()
    author.post(f"/knowledge/{article.pk}/submit/", {"version": changed.version})
    desk = reviewer.get("/knowledge/review/").content.decode()
    assert "预付费电表缴费后仍未复电的处理" in desk
    diff = reviewer.get(f"/knowledge/{article.pk}/diff/", {"from": 1}).content.decode()
    assert "30分钟" in diff and "15分钟" in diff and "diff-add" in diff
    own = author.post(f"/knowledge/{article.pk}/approve/", {"version": changed.version + 1})
    assert own.status_code == 302 and Article.objects.get(pk=article.pk).state == "in_review"
    assert "reviewer_is_author" not in author.get(own["Location"]).content.decode()
    reviewer.post(f"/knowledge/{article.pk}/approve/", {"version": changed.version + 1})
    assert Article.objects.get(pk=article.pk).live_version.number == 2  # type: ignore[union-attr]


def test_the_synonym_table_is_edited_on_its_page(people: dict[str, User]) -> None:
    editor = signed_in(people["author"])
    editor.post("/knowledge/synonyms/", {"words": "光猫、光调制解调器 ONU"})
    line = Synonym.objects.get()
    assert line.words == "光猫, 光调制解调器, onu" or line.words == "光猫, 光调制解调器, ONU"
    editor.post("/knowledge/synonyms/", {"words": "光猫, 猫"})
    assert Synonym.objects.count() == 1  # 光猫 stands in one line only
    editor.post("/knowledge/synonyms/", {"words": "孤词"})
    assert Synonym.objects.count() == 1
    editor.post("/knowledge/synonyms/", {"id": line.pk, "words": "光猫, 光纤猫"})
    assert Synonym.objects.get().words == "光猫, 光纤猫"
    editor.post("/knowledge/synonyms/", {"id": line.pk, "delete": "1"})
    assert not Synonym.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="synonym.").count() == 3
    assert signed_in(people["agent"]).get("/knowledge/synonyms/").status_code == 403


def test_the_work_order_page_suggests_articles_and_records_their_use(
    people: dict[str, User],
    article: Article,
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    number = open_ticket(title="缴费后一直没有复电", description="客户已缴费两小时仍未复电")[
        "number"
    ]
    backoffice = signed_in(people["backoffice"])
    page = backoffice.get(f"/tickets/{number}/").content.decode()
    assert "预付费电表缴费后仍未复电的处理" in page and f"?ticket={number}" in page
    reading = backoffice.get(f"/knowledge/{article.pk}/", {"ticket": number}).content.decode()
    assert f'name="ticket" value="{number}"' in reading
    back = backoffice.post(
        f"/knowledge/{article.pk}/use/", {"ticket": number, "next": f"/tickets/{number}/"}
    )
    assert back.status_code == 302 and back["Location"] == f"/tickets/{number}/"
    assert ArticleUse.objects.get().ticket.number == number  # type: ignore[union-attr]
    away = backoffice.post(
        f"/knowledge/{article.pk}/use/", {"ticket": number, "next": "https://elsewhere.example/"}
    )
    assert away["Location"] == f"/knowledge/{article.pk}/"


def test_an_editor_attaches_a_file_that_agents_download(
    people: dict[str, User], article: Article, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    editor, agent = signed_in(people["author"]), signed_in(people["agent"])
    content = docx()
    upload = SimpleUploadedFile("复电申请.docx", content, content_type="application/zip")
    editor.post(f"/knowledge/{article.pk}/attachments/", {"file": upload})
    attachment = article.attachments.get()
    page = agent.get(f"/knowledge/{article.pk}/").content.decode()
    assert "复电申请.docx" in page and '<input type="file"' not in page
    download = agent.get(f"/knowledge/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    editor.post(f"/knowledge/{article.pk}/attachments/", {"remove": attachment.pk})
    assert not article.attachments.exists()
    assert agent.get(f"/knowledge/attachments/{attachment.pk}/").status_code == 404
