"""Data at rest is its owner's alone: the data directory, the SQLite database with its
-wal and -shm, uploaded files and their folders."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from kefu.core.tests.test_cli import run_kefu


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


WRITE_AND_STAT = """
import os
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (id integer primary key)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    name = connection.settings_dict["NAME"]
    # -wal and -shm exist while a connection is open.
    print(" ".join(oct(os.stat(name + suffix).st_mode & 0o777) for suffix in ("", "-wal", "-shm")))
"""


def test_a_new_database_and_its_wal_and_shm_are_the_owners_alone(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = run_kefu(
        ["shell", "--no-imports", "-c", WRITE_AND_STAT],
        {"KEFU_DATA_DIR": str(data_dir), "KEFU_DATABASE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o600", "0o600", "0o600"]
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "secret_key") == 0o600


def test_a_database_left_readable_by_others_is_narrowed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "kefu.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)  # as an older kefu created it
    result = run_kefu(
        ["shell", "--no-imports", "-c", WRITE_AND_STAT],
        {"KEFU_DATA_DIR": str(data_dir), "KEFU_DATABASE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o600", "0o600", "0o600"]


def test_uploaded_files_and_their_folders_are_the_owners_alone(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("knowledge/2026/12/manual.txt", ContentFile(b"manual"))
    path = Path(default_storage.path(name))
    assert mode(path) == 0o600
    for folder in (path.parent, path.parent.parent, tmp_path / "media" / "knowledge"):
        assert mode(folder) == 0o700, folder
    assert mode(tmp_path / "media") == 0o700


def test_key_files_left_readable_by_others_are_narrowed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("secret_key", "data_keys"):
        (data_dir / name).write_text("k" * 60)
        (data_dir / name).chmod(0o644)  # copied in by hand
    # Settings narrow them first thing; what the command then makes of the made-up keys
    # is not the point here.
    run_kefu(["check"], {"KEFU_DATA_DIR": str(data_dir), "KEFU_SECRET_KEY": ""})
    assert mode(data_dir / "secret_key") == 0o600
    assert mode(data_dir / "data_keys") == 0o600
