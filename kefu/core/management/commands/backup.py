from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.backup import BackupError, archive_create


class Command(BaseCommand):
    help = (
        "Write one archive of the database (a consistent snapshot, taken while kefu runs), "
        "the uploaded files, the secret key and the data keys, with a manifest of checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="file to write, e.g. /backups/kefu-2026-11-23.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["archive"])
        try:
            manifest = archive_create(target=target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = manifest["files"]
        uploads = sum(1 for name in files if name.startswith("media/"))
        keys = [name.removeprefix("keys/") for name in files if name.startswith("keys/")]
        self.stdout.write(f"{target.resolve()}")
        self.stdout.write(
            f"  database: {manifest['engine']}, {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, {len(manifest['migrations'])} migrations"
        )
        self.stdout.write(f"  uploaded files: {uploads}")
        self.stdout.write(f"  keys: {', '.join(keys) or 'none (KEFU_SECRET_KEY is set)'}")
