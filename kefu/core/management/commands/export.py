from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound
from kefu.core.imports import export_write
from kefu.core.management.imports import kind_named
from kefu.core.queries import centre_by_code


class Command(BaseCommand):
    # Django's system checks load every URL and API module (~65 MB and a second or two)
    # and say nothing about a file; `kefu check` and `kefu serve` run them.
    requires_system_checks: list[str] = []
    help = "Export a centre's data in its import's shape: kefu export KIND -o FILE (.xlsx/.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="org, users, customers, …")
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--centre", help="centre code (needed when there are several)")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = kind_named(options["kind"])
        try:
            centre = centre_by_code(options["centre"])
        except NotFound as error:
            raise CommandError(str(error.message)) from error
        count = export_write(kind, options["output"], centre=centre, actor=None)
        self.stdout.write(
            _("%(count)d rows written to %(path)s") % {"count": count, "path": options["output"]}
        )
