from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.backup import BackupError, archive_restore


class Command(BaseCommand):
    help = (
        "Put back an archive written by `kefu backup`, with kefu stopped: verify its "
        "checksums, set the current data aside, restore, then check integrity, row counts "
        "and migrations."
    )
    # The checks would open the database that is about to be replaced.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="an archive written by `kefu backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = archive_restore(archive=Path(options["archive"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = restored.manifest
        tables = manifest["tables"]
        self.stdout.write(f"restored {restored.archive} (taken {manifest['created_at']})")
        self.stdout.write(
            f"  database: {manifest['engine']}, {len(tables)} tables, {sum(tables.values())} "
            f"rows, each table's count as in the archive; integrity: {restored.integrity}"
        )
        self.stdout.write(f"  uploaded files: {restored.files}")
        self.stdout.write(f"  keys: {', '.join(restored.keys) or 'none in the archive'}")
        if restored.replaced:
            self.stdout.write(f"  the data it replaced is kept in {restored.replaced}")
        if restored.unapplied:
            self.stdout.write(
                f"  {len(restored.unapplied)} migrations are not applied yet: run `kefu migrate`"
            )
        else:
            self.stdout.write("  migrations: up to date")
