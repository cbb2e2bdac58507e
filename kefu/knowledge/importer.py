"""The `knowledge` kind of the import framework (kefu/core/imports): `kefu import knowledge
FILE [--dry-run] --as EDITOR`, `kefu export knowledge -o FILE.zip` and `kefu import
template knowledge -o FILE.md`. The kind reads documents, not a table: it hands the file
or folder to the knowledge import (kefu/knowledge/services/imports.py) and puts what that
reports into the framework's report, each problem under the file (and the place in it)
it concerns."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, ClassVar

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError
from kefu.core.imports import Importer, Progress, Report
from kefu.knowledge.documents import BatchRefused, Problem
from kefu.knowledge.documents.sources import open_path
from kefu.knowledge.services.imports import (
    CREATE,
    UNCHANGED,
    UPDATE,
    articles_export,
    articles_import,
    import_limits,
)


def _where(problem: Problem) -> str:
    return f"{problem.file}（{problem.place}）" if problem.place else problem.file


def template_text() -> str:
    """A Markdown article as the import reads it, each field of its front matter said."""
    title = _t("How to report a power cut")
    return "\n".join(
        [
            "---",
            f"title: {json.dumps(title, ensure_ascii=False)}",
            f"# {_t('kind: faq, script, procedure, notice or case (or their Chinese names)')}",
            "kind: procedure",
            f"# {_t('category: a knowledge category by its code or name; else the folder')}",
            f"tags: {json.dumps([_t('power cut')], ensure_ascii=False)}",
            f"questions: {json.dumps([_t('My power is off, what do I do?')], ensure_ascii=False)}",
            "effective_from: 2026-01-01",
            "expires_at: 2026-12-31",
            f"# {_t('pictures: ![caption](pictures/meter.png), the file beside this one')}",
            "---",
            "",
            f"## {_t('Taking the call')}",
            "",
            f"1. {_t('Check the account number and the address.')}",
            f"2. {_t('Ask whether the neighbours have power.')}",
            "",
            f"| {_t('Area')} | {_t('Arrival')} |",
            "| --- | --- |",
            f"| {_t('City')} | 45 |",
            "",
        ]
    )


class KnowledgeArticles(Importer[Any]):
    kind = "knowledge"
    title = _("Knowledge articles")
    tabular = False
    suffixes: ClassVar[tuple[str, ...]] = (".docx", ".md", ".zip")

    def import_file(
        self, path: Path, report: Report, *, dry_run: bool, progress: Progress | None
    ) -> None:
        if self.actor is None or self.actor.centre_id != self.centre.pk:
            report.problem(
                None,
                "",
                _t(
                    "Knowledge articles are written by an editor of the centre: name one "
                    "(kefu import knowledge FILE --as USER)."
                ),
            )
            return
        try:
            # An uploaded file may wait under a name of its own: the kind of file is told
            # by the name it came with.
            with open_path(path, import_limits(), name=report.file_name) as batch:
                result = articles_import(
                    actor=self.actor, batch=batch, dry_run=dry_run, progress=progress
                )
        except BatchRefused as refused:
            report.problem(None, _where(refused.problem), str(refused.problem.message))
            return
        except DomainError as error:
            report.problem(None, "", str(error.message))
            return
        for problem in result.problems:
            if problem.warning:
                report.warn(None, _where(problem), str(problem.message))
            else:
                report.problem(None, _where(problem), str(problem.message))
        if result.refused:
            return
        report.rows = len(result.articles)
        report.created = sum(a.action == CREATE for a in result.articles)
        report.updated = sum(a.action == UPDATE for a in result.articles)
        report.unchanged = sum(a.action == UNCHANGED for a in result.articles)
        for number, article in enumerate(result.articles, start=1):
            report.change(number, article.path, f"{article.action_label}：{article.title}")
        report.written = result.written
        report.rows_written = report.rows if result.written else 0

    def export_file(self, path: Path) -> int:
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as out:
                count = articles_export(actor=self.actor, centre_id=self.centre.pk, out=out)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return count

    @classmethod
    def template_file(cls, path: Path) -> None:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(f"{_t('How to report a power cut')}.md", template_text())
            return
        path.write_text(template_text(), encoding="utf-8")
