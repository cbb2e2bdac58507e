from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound
from kefu.core.imports import import_file, importer_class, template_write
from kefu.core.imports.runs import handout_write
from kefu.core.management.imports import kind_named, report_lines
from kefu.core.queries import centre_by_code


class Command(BaseCommand):
    # Django's system checks load every URL and API module (~65 MB and a second or two)
    # and say nothing about a file; `kefu check` and `kefu serve` run them.
    requires_system_checks: list[str] = []
    help = (
        "Import a centre's data from a spreadsheet: kefu import KIND FILE [--dry-run]; "
        "kefu import template KIND -o FILE writes the empty template."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", help="the kind (org, users, customers, …) or `template`")
        parser.add_argument("target", help="the file to import, or the template's kind")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="where the template goes; for an import, where what it hands out goes (new "
            "users' first passwords; default: beside FILE)",
        )
        parser.add_argument("--centre", help="centre code (needed when there are several)")
        parser.add_argument("--as", dest="actor", help="the user the import is recorded as")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "template":
            kind = kind_named(options["target"])
            output: Path | None = options["output"]
            if output is None:
                raise CommandError(_("Name the template's file with -o FILE.xlsx."))
            template_write(kind, output)
            self.stdout.write(str(output))
            return
        kind = kind_named(options["what"])
        path = Path(options["target"])
        # A kind that reads documents (knowledge) also reads a folder of them.
        if not (path.is_file() or (path.is_dir() and not importer_class(kind).tabular)):
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            centre = centre_by_code(options["centre"])
        except NotFound as error:
            raise CommandError(str(error.message)) from error
        actor = None
        if options["actor"]:
            from kefu.core.models import User

            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(_("No user called %(name)s.") % {"name": options["actor"]})

        def progress(phase: str, done: int, total: int | None) -> None:
            if done % 100_000 < importer_class(kind).batch_size:
                self.stderr.write(f"{phase} {done}" + (f"/{total}" if total else ""))

        handed: list[dict[str, str]] = []
        report = import_file(
            kind,
            path,
            centre=centre,
            actor=actor,
            dry_run=options["dry_run"],
            progress=progress,
            handout=handed.extend,
        )
        for line in report_lines(report):
            self.stdout.write(line)
        if handed:
            self._hand_out(kind, handed, options["output"] or _beside(path))
        if not report.ok:
            raise SystemExit(1)

    def _hand_out(self, kind: str, rows: list[dict[str, str]], target: Path) -> None:
        """Written to a file only the operator can read, never to the terminal or a log."""
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as stream:
            handout_write(kind, rows, stream)
        self.stdout.write(
            _(
                "The first passwords of %(count)d new users are in %(path)s, the only copy: "
                "give them out, then delete the file."
            )
            % {"count": len(rows), "path": target}
        )


def _beside(path: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}-{_('first passwords')}-{stamp}.csv")
