"""The editors' import and export page (issue 16, points 2, 3, 5): documents uploaded
become drafts for review, a refused file says why by file and place, and the export is
the .zip the import reads back; over HTTP and in Chromium at 1366×768."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.knowledge.models import Article, KnowledgeCategory
from kefu.knowledge.tests.documents import outage_procedure, word, zipped


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.django_db
def test_an_editor_imports_from_the_page_and_a_refused_file_says_why(
    users: dict[str, User], centre: OrgUnit
) -> None:
    KnowledgeCategory.objects.create(centre=centre, code="outage", name="停电")
    editor = signed_in(users["editor"])
    page = editor.get("/knowledge/import/")
    assert page.status_code == 200
    assert "导入知识文档" in page.content.decode()
    dry = editor.post(
        "/knowledge/import/",
        {"file": upload("报修.docx", word(outage_procedure)), "kind": "procedure", "dry_run": "on"},
    )
    assert dry.status_code == 200 and not Article.objects.exists()
    assert "试导入：将导入 1 篇文章；未写入任何内容。" in dry.content.decode()
    done = editor.post(
        "/knowledge/import/",
        {"file": upload("报修.docx", word(outage_procedure)), "kind": "faq", "category": "outage"},
    )
    article = Article.objects.get()
    assert article.category is not None
    assert (article.kind, article.category.code, article.state) == ("faq", "outage", "draft")
    assert f'href="/knowledge/{article.pk}/"' in done.content.decode()
    refused = editor.post(
        "/knowledge/import/", {"file": upload("假.docx", b"not a document"), "kind": "faq"}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "没有导入任何内容：请改正下列文件后重新导入。" in text
    assert "文件并不是 Word 文档（.docx），尽管文件名如此" in text and "假.docx" in text
    # The export is the .zip the import reads back.
    download = editor.get("/knowledge/export/")
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    assert sorted(archive.namelist()) == [
        "停电/停电报修处理流程.files/报修-1.png",
        "停电/停电报修处理流程.md",
    ]
    agent = signed_in(users["agent"])
    assert agent.get("/knowledge/import/").status_code == 403
    assert agent.get("/knowledge/export/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_import_page_in_the_browser(
    browser_page: Callable[..., BrowserPage],
    make_user: Callable[..., User],
    centre: OrgUnit,
    tmp_path: Path,
) -> None:
    KnowledgeCategory.objects.create(centre=centre, code="outage", name="停电")
    KnowledgeCategory.objects.create(centre=centre, code="billing", name="电费")
    make_user("editor", username="editor-li")
    archive = tmp_path / "知识库.zip"
    archive.write_bytes(
        zipped(
            {
                "停电/报修.docx": word(outage_procedure),
                "电费/缴费方式.md": "# 缴费方式\n\n- 营业厅\n- 网上国网\n".encode(),
            }
        )
    )
    editor = browser_page()
    editor.sign_in("editor-li", PASSWORD)
    editor.goto("/knowledge/review/")
    editor.page.click("a:text('导入与导出')")
    editor.page.wait_for_selector("h1:text('导入知识文档')")
    editor.page.set_input_files("input[name=file]", str(archive))
    editor.page.check("input[name=dry_run]")
    editor.page.click("button:text('导入')")
    editor.page.wait_for_selector(".import-report")
    assert "试导入：将导入 2 篇文章；未写入任何内容。" in editor.page.inner_text(".import-report")
    headers = editor.page.locator("table.articles th").all_inner_texts()
    assert headers == ["文件", "标题", "类别", "附件", "处理结果"]
    first = editor.page.locator("table.articles tbody tr").first.locator("td").all_inner_texts()
    assert first == ["停电/报修.docx", "停电报修处理流程", "停电", "1", "新建草稿"]
    assert not Article.objects.exists()
    # The file input is empty again, the other choices are kept.
    assert editor.page.is_checked("input[name=dry_run]")
    editor.page.set_input_files("input[name=file]", str(archive))
    editor.page.uncheck("input[name=dry_run]")
    editor.page.click("button:text('导入')")
    editor.page.wait_for_selector("text=已导入 2 篇文章，均为草稿，等待审核。")
    box = editor.page.locator("table.articles").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # the report needs no scrolling
    editor.screenshot("knowledge-import-done")
    editor.page.click("a:text('停电报修处理流程')")
    editor.page.wait_for_selector("h1:text('停电报修处理流程')")
    picture = editor.page.locator("article img, .article-body img").first
    # The picture loads after the page: wait until it has loaded or failed.
    picture.evaluate(
        "img => img.complete ? null : new Promise(done => {"
        " img.addEventListener('load', done); img.addEventListener('error', done); })"
    )
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 2
    assert editor.page.locator("table th").first.inner_text() == "区域"
    editor.screenshot("knowledge-imported-article")
    assert Article.objects.filter(state="draft").count() == 2
    # The same file again: both titles are taken; the page says so by file and place.
    editor.goto("/knowledge/import/")
    editor.page.set_input_files("input[name=file]", str(archive))
    editor.page.click("button:text('导入')")
    editor.page.wait_for_selector("table.problems")
    assert "没有导入任何内容：请改正下列文件后重新导入。" in editor.page.inner_text(
        ".import-report"
    )
    assert editor.page.locator("table.problems th").all_inner_texts() == ["文件", "位置", "问题"]
    row = editor.page.locator("table.problems tbody tr").first.locator("td").all_inner_texts()
    assert row[:2] == ["停电/报修.docx", "标题"]
    assert row[2].startswith("知识库中已有同名文章（第 ")
    editor.screenshot("knowledge-import-refused")
    # The refused form answers 400, which the browser logs; nothing else went wrong.
    assert editor.errors and all("status of 400" in error for error in editor.errors)
    editor.errors.clear()
    assert Article.objects.count() == 2
