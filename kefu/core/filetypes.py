"""What an attached file really is, told from its content, not its name; and the one check
every upload passes (knowledge attachments, customer documents). No database.

The signatures of PDF, images and Office documents come from the `filetype` library
(pure Python, no system libmagic); plain text is checked here: it must decode and must
not be markup a browser would run.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import PurePath
from typing import IO

import filetype
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid

# What agents can open in a browser or office software; anything executable stays out.
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
}
# The part every Office Open XML package of each kind holds.
OFFICE_PARTS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}
HEAD_BYTES = 8192
MARKUP = re.compile(rb"^\s*<\s*(!doctype|html|head|body|script|svg|\?xml|iframe)", re.IGNORECASE)


def declared_type(name: str) -> str | None:
    """The content type the file's name claims, if it is one that may be attached."""
    return ATTACHMENT_TYPES.get(PurePath(name).suffix.lower())


def _is_text(head: bytes) -> bool:
    if b"\x00" in head or MARKUP.match(head.removeprefix(codecs.BOM_UTF8)):
        return False
    for encoding in ("utf-8-sig", "gb18030"):  # what Chinese offices save text in
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _is_office(stream: IO[bytes], suffix: str) -> bool:
    """An Office document is a zip package holding its kind's main part."""
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        stream.seek(0)
    return "[Content_Types].xml" in names and OFFICE_PARTS[suffix] in names


def content_matches(name: str, stream: IO[bytes]) -> bool:
    """Whether the content is what the name says: a PDF named .pdf begins as a PDF, a
    .txt holds text and no HTML, a .docx is a Word package. `stream` is read from its
    start and left there."""
    suffix = PurePath(name).suffix.lower()
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    guessed = filetype.guess_mime(head)
    if suffix == ".txt":
        return guessed is None and _is_text(head)
    if suffix in OFFICE_PARTS:
        return guessed in {ATTACHMENT_TYPES[suffix], "application/zip"} and _is_office(
            stream, suffix
        )
    return guessed is not None and guessed == ATTACHMENT_TYPES.get(suffix)


def upload_check(name: str, size: int, stream: IO[bytes], *, max_bytes: int) -> str:
    """The content type of an upload that may be kept: an allowed name, not empty, not
    over `max_bytes`, readable, and content that is what the name says; otherwise
    `Invalid`, with the reason in words. Knowledge attachments and customer documents
    both use it."""
    content_type = declared_type(name)
    if not name or content_type is None:
        raise Invalid(
            _("This kind of file cannot be attached."),
            code="attachment_type",
            detail={"name": name, "allowed": sorted(ATTACHMENT_TYPES)},
        )
    if size > max_bytes:
        raise Invalid(
            _("“%(name)s” is larger than %(limit)s and is not attached.")
            % {"name": name, "limit": filesizeformat(max_bytes)},
            code="attachment_too_large",
            detail={"name": name, "max_bytes": max_bytes},
        )
    if not size:
        raise Invalid(
            _("“%(name)s” is empty and is not attached.") % {"name": name},
            code="attachment_empty",
            detail={"name": name},
        )
    try:
        matches = content_matches(name, stream)
    except (OSError, ValueError) as error:
        raise Invalid(
            _("“%(name)s” could not be read and is not attached.") % {"name": name},
            code="attachment_unreadable",
            detail={"name": name},
        ) from error
    if not matches:
        raise Invalid(
            _(
                "The content of “%(name)s” is not what its name says it is, so it is not "
                "attached. Save the file again in its own program and attach that."
            )
            % {"name": name},
            code="attachment_content",
            detail={"name": name, "declared": content_type},
        )
    return content_type
