from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Write a consistent copy of the SQLite database while kefu keeps running."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="file to write, e.g. backups/kefu-2026-11-23.sqlite3")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("On PostgreSQL use pg_dump (see docs/operations.md).")
        target = Path(options["target"]).resolve()
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file")
        target.parent.mkdir(parents=True, exist_ok=True)
        with connection.cursor() as cursor:
            # VACUUM INTO reads one snapshot, so writers carry on while it copies.
            cursor.execute("VACUUM INTO %s", [str(target)])
        self.stdout.write(str(target))
