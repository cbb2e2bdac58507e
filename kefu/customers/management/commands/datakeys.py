from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.crypto import DataKeys, data_keys, keys_file_write, new_key
from kefu.customers.privacy import id_numbers_not_current, id_numbers_reencrypt


class Command(BaseCommand):
    help = (
        "The keys that encrypt ID numbers: rotate (a new key, then re-encrypt), reencrypt "
        "(finish or repeat a rotation), retire (drop old keys once nothing needs them), "
        "status, new (print a key for KEFU_DATA_KEYS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "reencrypt", "retire", "status", "new"])
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        batch = options["batch"]
        if not 1 <= batch <= 100_000:
            raise CommandError("--batch must be between 1 and 100000")
        if action == "new":
            self.stdout.write(f"key:{new_key()}")
            return
        if action == "status":
            keys = data_keys()
            self.stdout.write(
                f"{len(keys.keys)} key(s); {id_numbers_not_current()} ID number(s) under an "
                "older key"
            )
            return
        if action in {"rotate", "retire"} and settings.KEFU_DATA_KEYS:
            raise CommandError(
                "KEFU_DATA_KEYS is set, so kefu cannot change the keys itself: "
                + (
                    "put a new key: entry (kefu datakeys new) first in it on every machine, "
                    "restart kefu, then run kefu datakeys reencrypt"
                    if action == "rotate"
                    else "once kefu datakeys status reports 0, remove the older key: entries "
                    "from it on every machine"
                )
            )
        path = settings.KEFU_DATA_KEYS_FILE
        if action == "rotate":
            keys = data_keys()
            keys_file_write(path, DataKeys(index_key=keys.index_key, keys=(new_key(), *keys.keys)))
            self.stdout.write(f"{path}: a new key encrypts from now on")
        if action in {"rotate", "reencrypt"}:
            count = id_numbers_reencrypt(batch=batch)
            self.stdout.write(f"{count} ID number(s) re-encrypted under the current key")
            return
        left = id_numbers_not_current()
        if left:
            raise CommandError(
                f"{left} ID number(s) still need an older key: run kefu datakeys reencrypt first"
            )
        keys = data_keys()
        keys_file_write(path, DataKeys(index_key=keys.index_key, keys=keys.keys[:1]))
        self.stdout.write(f"{path}: {len(keys.keys) - 1} older key(s) retired")
