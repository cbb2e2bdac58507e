"""One Word (.docx) or Markdown (.md) document turned into what an article stores: a
title, a Markdown body that kefu/knowledge/rendering.py renders (headings, ordered and
unordered lists, bold and italics, tables, links), its images, and for Markdown the
article's other fields from a front matter. No database.

Word documents go through `mammoth` (semantic HTML: a paragraph in the Heading 1 style is
an <h1>, whatever its font) and `markdownify` (HTML to Markdown); Markdown is kept as it
is written. Images stand in the body as placeholders (`place_images` puts the URLs of
the attachments they become in their place).
"""

from __future__ import annotations

import io
import mimetypes
import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

import mammoth
import yaml
from bs4 import BeautifulSoup, Tag
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from markdownify import MarkdownConverter

from kefu.core import filetypes
from kefu.core.errors import Invalid
from kefu.knowledge.documents.sources import (
    DOCUMENT_SUFFIXES,
    DOCX_SUFFIXES,
    Batch,
    Entry,
    Limits,
    Problem,
)

__all__ = ["DOCUMENT_SUFFIXES", "Document", "Image", "convert_document", "place_images"]

TITLE_MAX = 200  # Article.title
PLACEHOLDER = "kefu-import-image-{}"
PLACED = re.compile(r"\]\(kefu-import-image-(\d+)\)")
# Word's own Title style names the document; mammoth would otherwise drop it into a <p>.
STYLE_MAP = "p[style-name='Title'] => h1.kefu-title:fresh\np[style-name='Subtitle'] => p:fresh"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and any password-protected .docx
IMAGE_SUFFIXES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "image/x-emf": ".emf",
    "image/x-wmf": ".wmf",
    "image/svg+xml": ".svg",
}
# ![alt](src "title"): Markdown's inline image.
MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\((?P<src><[^>\n]+>|[^)\s]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\)"
)
ATX_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$")
FRONT_MATTER_KEYS = frozenset(
    {
        "title",
        "kind",
        "category",
        "tags",
        "questions",
        "effective_from",
        "expires_at",
        "roles",
        "call_reasons",
        "attachments",
        "id",
        "version",
    }
)


class Spool:
    """The pictures of a batch, one after another in one temporary file: memory holds
    none of them (and one file descriptor serves them all) between the check pass that
    reads them and the write pass that attaches them."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self.end = 0

    def keep(self, stream: Any, limit: int) -> tuple[int, int]:
        """Where the stream's content (at most `limit` + 1 bytes: enough to tell it is
        too large) now is, and its size."""
        self.file.seek(self.end)
        size = 0
        start = self.end
        while size <= limit:
            chunk = stream.read(min(2**20, limit + 1 - size))
            if not chunk:
                break
            self.file.write(chunk)
            size += len(chunk)
        self.end += size
        return start, size

    def read(self, offset: int, size: int) -> bytes:
        self.file.seek(offset)
        return self.file.read(size)

    def close(self) -> None:
        self.file.close()


@dataclass
class Image:
    """An image of the document (or, from a front matter, another file that goes with
    it), to become one of the article's attachments; its content waits in the spool."""

    name: str
    place: Any  # where in the document, in words
    spool: Spool = field(repr=False)
    offset: int
    size: int
    inline: bool = True  # shown in the body, not only listed among the attachments
    source: str = ""  # the file of the batch it is, when it is not inside the document

    @property
    def data(self) -> bytes:
        return self.spool.read(self.offset, self.size)


@dataclass
class Document:
    path: str
    title: str = ""
    body: str = ""
    images: list[Image] = field(default_factory=list)
    # From a Markdown front matter: the article's fields as written (kind, category,
    # tags, questions, effective_from, expires_at, roles, call_reasons), and the article
    # and version an export came from (id, version).
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def folders(self) -> tuple[str, ...]:
        return PurePosixPath(self.path).parent.parts

    @property
    def refused(self) -> bool:
        return any(not problem.warning for problem in self.problems)

    def problem(self, message: Any, place: Any = "", *, warning: bool = False) -> None:
        self.problems.append(Problem(self.path, message, place, warning))


def place_images(body: str, urls: list[str]) -> str:
    """The body with each image placeholder replaced by its attachment's URL."""
    return PLACED.sub(lambda match: f"]({urls[int(match.group(1))]})", body)


def convert_document(
    entry: Entry, batch: Batch, limits: Limits, spool: Spool | None = None
) -> Document:
    """The document at `entry` as an article's title, body and images (kept in `spool`,
    a spool of its own if none is given), or its problems."""
    document = Document(entry.path)
    spool = spool or Spool()
    if entry.suffix in DOCX_SUFFIXES:
        _from_docx(document, entry, limits, spool)
    else:
        _from_markdown(document, entry, batch, limits, spool)
    if not document.refused:
        _check(document, entry, limits)
    return document


def _check(document: Document, entry: Entry, limits: Limits) -> None:
    if not document.title:
        document.title = PurePosixPath(entry.path).stem.strip()
    if len(document.title) > TITLE_MAX:
        document.problem(
            _("The title is longer than %(limit)d characters.") % {"limit": TITLE_MAX},
            _("title"),
        )
    if not document.body.strip():
        document.problem(_("The document has no text besides its title."))
    for image in document.images:
        try:
            filetypes.upload_check(
                image.name,
                image.size,
                io.BytesIO(image.data),
                max_bytes=limits.max_image_bytes,
            )
        except Invalid as refused:
            message = refused.message
            if refused.code == "attachment_type" and image.inline:
                message = _(
                    "A picture of this type (%(type)s) cannot be shown in an article: save "
                    "it as PNG, JPEG or GIF in its own program and insert that."
                ) % {"type": PurePosixPath(image.name).suffix.lstrip(".").upper() or "?"}
            document.problem(message, image.place)


# --- Word -------------------------------------------------------------------------------


class _Markdown(MarkdownConverter):
    """markdownify as Python-Markdown reads it: a list item's text, and the lists nested
    in it, indented by four spaces (two would flatten the nesting)."""

    def convert_li(self, el: Any, text: str, parent_tags: Any) -> str:
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = str(parent.get("start") or "1")
            number = int(start) if start.isdigit() else 1
            bullet = f"{number + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        bullet = bullet.ljust(3) + " "
        indent = " " * len(bullet)
        lines = text.split("\n")
        return (
            "\n".join([bullet + lines[0], *(indent + line if line else "" for line in lines[1:])])
            + "\n"
        )


def _markdown(html: str) -> str:
    converter = _Markdown(
        heading_style="ATX", bullets="-", table_infer_header=True, escape_misc=True, strip=["u"]
    )
    text = converter.convert(html)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _docx_package(document: Document, data: bytes, limits: Limits) -> bool:
    """Whether the file is a Word package mammoth may read: a zip holding a document part,
    its parts few and small enough (a .docx is itself a zip, so it could be a bomb)."""
    if data.startswith(OLE_SIGNATURE):
        document.problem(
            _(
                "This is an old Word document (.doc) or one protected by a password: open "
                "it in Word, save it as .docx without a password and import that."
            )
        )
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        infos = None
    if infos is None or "word/document.xml" not in {info.filename for info in infos}:
        document.problem(
            _(
                "The file is not a Word document (.docx), whatever its name says: open it "
                "in Word, save it as .docx and import that."
            )
        )
        return False
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > limits.max_files or unpacked > limits.max_unpacked_bytes:
        document.problem(
            _("Unpacked, the document is too large to import (over %(limit)s).")
            % {"limit": filesizeformat(limits.max_unpacked_bytes)}
        )
        return False
    xml = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
    if xml > limits.max_xml_bytes:
        document.problem(
            _(
                "The document's text is too large to read (over %(limit)s of XML): split "
                "it into several documents and import those."
            )
            % {"limit": filesizeformat(limits.max_xml_bytes)}
        )
        return False
    if _declares_entities(data, infos):
        document.problem(
            _(
                "The document holds XML declarations Word never writes (a DOCTYPE), so it "
                "is not read: open it in Word, save it as .docx and import that."
            )
        )
        return False
    return True


def _declares_entities(data: bytes, infos: list[zipfile.ZipInfo]) -> bool:
    """Whether any XML part declares a DOCTYPE: Word writes none, and its entities are
    how a small part expands into gigabytes ("billion laughs") in a parser."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in infos:
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                with package.open(info) as part:
                    tail = b""
                    while chunk := part.read(2**16):
                        if b"<!doctype" in (tail + chunk).lower():
                            return True
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # mammoth says the document is damaged
    return False


def _from_docx(document: Document, entry: Entry, limits: Limits, spool: Spool) -> None:
    data = entry.read()
    if not _docx_package(document, data, limits):
        return
    stem = PurePosixPath(entry.path).stem

    def image(picture: Any) -> dict[str, str]:
        number = len(document.images)
        with picture.open() as stream:
            offset, size = spool.keep(stream, limits.max_image_bytes)
        content_type = picture.content_type or ""
        suffix = IMAGE_SUFFIXES.get(content_type) or mimetypes.guess_extension(content_type) or ""
        name = f"{stem}-{number + 1}{suffix}"
        document.images.append(
            Image(name, _("picture %(number)d") % {"number": number + 1}, spool, offset, size)
        )
        # Shown where the picture cannot be: its description in Word, else its name.
        return {"src": PLACEHOLDER.format(number), "alt": (picture.alt_text or "").strip() or name}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(image),
        )
    except Exception:
        document.problem(
            _(
                "The document is damaged and cannot be read: open it in Word, save it "
                "again as .docx and import that."
            )
        )
        return
    soup = BeautifulSoup(result.value, "html.parser")
    document.title = _docx_title(soup)
    document.body = _markdown(str(soup))


def _docx_title(soup: BeautifulSoup) -> str:
    """The document's Title-style paragraph, else the heading it begins with; taken out
    of the body, which the article's page shows under the title."""
    titled = soup.find("h1", class_="kefu-title")
    first = next((child for child in soup.children if isinstance(child, Tag)), None)
    heading = titled or (
        first if first is not None and re.fullmatch(r"h[1-6]", first.name) else None
    )
    for other in soup.find_all("h1", class_="kefu-title"):
        if other is not heading:
            other.name = "p"
            del other["class"]
    if not isinstance(heading, Tag):
        return ""
    title = " ".join(heading.get_text(" ").split())
    heading.decompose()
    return title


# --- Markdown ---------------------------------------------------------------------------


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):  # what Chinese offices save text in
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _front_matter(document: Document, text: str) -> tuple[str, int]:
    """The text after its front matter (between two lines of "---" at its start), the
    fields of which go to `document.fields`; and how many lines the front matter took."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."}), None)
    if end is None:
        document.problem(_("The front matter that begins on line 1 has no closing “---” line."))
        return text, 0
    source = "\n".join(lines[1:end])
    try:
        # Anchors and aliases (&a, *a) are refused: nested, a few lines of them stand for
        # billions of values once written out.
        alias = next(
            (
                e
                for e in yaml.parse(source, Loader=yaml.SafeLoader)
                if isinstance(e, yaml.AliasEvent)
            ),
            None,
        )
        if alias is not None:
            mark = alias.start_mark
            document.problem(
                _("The front matter may not use YAML anchors and aliases (& and *)."),
                _("line %(line)d") % {"line": mark.line + 2} if mark is not None else "",
            )
            return text, 0
        fields = yaml.safe_load(source) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        document.problem(_("The front matter cannot be read."), _("line %(line)d") % {"line": line})
        return text, 0
    if not isinstance(fields, dict):
        document.problem(_("The front matter must be lines of “name: value”."), _("line 2"))
        return text, 0
    for key in sorted(set(map(str, fields)) - FRONT_MATTER_KEYS):
        document.problem(
            _("“%(name)s” is not a field of an article and is left out.") % {"name": key},
            _("front matter"),
            warning=True,
        )
    document.fields = _fields(document, {str(k): v for k, v in fields.items()})
    return "\n".join(lines[end + 1 :]), end + 1


def _strings(value: Any) -> list[str]:
    """A list of words as YAML gives it: a list, or one string with commas."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,，、]", value) if part.strip()]
    if isinstance(value, list):
        # Only plain values: a nested list or table is not a word.
        plain = [part for part in value if isinstance(part, str | int | float | date)]
        return [str(part).strip() for part in plain if str(part).strip()]
    return [str(value)] if isinstance(value, str | int | float | date) else []


def _fields(document: Document, raw: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("title", "kind", "category"):
        if raw.get(key) is not None:
            fields[key] = str(raw[key]).strip()
    for key in ("tags", "questions", "roles", "call_reasons", "attachments"):
        if key in raw:
            fields[key] = _strings(raw[key])
    for key in ("effective_from", "expires_at"):
        value = raw.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, date):
            fields[key] = value
            continue
        try:
            fields[key] = date.fromisoformat(str(value).strip())
        except ValueError:
            document.problem(
                _("“%(value)s” is not a date like 2026-03-01.") % {"value": value},
                _("front matter: %(name)s") % {"name": key},
            )
    for key in ("id", "version"):
        if key in raw:
            try:
                fields[key] = int(raw[key])
            except (TypeError, ValueError):
                document.problem(
                    _("“%(value)s” is not a number.") % {"value": raw[key]},
                    _("front matter: %(name)s") % {"name": key},
                )
    return fields


def _markdown_title(document: Document, body: str) -> str:
    """The front matter's title, else the heading the text begins with (taken out)."""
    lines = body.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        heading = ATX_HEADING.match(lines[first].strip())
        if heading and not document.fields.get("title"):
            document.title = heading.group("text").strip()
            del lines[first]
        elif (
            not document.fields.get("title")
            and first + 1 < len(lines)
            and re.fullmatch(r"=+\s*", lines[first + 1])
        ):
            document.title = lines[first].strip()
            del lines[first : first + 2]
    if document.fields.get("title"):
        document.title = document.fields["title"]
    return "\n".join(lines).strip() + "\n"


def _from_markdown(
    document: Document, entry: Entry, batch: Batch, limits: Limits, spool: Spool
) -> None:
    text = _decode(entry.read())
    if text is None:
        document.problem(
            _("The text is neither UTF-8 nor GB18030: save it as UTF-8 and import that.")
        )
        return
    text, skipped = _front_matter(document, text.replace("\r\n", "\n").replace("\r", "\n"))
    folder = posixpath.dirname(entry.path)
    found: dict[str, int] = {}

    def image(match: re.Match[str]) -> str:
        src = match.group("src").strip("<>")
        line = skipped + match.string.count("\n", 0, match.start()) + 1
        place = _("line %(line)d") % {"line": line}
        if re.match(r"^([a-z][a-z0-9+.-]*:|/)", src, re.IGNORECASE):
            document.problem(
                _(
                    "The picture “%(src)s” is not among the imported files: the article "
                    "shows its caption instead."
                )
                % {"src": src},
                place,
                warning=True,
            )
            return match.group(0)
        path = posixpath.normpath(posixpath.join(folder, unquote(src)))
        picture = batch.find(path)
        if picture is None:
            document.problem(
                _("The picture “%(src)s” is not among the imported files.") % {"src": src}, place
            )
            return match.group(0)
        if picture.path not in found:
            found[picture.path] = len(document.images)
            document.images.append(
                Image(
                    picture.name, place, spool, *_kept(picture, limits, spool), source=picture.path
                )
            )
        return f"![{match.group('alt')}]({PLACEHOLDER.format(found[picture.path])})"

    body = MARKDOWN_IMAGE.sub(image, text)
    document.body = _markdown_title(document, body)
    for name in document.fields.pop("attachments", []):
        path = posixpath.normpath(posixpath.join(folder, name))
        attached = batch.find(path)
        if attached is None:
            document.problem(
                _("The attached file “%(name)s” is not among the imported files.") % {"name": name},
                _("front matter: %(name)s") % {"name": "attachments"},
            )
        elif attached.path not in found:
            found[attached.path] = len(document.images)
            document.images.append(
                Image(
                    attached.name,
                    _("front matter"),
                    spool,
                    *_kept(attached, limits, spool),
                    inline=False,
                    source=attached.path,
                )
            )


def _kept(entry: Entry, limits: Limits, spool: Spool) -> tuple[int, int]:
    """The file's content in the spool (only as much of it as shows it is too large)."""
    with entry.opener() as stream:
        return spool.keep(stream, limits.max_image_bytes)
