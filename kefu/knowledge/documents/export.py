"""Articles written out as Markdown files with their attachments, in a .zip that the
import reads back: one folder per category (named after it), one `<title>.md` per
article with a front matter of its fields, its files in `<title>.files/`. The images in
the body point at those files, so the export reads well in any Markdown editor. No
database: the query hands the articles in, and the files are copied in chunks."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import yaml

ATTACHMENT_URL = re.compile(r"/knowledge/attachments/(\d+)/")
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class ExportFile:
    id: int
    name: str
    opener: Callable[[], Any] = field(repr=False)  # a binary stream for a `with` block


@dataclass
class ExportArticle:
    id: int
    version: int
    title: str
    kind: str
    body: str
    category: str = ""  # code
    category_name: str = ""
    tags: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    effective_from: date | None = None
    expires_at: date | None = None
    roles: list[str] = field(default_factory=list)
    call_reasons: list[str] = field(default_factory=list)
    files: list[ExportFile] = field(default_factory=list)


def safe_name(name: str, fallback: str) -> str:
    """A file or folder name that every system accepts, at most 80 characters."""
    cleaned = UNSAFE.sub("_", name).strip(" .")[:80].strip(" .")
    return cleaned or fallback


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{stem}-{number}{dot}{suffix}" if dot else f"{name}-{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _link(path: str) -> str:
    return f"<{path}>" if re.search(r"[\s()<>]", path) else path


def _front_matter(article: ExportArticle, attachments: list[str]) -> str:
    fields: dict[str, Any] = {
        "title": article.title,
        "kind": article.kind,
        "category": article.category or None,
        "tags": article.tags,
        "questions": article.questions,
        "effective_from": article.effective_from,
        "expires_at": article.expires_at,
        "roles": article.roles,
        "call_reasons": article.call_reasons,
        "attachments": attachments,
        "id": article.id,
        "version": article.version,
    }
    kept = {key: value for key, value in fields.items() if value not in (None, [], "")}
    return yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, width=1000)


def _relative(body: str, names: dict[int, str], folder: str) -> str:
    """The body with the URLs of the article's own attachments made paths to their files."""

    def relative(match: re.Match[str]) -> str:
        name = names.get(int(match.group(1)))
        return match.group(0) if name is None else _link(f"{folder}/{name}")

    return ATTACHMENT_URL.sub(relative, re.sub(r"<(/knowledge/attachments/\d+/)>", r"\1", body))


def export_zip(articles: Iterable[ExportArticle], out: IO[bytes], *, uncategorised: str) -> int:
    """Write the articles to `out` as a .zip; how many were written. Articles with no
    category go to the folder `uncategorised`."""
    count = 0
    taken: dict[str, set[str]] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for article in articles:
            folder = (
                safe_name(article.category_name, uncategorised)
                if article.category
                else uncategorised
            )
            stem = _unique(
                safe_name(article.title, str(article.id)), taken.setdefault(folder, set())
            )
            files_folder = f"{stem}.files"
            names: dict[int, str] = {}
            used: set[str] = set()
            for file in article.files:
                names[file.id] = _unique(safe_name(file.name, str(file.id)), used)

            body = _relative(article.body, names, files_folder)
            inline = {int(n) for n in ATTACHMENT_URL.findall(article.body)}
            listed = [f"{files_folder}/{names[f.id]}" for f in article.files if f.id not in inline]
            text = f"---\n{_front_matter(article, listed)}---\n\n{body.strip()}\n"
            archive.writestr(f"{folder}/{stem}.md", text.encode())
            for file in article.files:
                with (
                    file.opener() as source,
                    archive.open(f"{folder}/{files_folder}/{names[file.id]}", "w") as target,
                ):
                    shutil.copyfileobj(source, target, 2**20)
            count += 1
    return count
