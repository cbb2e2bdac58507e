"""Attachments are typed by their content, not their name; empty, unreadable and
oversized files are refused with a reason, in the API and on the article's page."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from kefu.conftest import ApiClient
from kefu.core.errors import Invalid
from kefu.core.models import User
from kefu.knowledge import services
from kefu.knowledge.models import Article, Attachment

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def docx() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def article(users: dict[str, User], settings: Any, tmp_path: Any) -> Article:
    settings.MEDIA_ROOT = tmp_path
    return services.article_create(
        actor=users["editor"], title="复电申请须知", body="见附件。", kind="procedure"
    )


def upload(editor: ApiClient, article: Article, name: str, content: bytes) -> Any:
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    url = f"/api/v1/knowledge/articles/{article.pk}/attachments"
    return editor.client.post(url, {"file": file}, headers=editor.headers)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("复电申请表.pdf", PDF, "application/pdf"),
        ("电表箱.png", PNG, "image/png"),
        ("电表箱.GIF", GIF, "image/gif"),
        ("复电申请.docx", docx(), "application/vnd.openxmlformats-officedocument."
         "wordprocessingml.document"),
        ("电价表.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument."
         "spreadsheetml.sheet"),
        ("说明.txt", "营业厅 8:30 开门。".encode(), "text/plain"),
        ("说明（GBK）.txt", "营业厅 8:30 开门。".encode("gb18030"), "text/plain"),
    ],
)  # fmt: skip
def test_files_whose_content_is_what_their_name_says_are_attached(
    api_as: Callable[[str], ApiClient], article: Article, name: str, content: bytes,
    content_type: str,
) -> None:  # fmt: skip
    response = upload(api_as("editor"), article, name, content)
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type
    assert response.json()["size"] == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("复电申请表.pdf", EXE),
        ("复电申请表.pdf", HTML),
        ("说明.txt", HTML),
        ("说明.txt", EXE),
        ("说明.txt", b"<svg onload=alert(1)>"),
        ("电价表.xlsx", b"PK\x03\x04 not really a workbook"),
        ("电价表.xlsx", docx()),
        ("复电申请.docx", EXE),
        ("电表箱.png", GIF),
        ("电表箱.jpg", HTML),
    ],
)
def test_files_whose_content_is_not_what_their_name_says_are_refused(
    api_as: Callable[[str], ApiClient], article: Article, name: str, content: bytes
) -> None:
    response = upload(api_as("editor"), article, name, content)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "attachment_content"
    assert body["message"].startswith(f"“{name}”的内容与文件名所示的类型不符")
    assert not Attachment.objects.exists()


def test_empty_and_oversized_files_are_refused_with_their_reason(
    api_as: Callable[[str], ApiClient], article: Article, settings: Any
) -> None:
    editor = api_as("editor")
    empty = upload(editor, article, "空白.pdf", b"")
    assert (empty.status_code, empty.json()["code"]) == (422, "attachment_empty")
    assert empty.json()["message"] == "“空白.pdf”是空文件，未附加。"
    settings.KEFU_KB_ATTACHMENT_MAX_BYTES = 1024
    large = upload(editor, article, "大文件.pdf", PDF + b"0" * 1024)
    assert (large.status_code, large.json()["code"]) == (422, "attachment_too_large")
    assert large.json()["message"] == "“大文件.pdf”超过 1.0\xa0KB，未附加。"
    assert large.json()["detail"]["max_bytes"] == 1024
    assert not Attachment.objects.exists()


class Unreadable(BytesIO):
    def read(self, size: int | None = -1) -> bytes:
        raise OSError("I/O error")


def test_a_file_that_cannot_be_read_is_refused(users: dict[str, User], article: Article) -> None:
    file = SimpleUploadedFile("坏盘.pdf", PDF)
    file.file = Unreadable(PDF)
    with pytest.raises(Invalid) as refused:
        services.attachment_add(actor=users["editor"], article_id=article.pk, upload=file)
    assert refused.value.code == "attachment_unreadable"
    assert str(refused.value.message) == "无法读取“坏盘.pdf”，未附加。"


def test_the_page_says_beside_the_form_why_a_file_was_refused(
    users: dict[str, User], article: Article
) -> None:
    client = Client()
    client.force_login(users["editor"])
    disguised = SimpleUploadedFile("复电申请表.pdf", HTML, content_type="application/pdf")
    response = client.post(f"/knowledge/{article.pk}/attachments/", {"file": disguised})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="attach-refused" role="alert"' in page
    assert "“复电申请表.pdf”的内容与文件名所示的类型不符，未附加。" in page
    assert not Attachment.objects.exists()
    fine = SimpleUploadedFile("复电申请表.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/knowledge/{article.pk}/attachments/", {"file": fine})
    assert response.status_code == 302 and Attachment.objects.get().name == "复电申请表.pdf"
