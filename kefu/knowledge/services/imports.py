"""Knowledge articles brought in from Word and Markdown documents, and written out again.

An imported document becomes a draft written through the same services as an editor's
(`article_create`, `attachment_add`, `article_update`), so it waits for review like any
other draft; its images become the article's attachments and the body shows them.

The import of one batch (a document, a .zip or a folder) is all-or-nothing: every
document is read and checked first; then all are written in one transaction, which is
rolled back if any of them is refused. A dry run goes through the same writing and rolls
it back, storing no file, so it reports what the import would do and nothing more.

A title already used by another article of the centre is refused (an editor fixing an
article edits it, or re-imports its export): a second article of the same title would
split readers' feedback and search results. A document exported from kefu names its
article and version in its front matter: importing it again updates that article as a
new draft (its live version serves agents until approved), and leaves it alone if
nothing changed; if the article changed since the export, the document is refused.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.imports import Progress
from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.knowledge.documents import (
    Batch,
    BatchRefused,
    Document,
    ExportArticle,
    ExportFile,
    Limits,
    Problem,
    convert_document,
    export_zip,
    place_images,
)
from kefu.knowledge.documents.convert import Spool
from kefu.knowledge.documents.sources import DOCUMENT_SUFFIXES, Entry
from kefu.knowledge.models import Article, Attachment, Kind, KnowledgeCategory
from kefu.knowledge.services.articles import article_create, article_update, editor_centre
from kefu.knowledge.services.attachments import attachment_add

log = logging.getLogger(__name__)
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTIONS = {
    CREATE: _("New draft"),
    UPDATE: _("Updated as a draft"),
    UNCHANGED: _("Unchanged"),
}


def import_limits() -> Limits:
    return Limits(
        max_bytes=settings.KEFU_KB_IMPORT_MAX_BYTES,
        max_unpacked_bytes=settings.KEFU_KB_IMPORT_MAX_UNPACKED_BYTES,
        max_files=settings.KEFU_KB_IMPORT_MAX_FILES,
        max_image_bytes=settings.KEFU_KB_ATTACHMENT_MAX_BYTES,
    )


@dataclass
class ImportedArticle:
    path: str
    title: str
    action: str
    category: str = ""  # its name
    images: int = 0
    article_id: int | None = None  # once written (not in a dry run)

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])


@dataclass
class KnowledgeImportReport:
    batch: str
    dry_run: bool
    articles: list[ImportedArticle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(not problem.warning for problem in self.problems)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.refused

    def lines(self) -> Iterator[str]:
        """The report as a person reads it, in Chinese by default."""
        for article in self.articles:
            extra = [article.category] if article.category else []
            if article.images:
                extra.append(_t("%(count)d attachments") % {"count": article.images})
            detail = f"（{'，'.join(extra)}）" if extra else ""
            yield f"{article.action_label}：{article.title}{detail} ← {article.path}"
        for problem in self.problems:
            label = _t("Please note") if problem.warning else _t("Error")
            yield f"{label}：{problem}"
        if self.refused:
            yield _t("Nothing was imported: correct the files above and import them again.")
        elif self.dry_run:
            yield _t("Dry run: %(count)d articles would be imported; nothing was written.") % {
                "count": sum(a.action != UNCHANGED for a in self.articles)
            }
        else:
            yield _t("%(count)d articles imported as drafts; they wait for review.") % {
                "count": sum(a.action != UNCHANGED for a in self.articles)
            }


class _Refused(Exception):
    """One document refused while writing; the batch goes on to report them all."""

    def __init__(self, message: Any, place: Any = "") -> None:
        self.message, self.place = message, place


def _categories(centre_id: int) -> dict[str, KnowledgeCategory]:
    """The centre's categories by code and by name."""
    found: dict[str, KnowledgeCategory] = {}
    for category in KnowledgeCategory.objects.filter(centre_id=centre_id):
        found.setdefault(category.name.strip(), category)
        found[category.code] = category
    return found


def _kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for value, label in Kind.choices:
        kinds[value] = value
        kinds[str(label)] = value
        kinds[str(label).lower()] = value
    return kinds


def _kind_unknown(kind: Any) -> Any:
    return _("“%(kind)s” is not a kind of article: use one of %(kinds)s.") % {
        "kind": kind,
        "kinds": "、".join(str(label) for _value, label in Kind.choices),
    }


def articles_import(
    *,
    actor: User,
    batch: Batch,
    dry_run: bool = False,
    category: str | None = None,
    kind: str = Kind.PROCEDURE,
    progress: Progress | None = None,
) -> KnowledgeImportReport:
    """Import the documents of `batch` as drafts (see the module's docstring). `category`
    (a code or a name) is for documents that name none, by a front matter or by a folder
    named after a category; `kind` for those whose front matter names none."""
    centre_id = editor_centre(actor)
    report = KnowledgeImportReport(batch.name, dry_run, problems=list(batch.problems))
    categories = _categories(centre_id)
    default = None
    if category:
        default = categories.get(category.strip())
        if default is None:
            report.problems.append(
                Problem(
                    batch.name, _("There is no knowledge category “%(name)s”.") % {"name": category}
                )
            )
    if _kinds().get(kind) is None:
        report.problems.append(Problem(batch.name, _kind_unknown(kind)))
    documents = batch.documents()
    if not documents:
        report.problems.append(
            Problem(batch.name, _("There is no Word (.docx) or Markdown (.md) document to import."))
        )
    spool = Spool()
    try:
        return _import(
            report, actor, centre_id, batch, documents, spool, categories, default, kind,
            dry_run, progress,
        )  # fmt: skip
    finally:
        spool.close()


def _import(
    report: KnowledgeImportReport,
    actor: User,
    centre_id: int,
    batch: Batch,
    documents: list[Entry],
    spool: Spool,
    categories: dict[str, KnowledgeCategory],
    default: KnowledgeCategory | None,
    kind: str,
    dry_run: bool,
    progress: Progress | None,
) -> KnowledgeImportReport:
    # The check pass: every document read and converted once; the bodies stay in memory,
    # the pictures wait in the spool (a temporary file) for the write pass.
    titles: dict[str, str] = {}
    used: set[str] = set()
    converted: list[Document] = []
    for done, entry in enumerate(documents, start=1):
        document = convert_document(entry, batch, import_limits(), spool)
        converted.append(document)
        if progress:
            progress("check", done, len(documents))
        used.update(image.source for image in document.images)
        report.problems.extend(document.problems)
        if document.refused:
            continue
        if document.title in titles:
            report.problems.append(
                Problem(
                    entry.path,
                    _("“%(other)s” has the same title, “%(title)s”.")
                    % {"other": titles[document.title], "title": document.title},
                )
            )
        titles.setdefault(document.title, entry.path)
    for entry in batch.entries:
        if entry.suffix not in DOCUMENT_SUFFIXES and entry.path not in used:
            report.problems.append(
                Problem(entry.path, _("Not a Word or Markdown document: left out."), warning=True)
            )
    if report.refused:
        return report
    stored: list[str] = []
    kept = False
    try:
        with transaction.atomic():
            for done, document in enumerate(converted, start=1):
                if progress:
                    progress("write", done, len(converted))
                try:
                    report.articles.append(
                        _write(
                            actor, centre_id, document, categories, default, kind, dry_run, stored
                        )
                    )
                except _Refused as refused:
                    report.problems.append(Problem(document.path, refused.message, refused.place))
                except DomainError as error:
                    report.problems.append(Problem(document.path, error.message, _field(error)))
            if dry_run or report.refused:
                transaction.set_rollback(True)
            else:
                kept = True
    except DatabaseError as error:
        log.exception("knowledge import of %s failed while writing", batch.name)
        report.problems.append(
            Problem(batch.name, _("The database refused the data (%(error)s).") % {"error": error})
        )
    finally:
        # The files of a batch that was not kept go with it (the rows are rolled back).
        if not kept or report.refused:
            _forget(stored)
    if report.refused:
        report.articles.clear()
    return report


def _field(error: DomainError) -> Any:
    """Where a service's refusal points: the front matter field it names, if any."""
    field = error.detail.get("field") if isinstance(error.detail, dict) else None
    return _("front matter: %(name)s") % {"name": field} if field else ""


def _forget(stored: list[str]) -> None:
    """The files of a batch that was not kept."""
    storage = Attachment._meta.get_field("file").storage
    for name in stored:
        storage.delete(name)


def _resolve_category(
    document: Document,
    categories: dict[str, KnowledgeCategory],
    default: KnowledgeCategory | None,
) -> KnowledgeCategory | None:
    """The front matter's category, else the innermost folder named after a category,
    else the one the import names."""
    named = document.fields.get("category")
    if named:
        category = categories.get(named)
        if category is None:
            raise _Refused(
                _("There is no knowledge category “%(name)s”.") % {"name": named},
                _("front matter: %(name)s") % {"name": "category"},
            )
        return category
    for folder in reversed(document.folders):
        if folder.strip() in categories:
            return categories[folder.strip()]
    return default


def _values(
    document: Document,
    categories: dict[str, KnowledgeCategory],
    default: KnowledgeCategory | None,
    kind: str,
) -> dict[str, Any]:
    fields = document.fields
    named_kind = fields.get("kind")
    resolved_kind = _kinds().get(named_kind or kind)
    if resolved_kind is None:
        raise _Refused(_kind_unknown(named_kind), _("front matter: %(name)s") % {"name": "kind"})
    category = _resolve_category(document, categories, default)
    values: dict[str, Any] = {
        "title": document.title,
        "kind": resolved_kind,
        "category": category.code if category else None,
    }
    for key in ("tags", "questions", "effective_from", "expires_at", "roles"):
        if key in fields:
            values[key] = fields[key]
    if "call_reasons" in fields:
        values["call_reasons"] = fields["call_reasons"]
    return values


def _write(
    actor: User,
    centre_id: int,
    document: Document,
    categories: dict[str, KnowledgeCategory],
    default: KnowledgeCategory | None,
    kind: str,
    dry_run: bool,
    stored: list[str],
) -> ImportedArticle:
    values = _values(document, categories, default, kind)
    exported = _exported(centre_id, document)
    same = Article.objects.filter(centre_id=centre_id, title=document.title)
    if exported is not None:
        same = same.exclude(pk=exported.pk)
    twin = same.order_by("pk").first()
    if twin is not None:
        raise _Refused(
            _(
                "The knowledge base already has an article with this title (no. %(id)d): "
                "give this one another title, or change that article instead."
            )
            % {"id": twin.pk},
            _("title"),
        )
    category = categories.get(values["category"]) if values["category"] else None
    imported = ImportedArticle(
        document.path,
        document.title,
        CREATE,
        category=category.name if category else "",
        images=len(document.images),
    )
    if exported is None:
        article = article_create(actor=actor, body=document.body, **values)
    else:
        article = exported
    urls = _attach(actor, article, document, dry_run, stored, reuse=exported is not None)
    body = place_images(document.body, urls)
    if exported is None:
        if body != article.body:
            article = article_update(
                actor=actor, article_id=article.pk, version=article.version, body=body
            )
    else:
        changes = _changes(article, {**values, "body": body})
        if not changes:
            imported.action = UNCHANGED
        else:
            imported.action = UPDATE
            article = article_update(
                actor=actor, article_id=article.pk, version=article.version, **changes
            )
    imported.article_id = None if dry_run else article.pk
    if imported.action != UNCHANGED:
        audit_record(
            actor=actor,
            action="article.import",
            obj=article,
            after={"file": document.path, "images": len(document.images)},
        )
    return imported


def _exported(centre_id: int, document: Document) -> Article | None:
    """The article an export of this centre wrote the document from, if it still has the
    version the export had; a document written from an older version is refused."""
    article_id, version = document.fields.get("id"), document.fields.get("version")
    if article_id is None or version is None:
        return None
    article = Article.objects.filter(pk=article_id, centre_id=centre_id).first()
    if article is None:
        return None
    if article.version != version:
        raise _Refused(
            _(
                "The article (no. %(id)d) was changed after this file was exported (version "
                "%(then)d then, %(now)d now): export it again and make the changes there."
            )
            % {"id": article.pk, "then": version, "now": article.version},
            _("front matter: %(name)s") % {"name": "version"},
        )
    return article


def _attach(
    actor: User,
    article: Article,
    document: Document,
    dry_run: bool,
    stored: list[str],
    *,
    reuse: bool,
) -> list[str]:
    """The URLs of the document's images as the article's attachments: the same file
    already attached (an export imported again) is used as it is."""
    existing = list(article.attachments.all()) if reuse else []
    urls = []
    for image in document.images:
        attachment = next((a for a in existing if _same(a, image.name, image.data)), None)
        if attachment is None and not dry_run:
            upload = SimpleUploadedFile(image.name, image.data)  # one picture at a time
            attachment = attachment_add(actor=actor, article_id=article.pk, upload=upload)
            stored.append(attachment.file.name)
        # A dry run stores no file: its body keeps the placeholder in the rolled-back row.
        urls.append(f"/knowledge/attachments/{attachment.pk}/" if attachment else "")
    return urls


def _same(attachment: Attachment, name: str, data: bytes) -> bool:
    if attachment.name != name or attachment.size != len(data):
        return False
    with attachment.file.open("rb") as stored:
        return bool(stored.read() == data)


def _changes(article: Article, values: dict[str, Any]) -> dict[str, Any]:
    """What the document would change in the article's working copy."""
    current: dict[str, Any] = {
        "title": article.title,
        "body": article.body,
        "kind": article.kind,
        "category": article.category.code if article.category else None,
        "tags": sorted(article.tags),
        "questions": list(article.questions),
        "effective_from": article.effective_from,
        "expires_at": article.expires_at,
        "roles": [role for role in article.roles.split(",") if role],
        "call_reasons": sorted(r.code for r in article.call_reasons.all()),
    }
    comparable = {
        **values,
        "tags": sorted(set(values.get("tags", current["tags"]))),
        "roles": sorted(set(values.get("roles", current["roles"]))),
        "call_reasons": sorted(set(values.get("call_reasons", current["call_reasons"]))),
    }
    return {
        key: values[key]
        for key, value in comparable.items()
        if key in values and value != current[key]
    }


# --- export -----------------------------------------------------------------------------


def _export_articles(articles: Any) -> Iterator[ExportArticle]:
    for article in articles:
        yield ExportArticle(
            id=article.pk,
            version=article.version,
            title=article.title,
            kind=article.kind,
            body=article.body,
            category=article.category.code if article.category else "",
            category_name=article.category.name if article.category else "",
            tags=list(article.tags),
            questions=list(article.questions),
            effective_from=article.effective_from,
            expires_at=article.expires_at,
            roles=[role for role in article.roles.split(",") if role],
            call_reasons=sorted(reason.code for reason in article.call_reasons.all()),
            files=[
                ExportFile(a.pk, a.name, partial(a.file.open, "rb"))
                for a in article.attachments.all()
            ],
        )


def articles_export(
    *, actor: User | None, out: IO[bytes], centre_id: int | None = None, category: str | None = None
) -> int:
    """Write the centre's articles (working copies, as the editors see them) to `out` as a
    .zip of Markdown files with their attachments, which `articles_import` reads back;
    how many were written. Editors only (drafts are theirs to read), or with no actor the
    operator's command line for `centre_id`."""
    if actor is not None:
        centre_id = editor_centre(actor)
    if centre_id is None:
        raise Forbidden()
    articles = (
        Article.objects.filter(centre_id=centre_id)
        .select_related("category")
        .prefetch_related("attachments", "call_reasons")
        .order_by("category__position", "category__code", "title", "pk")
    )
    if category:
        found = _categories(centre_id).get(category.strip())
        if found is None:
            raise BatchRefused(
                Problem("", _("There is no knowledge category “%(name)s”.") % {"name": category})
            )
        articles = articles.filter(category=found)
    return export_zip(
        _export_articles(articles.iterator(chunk_size=200)), out, uncategorised=_t("Uncategorised")
    )


def export_to_bytes(*, actor: User | None, category: str | None = None) -> bytes:
    out = io.BytesIO()
    articles_export(actor=actor, out=out, category=category)
    return out.getvalue()
