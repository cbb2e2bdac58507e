"""`kefu knowledge import FILE` and `kefu knowledge export -o FILE` (also reached as
`kefu import knowledge FILE` and `kefu export knowledge -o FILE`, kefu/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.models import User
from kefu.knowledge.documents import BatchRefused
from kefu.knowledge.documents.sources import open_path
from kefu.knowledge.models import Kind
from kefu.knowledge.services.imports import articles_export, articles_import, import_limits


class Command(BaseCommand):
    help = (
        "Knowledge articles from Word (.docx) and Markdown (.md) documents, a .zip of them or "
        "a folder, as drafts for review; and the articles back out as Markdown in a .zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("import", help="import documents as drafts (all or nothing)")
        read.add_argument("file", type=Path, help="a .docx or .md file, a .zip of them, a folder")
        read.add_argument("--user", required=True, help="the knowledge editor who imports")
        read.add_argument(
            "--dry-run", action="store_true", help="check and report only; write nothing"
        )
        read.add_argument("--category", help="category (code or name) of documents that name none")
        read.add_argument(
            "--kind",
            default=Kind.PROCEDURE,
            help="kind of documents that name none: " + ", ".join(Kind.values),
        )
        write = sub.add_parser("export", help="write the articles as Markdown files in a .zip")
        write.add_argument("-o", "--output", type=Path, required=True, help="the .zip to write")
        write.add_argument("--user", required=True, help="the knowledge editor who exports")
        write.add_argument("--category", help="only this category (code or name)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("There is no active user “%(name)s”.") % {"name": options["user"]})
        try:
            if options["action"] == "export":
                self._export(user, options)
            else:
                self._import(user, options)
        except BatchRefused as refused:
            raise CommandError(str(refused.problem)) from refused
        except DomainError as error:
            raise CommandError(str(error.message)) from error

    def _import(self, user: User, options: dict[str, Any]) -> None:
        with open_path(options["file"], import_limits()) as batch:
            report = articles_import(
                actor=user,
                batch=batch,
                dry_run=options["dry_run"],
                category=options["category"],
                kind=options["kind"],
            )
        for line in report.lines():
            self.stdout.write(line)
        if report.refused:
            # A status a script can test; every reason is written above.
            raise CommandError(_("Nothing was imported."), returncode=2)

    def _export(self, user: User, options: dict[str, Any]) -> None:
        output: Path = options["output"]
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("wb") as out:
                count = articles_export(actor=user, out=out, category=options["category"])
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            _("%(count)d articles exported to %(file)s.") % {"count": count, "file": output}
        )
