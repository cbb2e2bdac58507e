"""Knowledge articles imported from Word and Markdown documents as drafts for review, and
exported again so a centre can round-trip (issue 16, points 2, 3 and 5): through the
services and the `kefu import knowledge` command, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kefu.core.errors import Forbidden
from kefu.core.imports import import_file
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.knowledge import services
from kefu.knowledge.documents import Limits, open_upload
from kefu.knowledge.lifecycle import State
from kefu.knowledge.models import Article, Attachment, KnowledgeCategory
from kefu.knowledge.rendering import render_markdown
from kefu.knowledge.services.imports import (
    KnowledgeImportReport,
    articles_import,
    export_to_bytes,
)
from kefu.knowledge.tests.documents import bmp, outage_procedure, png, word, zipped


@pytest.fixture(autouse=True)
def _chinese() -> None:
    translation.activate("zh-hans")


@pytest.fixture
def categories(centre: OrgUnit) -> dict[str, KnowledgeCategory]:
    return {
        code: KnowledgeCategory.objects.create(centre=centre, code=code, name=name)
        for code, name in [("outage", "停电"), ("billing", "电费")]
    }


def run(user: User, name: str, content: bytes, **options: Any) -> KnowledgeImportReport:
    with open_upload(name, io.BytesIO(content), len(content), Limits()) as batch:
        return articles_import(actor=user, batch=batch, **options)


def stored_files(settings: Any) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_a_word_document_becomes_a_draft_with_its_picture_attached_and_shown(
    users: dict[str, User], categories: dict[str, KnowledgeCategory]
) -> None:
    editor = users["editor"]
    report = run(editor, "停电报修.docx", word(outage_procedure), category="停电")
    assert report.written and report.problems == []
    article = Article.objects.get()
    assert (article.title, article.state, article.kind) == (
        "停电报修处理流程",
        State.DRAFT,
        "procedure",
    )
    assert (article.category, article.owner, article.author) == (
        categories["outage"],
        editor,
        editor,
    )
    assert article.live_version is None  # nothing reaches agents before review
    [picture] = article.attachments.all()
    assert (picture.name, picture.content_type, picture.size) == (
        "停电报修-1.png",
        "image/png",
        len(png()),
    )
    assert picture.file.read() == png()
    assert f"![停电报修-1.png](/knowledge/attachments/{picture.pk}/)" in article.body
    html = render_markdown(article.body)
    assert f'<img alt="停电报修-1.png" src="/knowledge/attachments/{picture.pk}/">' in html
    assert "<th>区域</th>" in html and "<strong>户号</strong>" in html
    assert next(report.lines()) == ("新建草稿：停电报修处理流程（停电，1 个附件） ← 停电报修.docx")
    assert AuditEntry.objects.filter(action="article.import", object_id=str(article.pk)).exists()
    # The draft goes to review as any other: its importer may not approve it.
    services.article_act(
        actor=editor, article_id=article.pk, action="submit", version=article.version
    )


def test_a_zip_takes_categories_from_its_folders_front_matter_and_option(
    users: dict[str, User], categories: dict[str, KnowledgeCategory]
) -> None:
    archive = zipped(
        {
            "知识库/停电/报修.docx": word(outage_procedure),
            "知识库/电费/缴费方式.md": "# 缴费方式\n\n营业厅、网上国网。".encode(),
            "知识库/其他/复电.md": (
                "---\ncategory: billing\ntags: 复电, 欠费\nkind: 常见问题\n---\n"
                "# 复电\n\n缴清后复电。"
            ).encode(),
            "知识库/其他/营业时间.md": "# 营业时间\n\n8:30 至 17:30。".encode(),
            "知识库/说明.txt": "给管理员的说明".encode(),
        }
    )
    report = run(users["editor"], "知识库.zip", archive, category="outage")
    assert report.written, list(report.lines())
    found = {
        a.title: (a.category.code if a.category else None, a.kind, a.tags)
        for a in Article.objects.all()
    }
    assert found == {
        "停电报修处理流程": ("outage", "procedure", []),
        "缴费方式": ("billing", "procedure", []),
        "复电": ("billing", "faq", ["复电", "欠费"]),
        "营业时间": ("outage", "procedure", []),  # its folder names no category: the option's
    }
    assert [str(p) for p in report.problems] == [
        "知识库/说明.txt：不是 Word 或 Markdown 文档，已略过。"
    ]


def test_one_bad_document_and_nothing_of_the_batch_is_written(
    users: dict[str, User], categories: dict[str, KnowledgeCategory], settings: Any
) -> None:
    def pictured(document: Any) -> None:
        document.add_paragraph("电表箱见图。")
        document.add_picture(io.BytesIO(bmp()))

    archive = zipped(
        {
            "停电/报修.docx": word(outage_procedure),
            "停电/电表.docx": word(pictured),
            "停电/旧文档.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "电费/空白.docx": word(lambda d: None),
        }
    )
    report = run(users["editor"], "知识库.zip", archive)
    assert report.refused and not report.written
    assert [str(problem) for problem in report.problems] == [
        "停电/旧文档.docx：这是旧版 Word 文档（.doc）或设有密码的文档：请在 Word 中打开，"
        "不设密码另存为 .docx 后再导入。",
        "停电/电表.docx（第 1 张图片）：这种类型（BMP）的图片不能在文章中显示：请把图片另存为 PNG、"
        "JPEG 或 GIF 后重新插入。",
        "电费/空白.docx：文档除标题外没有正文。",
    ]
    assert list(report.lines())[-1] == "没有导入任何内容：请改正以上文件后重新导入。"
    assert not Article.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_refusal_while_writing_undoes_what_was_written_files_included(
    users: dict[str, User], categories: dict[str, KnowledgeCategory], settings: Any
) -> None:
    # The first document is written (with its picture) before the second is refused for
    # a category the centre does not have: the transaction and the stored file both go.
    archive = zipped(
        {
            "a/报修.docx": word(outage_procedure),
            "b/复电.md": b"---\ncategory: nowhere\n---\n# \xe5\xa4\x8d\xe7\x94\xb5\n\nx",
        }
    )
    report = run(users["editor"], "k.zip", archive)
    assert [str(problem) for problem in report.problems] == [
        "b/复电.md（文件开头的属性：category）：没有“nowhere”这个知识分类。"
    ]
    assert report.articles == []
    assert not Article.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_dry_run_reports_what_would_be_created_and_writes_nothing(
    users: dict[str, User], categories: dict[str, KnowledgeCategory], settings: Any
) -> None:
    audit_before = AuditEntry.objects.count()
    report = run(users["editor"], "停电报修.docx", word(outage_procedure), dry_run=True)
    assert not report.refused and not report.written
    assert list(report.lines()) == [
        "新建草稿：停电报修处理流程（1 个附件） ← 停电报修.docx",
        "试导入：将导入 1 篇文章；未写入任何内容。",
    ]
    assert not Article.objects.exists() and not Attachment.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert stored_files(settings) == []


def test_a_title_the_centre_already_has_is_refused_naming_that_article(
    users: dict[str, User], categories: dict[str, KnowledgeCategory]
) -> None:
    editor = users["editor"]
    existing = services.article_create(
        actor=editor, title="停电报修处理流程", body="旧的流程。", kind="procedure"
    )
    report = run(editor, "停电报修.docx", word(outage_procedure))
    assert [str(problem) for problem in report.problems] == [
        f"停电报修.docx（标题）：知识库中已有同名文章（第 {existing.pk} 号）：请给这篇换个标题，"
        "或直接修改那篇文章。"
    ]
    assert Article.objects.count() == 1
    twins = zipped(
        {"a.md": b"# \xe5\xa4\x8d\xe7\x94\xb5\n\nx", "b/c.md": b"# \xe5\xa4\x8d\xe7\x94\xb5\n\ny"}
    )
    report = run(editor, "k.zip", twins)
    assert [str(problem) for problem in report.problems] == [
        "b/c.md：与“a.md”的标题相同（“复电”）。"
    ]


def test_only_editors_import(users: dict[str, User]) -> None:
    with pytest.raises(Forbidden):
        run(users["agent"], "停电报修.docx", word(outage_procedure))


def test_the_export_imported_again_changes_only_what_was_edited(
    users: dict[str, User],
    categories: dict[str, KnowledgeCategory],
    make_user: Callable[..., User],
) -> None:
    editor, reviewer = users["editor"], users["admin"]
    run(editor, "报修.docx", word(outage_procedure), category="outage")
    report = run(editor, "缴费.md", "# 电费缴纳\n\n营业厅。".encode(), category="billing")
    assert report.written
    fee = Article.objects.get(title="电费缴纳")
    # A published article: its live version serves agents while the new draft waits.
    fee = services.article_act(
        actor=editor, article_id=fee.pk, action="submit", version=fee.version
    )
    fee = services.article_act(
        actor=reviewer, article_id=fee.pk, action="approve", version=fee.version
    )
    exported = export_to_bytes(actor=editor)
    names = sorted(zipfile.ZipFile(io.BytesIO(exported)).namelist())
    assert names == [
        "停电/停电报修处理流程.files/报修-1.png",
        "停电/停电报修处理流程.md",
        "电费/电费缴纳.md",
    ]
    # Imported again as it is: nothing changes, no new attachment.
    again = run(editor, "导出.zip", exported)
    assert [a.action_label for a in again.articles] == ["未改动", "未改动"]
    assert Article.objects.count() == 2 and Attachment.objects.count() == 1
    # Edited in between: only the edited article becomes a draft; its live version stays.
    files = {n: zipfile.ZipFile(io.BytesIO(exported)).read(n) for n in names}
    files["电费/电费缴纳.md"] = files["电费/电费缴纳.md"].replace(
        "营业厅。".encode(), "营业厅、网上国网。".encode()
    )
    report = run(editor, "导出.zip", zipped(files))
    assert [a.action_label for a in report.articles] == ["未改动", "更新为草稿"], list(
        report.lines()
    )
    fee.refresh_from_db()
    assert fee.live_version is not None
    assert (fee.state, fee.body, fee.live_version.body) == (
        State.DRAFT,
        "营业厅、网上国网。\n",
        "营业厅。\n",
    )
    # The same file a second time: the article changed since that export.
    report = run(editor, "导出.zip", zipped(files))
    assert [str(problem) for problem in report.problems] == [
        f"电费/电费缴纳.md（文件开头的属性：version）：文章（第 {fee.pk} 号）在导出这个文件之后又被"
        f"修改过（导出时第 {fee.version - 1} 版，现在第 {fee.version} 版）：请重新导出，在新文件上"
        "修改后再导入。"
    ]
    # Into another centre's knowledge base (no such article there): new drafts.
    other = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="branch", name="分中心")
    for category in categories.values():
        KnowledgeCategory.objects.create(centre=other, code=category.code, name=category.name)
    outsider = make_user("editor", username="branch-editor", centre=other)
    moved = run(outsider, "导出.zip", exported)
    assert moved.written and [a.action_label for a in moved.articles] == ["新建草稿", "新建草稿"]


def cli(*args: str) -> tuple[list[str], str]:
    """`kefu …` as the operator types it: its lines out, and its error if it stopped."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return out.getvalue().splitlines(), f"{error.returncode}: {error}"
    except SystemExit as error:
        return out.getvalue().splitlines(), f"exit {error.code}"
    return out.getvalue().splitlines(), ""


def test_kefu_import_knowledge_reads_a_folder_through_the_import_framework(
    users: dict[str, User], categories: dict[str, KnowledgeCategory], tmp_path: Path
) -> None:
    (tmp_path / "停电").mkdir()
    (tmp_path / "停电" / "报修.docx").write_bytes(word(outage_procedure))
    (tmp_path / "电费.md").write_text("# 电费\n\n按月缴纳。")
    folder = str(tmp_path)
    assert cli("import", "knowledge", folder, "--as", "editor", "--dry-run") == (
        [
            "试导入，未写入任何数据。共 2 行：新增 2，更新 0，未变 0。",
            "  第 1 行 · 停电/报修.docx：新建草稿：停电报修处理流程",
            "  第 2 行 · 电费.md：新建草稿：电费",
        ],
        "",
    )
    assert not Article.objects.exists()
    lines, error = cli("import", "knowledge", folder, "--as", "editor")
    assert (lines[0], error) == ("共 2 行：新增 2，更新 0，未变 0。", "")
    assert Article.objects.count() == 2
    assert AuditEntry.objects.filter(action="import.knowledge").count() == 1
    # Imported again: both titles are taken, and nothing is written.
    lines, error = cli("import", "knowledge", folder, "--as", "editor")
    assert lines[0] == "发现 2 个问题：没有写入任何数据。"
    assert lines[1].startswith("  整个文件 · 停电/报修.docx（标题）：知识库中已有同名文章（第 ")
    assert error == "exit 1"
    # Without an editor named, nothing is imported and the operator is told why.
    lines, error = cli("import", "knowledge", folder)
    assert lines[1] == (
        "  整个文件：知识文章须由本中心的知识编辑导入：请指定一位"
        "（kefu import knowledge 文件 --as 用户名）。"
    )
    # The export and the template, in the import's own shape.
    output = tmp_path / "知识.zip"
    assert cli("export", "knowledge", "-o", str(output)) == ([f"已导出 2 行到 {output}"], "")
    assert len(zipfile.ZipFile(output).namelist()) == 3
    template = tmp_path / "模板.md"
    assert cli("import", "template", "knowledge", "-o", str(template)) == ([str(template)], "")
    (tmp_path / "模板").mkdir()
    template.rename(tmp_path / "模板" / "模板.md")
    lines, error = cli("import", "knowledge", str(tmp_path / "模板"), "--as", "editor")
    assert (lines[-1], error) == ("  第 1 行 · 模板.md：新建草稿：停电报修怎么受理", "")
    made = Article.objects.get(title="停电报修怎么受理")
    assert (made.kind, made.tags, made.questions) == ("procedure", ["停电"], ["家里停电了怎么办？"])
    assert "<table>" in render_markdown(made.body) and "<ol>" in render_markdown(made.body)


def test_kefu_knowledge_import_takes_a_category_and_a_kind_and_refuses_with_a_status(
    users: dict[str, User], categories: dict[str, KnowledgeCategory], tmp_path: Path, settings: Any
) -> None:
    (tmp_path / "电费.md").write_text("# 电费\n\n按月缴纳。")
    args = ("knowledge", "import", str(tmp_path), "--user", "editor")
    assert cli(*args, "--category", "电费", "--kind", "faq", "--dry-run") == (
        ["新建草稿：电费（电费） ← 电费.md", "试导入：将导入 1 篇文章；未写入任何内容。"],
        "",
    )
    assert cli(*args, "--category", "电费", "--kind", "faq")[0][-1] == (
        "已导入 1 篇文章，均为草稿，等待审核。"
    )
    assert Article.objects.get().kind == "faq"
    renamed = tmp_path / "假文档.docx"
    renamed.write_bytes(b"not a word file")
    lines, error = cli("knowledge", "import", str(renamed), "--user", "editor")
    assert lines[0].startswith("错误：假文档.docx：文件并不是 Word 文档（.docx），尽管文件名如此")
    assert error == "2: 没有导入任何内容。"
    settings.KEFU_KB_IMPORT_MAX_BYTES = 10
    assert cli("knowledge", "import", str(renamed), "--user", "editor") == (
        [],
        "1: 假文档.docx：文件大小为 15\xa0字节，超过导入上限 10\xa0字节。",
    )
    output = tmp_path / "导出.zip"
    assert cli("knowledge", "export", "-o", str(output), "--user", "editor") == (
        [f"已导出 1 篇文章到 {output}。"],
        "",
    )
    assert cli(
        "knowledge", "export", "-o", str(output), "--user", "editor", "--category", "停电"
    ) == ([f"已导出 0 篇文章到 {output}。"], "")
    assert cli(
        "knowledge", "export", "-o", str(output), "--user", "editor", "--category", "水费"
    ) == ([], "1: 没有“水费”这个知识分类。")


def test_what_the_article_services_refuse_is_said_under_the_front_matter_field(
    users: dict[str, User], categories: dict[str, KnowledgeCategory]
) -> None:
    archive = zipped(
        {
            "a.md": "---\nroles: [agent, nobody]\n---\n# 复电\n\n缴清后复电。".encode(),
            "b.md": (
                "---\neffective_from: 2027-03-01\nexpires_at: 2027-01-31\n---\n# 峰谷\n\n电价。"
            ).encode(),
        }
    )
    report = run(users["editor"], "k.zip", archive)
    assert [str(problem) for problem in report.problems] == [
        "a.md（文件开头的属性：roles）：角色不存在。",
        "b.md（文件开头的属性：expires_at）：失效日期不能早于生效日期。",
    ]
    assert not Article.objects.exists()


def test_the_knowledge_kind_reads_an_upload_stored_under_a_name_of_its_own(
    users: dict[str, User], centre: OrgUnit, tmp_path: Path
) -> None:
    stored = tmp_path / "upload-7f3a.part"
    stored.write_bytes(zipped({"电费/缴费.md": "# 缴费\n\n营业厅。".encode()}))
    report = import_file(
        "knowledge", stored, centre=centre, actor=users["editor"], file_name="知识库.zip"
    )
    assert report.ok and report.written and (report.rows, report.created) == (1, 1)
    assert Article.objects.get().title == "缴费"
