"""Word and Markdown documents as articles, without the database (issue 16, point 2:
knowledge articles from .docx and Markdown; point 5: bad input): what survives the
conversion and renders, where the title comes from, and every refusal with its reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from kefu.knowledge.documents import Limits, convert_document, export_zip, open_directory
from kefu.knowledge.documents.convert import Document, _markdown
from kefu.knowledge.documents.export import ExportArticle, ExportFile
from kefu.knowledge.documents.sources import Batch, BatchRefused, open_path, open_upload
from kefu.knowledge.rendering import render_markdown
from kefu.knowledge.tests.documents import (
    bmp,
    entity_bomb,
    outage_procedure,
    png,
    word,
    zipped,
)


@pytest.fixture(autouse=True)
def _chinese() -> None:
    translation.activate("zh-hans")


def one(name: str, content: bytes, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    batch = open_upload(name, io.BytesIO(content), len(content), limits)
    [entry] = batch.documents()
    return convert_document(entry, batch, limits)


def messages(document: Document) -> list[str]:
    return [str(problem) for problem in document.problems]


def test_a_word_procedure_keeps_its_headings_lists_bold_table_and_picture() -> None:
    document = one("停电报修.docx", word(outage_procedure))
    assert document.problems == []
    assert document.title == "停电报修处理流程"
    assert document.body.startswith("# 一、受理\n")  # the title is the article's, not the body's
    assert "客户来电时先核实**户号**和停电地址。" in document.body
    html = render_markdown(document.body)
    assert "<h1>一、受理</h1>" in html and "<h2>二、派单</h2>" in html
    assert "<strong>户号</strong>" in html
    assert "<ul>\n<li>询问停电范围</li>\n<li>询问是否欠费</li>\n</ul>" in html
    # The numbered list keeps its bulleted sub-items inside its first item.
    assert (
        "<ol>\n<li>登记工单<ul>\n<li>城区派往抢修一班</li>\n<li>农村派往供电所</li>\n</ul>\n</li>\n"
        "<li>回访客户</li>\n</ol>"
    ) in html
    assert "<thead>\n<tr>\n<th>区域</th>\n<th>到达时限</th>" in html
    assert "<td>农村</td>\n<td>90 分钟</td>" in html
    [image] = document.images
    assert (image.name, image.data, str(image.place)) == ("停电报修-1.png", png(), "第 1 张图片")
    assert "![停电报修-1.png](kefu-import-image-0)" in document.body


def test_text_that_looks_like_markdown_stays_text() -> None:
    document = one("说明.docx", word(lambda d: d.add_paragraph("按 *号键 或 1. 再拨 [0]")))
    assert render_markdown(document.body) == "<p>按 *号键 或 1. 再拨 [0]</p>"


def test_nested_lists_keep_their_depth_in_the_markdown_python_markdown_reads() -> None:
    html = render_markdown(
        _markdown("<ul><li>甲<ul><li>乙<ol><li>丙</li></ol></li></ul></li></ul>")
    )
    assert html == "<ul>\n<li>甲<ul>\n<li>乙<ol>\n<li>丙</li>\n</ol>\n</li>\n</ul>\n</li>\n</ul>"


def test_the_title_is_the_title_style_else_the_first_heading_else_the_file_name() -> None:
    def headed(d: object) -> None:
        d.add_heading("电费缴纳方式", level=1)  # type: ignore[attr-defined]
        d.add_paragraph("可在营业厅或网上缴纳。")  # type: ignore[attr-defined]

    assert one("a.docx", word(headed)).title == "电费缴纳方式"
    untitled = one("电费缴纳.docx", word(lambda d: d.add_paragraph("可在营业厅缴纳。")))
    assert (untitled.title, untitled.body) == ("电费缴纳", "可在营业厅缴纳。\n")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"just some text, renamed", "不是 Word 文档（.docx）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "旧版 Word 文档（.doc）或设有密码"),
        (zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:docu"}), "已损坏"),
        (word(lambda d: None), "除标题外没有正文"),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_refused_by_name(
    content: bytes, says: str
) -> None:
    document = one("停电须知.docx", content)
    assert document.refused
    [message] = messages(document)
    assert message.startswith("停电须知.docx：") and says in message


def test_a_picture_of_a_type_kefu_does_not_attach_is_refused_with_its_place() -> None:
    def pictured(d: object) -> None:
        d.add_paragraph("电表箱位置见图。")  # type: ignore[attr-defined]
        d.add_picture(io.BytesIO(png()))  # type: ignore[attr-defined]
        d.add_picture(io.BytesIO(bmp()))  # type: ignore[attr-defined]

    document = one("电表.docx", word(pictured))
    [message] = messages(document)
    assert message == (
        "电表.docx（第 2 张图片）：这种类型（BMP）的图片不能在文章中显示：请把图片另存为 PNG、"
        "JPEG 或 GIF 后重新插入。"
    )


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    class Unread(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("read")

    with pytest.raises(BatchRefused) as refused:
        open_upload("大文件.docx", Unread(), 60 * 2**20, Limits())
    assert str(refused.value) == "大文件.docx：文件大小为 60.0\xa0MB，超过导入上限 50.0\xa0MB。"


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_anything_is_unpacked() -> None:
    bomb = zipped({"a.md": b"# a\n\nb", "zeros.png": b"\x00" * (3 * 2**20)})
    assert len(bomb) < 20_000
    limits = Limits(max_unpacked_bytes=2**20)
    with pytest.raises(BatchRefused) as refused:
        open_upload("知识.zip", io.BytesIO(bomb), len(bomb), limits)
    assert str(refused.value) == "知识.zip：压缩包解压后有 3.0\xa0MB，超过导入上限 1.0\xa0MB。"
    many = zipped({f"{n}.md": b"x" for n in range(11)})
    with pytest.raises(BatchRefused) as refused:
        open_upload("知识.zip", io.BytesIO(many), len(many), Limits(max_files=10))
    assert str(refused.value) == "知识.zip：压缩包里有 11 个文件，超过导入上限 10 个。"
    # A .docx is a zip too: its own parts are bounded the same way, and its XML, which
    # the parser holds whole in memory, more tightly.
    document = one("大.docx", word(outage_procedure), Limits(max_unpacked_bytes=10_000))
    assert "解压后过大" in messages(document)[0]
    document = one("长.docx", word(outage_procedure), Limits(max_xml_bytes=2**20 // 2))
    assert messages(document) == [
        "长.docx：文档的文字部分过大，无法读取（XML 超过 512.0\xa0KB）：请拆分成几篇文档后再导入。"
    ]


def test_not_a_zip_and_not_a_document_are_refused() -> None:
    with pytest.raises(BatchRefused) as refused:
        open_upload("知识.zip", io.BytesIO(b"nope"), 4, Limits())
    assert str(refused.value) == "知识.zip：文件不是 .zip 压缩包，或已损坏。"
    with pytest.raises(BatchRefused) as refused:
        open_upload("价格.xlsx", io.BytesIO(b"x"), 1, Limits())
    assert "只能导入 Word 文档（.docx）、Markdown 文件（.md）" in str(refused.value)


def test_zip_names_written_by_chinese_windows_are_read_in_their_code_page() -> None:
    archive = zipped({"电费/缴费方式.md": b"# t\n\nx"}, utf8_names=False)
    batch = open_upload("k.zip", io.BytesIO(archive), len(archive), Limits())
    assert [entry.path for entry in batch.entries] == ["电费/缴费方式.md"]


def test_a_folder_leaves_out_hidden_files_and_word_lock_files(tmp_path: Path) -> None:
    (tmp_path / "电费").mkdir()
    (tmp_path / "电费" / "缴费.md").write_text("# 缴费\n\n营业厅。")
    (tmp_path / "电费" / "~$缴费.docx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    batch = open_directory(tmp_path, Limits())
    assert [entry.path for entry in batch.entries] == ["电费/缴费.md"]
    assert open_path(tmp_path / "电费" / "缴费.md", Limits()).documents()[0].path == "缴费.md"


def markdown_batch(files: dict[str, bytes]) -> tuple[Batch, Limits]:
    archive = zipped(files)
    limits = Limits()
    return open_upload("k.zip", io.BytesIO(archive), len(archive), limits), limits


def test_markdown_keeps_its_text_and_takes_its_fields_from_the_front_matter() -> None:
    text = (
        "---\ntitle: 峰谷电价\ncategory: 电价\ntags: [电价, 峰谷]\nkind: 常见问题\n"
        "expires_at: 2027-01-31\n---\n\n# 峰谷时段\n\n| 时段 | 电价 |\n| --- | --- |\n"
        '| 峰 | 0.6 |\n\n![时段图](图/时段.png "时段")\n'
    )
    batch, limits = markdown_batch({"电价/峰谷.md": text.encode(), "电价/图/时段.png": png()})
    document = convert_document(batch.documents()[0], batch, limits)
    assert document.problems == []
    assert document.title == "峰谷电价"
    assert document.fields["category"] == "电价" and document.fields["tags"] == ["电价", "峰谷"]
    assert str(document.fields["expires_at"]) == "2027-01-31"
    assert document.body.startswith("# 峰谷时段\n")  # a front matter's title leaves it be
    assert "![时段图](kefu-import-image-0)" in document.body
    assert [(image.name, image.data) for image in document.images] == [("时段.png", png())]


def test_markdown_in_gb18030_and_its_first_heading_as_title() -> None:
    batch, limits = markdown_batch(
        {"a.md": "# 复电\n\n缴清欠费后 24 小时内复电。".encode("gb18030")}
    )
    document = convert_document(batch.documents()[0], batch, limits)
    assert (document.title, document.body) == ("复电", "缴清欠费后 24 小时内复电。\n")


def test_a_front_matter_of_yaml_aliases_is_refused_before_it_is_expanded() -> None:
    laughs = (
        "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 10))
        .replace("l1: &l1 [*l0", "l1: &l1 [lol", 1)
        .replace(", *l0", ", lol")
    )
    text = f"---\nl0: lol\n{laughs}tags: *l9\n---\n# 炸弹\n\n正文"
    batch, limits = markdown_batch({"炸弹.md": text.encode()})
    document = convert_document(batch.documents()[0], batch, limits)
    assert messages(document) == [
        "炸弹.md（第 4 行）：文件开头的属性不能使用 YAML 的锚点和别名（& 和 *）。"
    ]


def test_markdown_problems_say_the_line() -> None:
    text = "---\ntitle: [未闭合\n---\n正文"
    batch, limits = markdown_batch(
        {"坏.md": text.encode(), "缺图.md": b"# t\n\nx\n\n![a](no.png)\n"}
    )
    bad, missing = (convert_document(entry, batch, limits) for entry in batch.documents())
    assert messages(bad) == ["坏.md（第 2 行）：文件开头的属性（front matter）无法读取。"]
    assert messages(missing) == ["缺图.md（第 5 行）：图片“no.png”不在导入的文件中。"]


def test_the_export_writes_markdown_with_a_front_matter_and_the_files_beside_it() -> None:
    out = io.BytesIO()
    article = ExportArticle(
        id=7,
        version=3,
        title="电表箱: 位置?",
        kind="faq",
        body="见图：\n\n![电表箱](/knowledge/attachments/41/)\n",
        category="meter",
        category_name="电表",
        tags=["电表"],
        files=[
            ExportFile(41, "电表 箱.png", lambda: io.BytesIO(png())),
            ExportFile(42, "申请表.pdf", lambda: io.BytesIO(b"%PDF-1.7")),
        ],
    )
    assert export_zip([article], out, uncategorised="未分类") == 1
    archive = zipfile.ZipFile(out)
    assert sorted(archive.namelist()) == [
        "电表/电表箱_ 位置_.files/申请表.pdf",
        "电表/电表箱_ 位置_.files/电表 箱.png",
        "电表/电表箱_ 位置_.md",
    ]
    text = archive.read("电表/电表箱_ 位置_.md").decode()
    assert text == (
        "---\ntitle: '电表箱: 位置?'\nkind: faq\ncategory: meter\ntags:\n- 电表\n"
        "attachments:\n- 电表箱_ 位置_.files/申请表.pdf\nid: 7\nversion: 3\n---\n\n"
        "见图：\n\n![电表箱](<电表箱_ 位置_.files/电表 箱.png>)\n"
    )
    batch = open_upload("k.zip", io.BytesIO(out.getvalue()), len(out.getvalue()), Limits())
    document = convert_document(batch.documents()[0], batch, Limits())
    assert document.problems == []
    assert (document.title, document.fields["id"], document.fields["version"]) == (
        "电表箱: 位置?",
        7,
        3,
    )
    assert [(image.name, image.inline) for image in document.images] == [
        ("电表 箱.png", True),
        ("申请表.pdf", False),
    ]


def test_a_picture_from_elsewhere_is_said_and_a_picture_of_a_wrong_type_refused() -> None:
    text = "# 电表\n\n![外链](https://img.example.cn/a.png)\n\n![表箱](表箱.bmp)\n"
    batch, limits = markdown_batch({"电表.md": text.encode(), "表箱.bmp": bmp()})
    document = convert_document(batch.documents()[0], batch, limits)
    assert [(str(problem), problem.warning) for problem in document.problems] == [
        (
            "电表.md（第 3 行）：图片“https://img.example.cn/a.png”不在导入的文件中："
            "文章里只显示它的说明文字。",
            True,
        ),
        (
            "电表.md（第 5 行）：这种类型（BMP）的图片不能在文章中显示：请把图片另存为 PNG、"
            "JPEG 或 GIF 后重新插入。",
            False,
        ),
    ]


def test_a_document_declaring_xml_entities_is_refused_before_it_is_parsed() -> None:
    document = one("炸弹.docx", entity_bomb())
    assert messages(document) == [
        "炸弹.docx：文档含有 Word 从不写入的 XML 声明（DOCTYPE），因此不予读取：请在 Word 中打开，"
        "另存为 .docx 后再导入。"
    ]
