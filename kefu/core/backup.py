"""One archive holds everything a centre needs back after losing its machine.

`archive_create` writes a gzip'd tar: the database (SQLite: `VACUUM INTO`, one read
snapshot; PostgreSQL: `pg_dump` of an exported snapshot), the uploaded files, the secret
key and the data keys, and last `manifest.json` with the size and SHA-256 of every member,
the row count of every table and the migrations applied, all of the same snapshot.

`archive_restore` puts it back on a stopped kefu: it verifies every checksum before it
touches anything, moves the data it replaces (the database with its -wal and -shm, the
uploads, the keys) aside into `DATA_DIR/replaced-<time>/`, puts the archive's in place,
and checks what it restored: integrity, row counts against the manifest, migrations.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from kefu.core import running

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database/kefu.sqlite3", "postgresql": "database/kefu.dump"}
# The secrets, and the centre's time zone `kefu init` recorded, by their name in the data
# directory and in the archive (under keys/).
KEY_FILES = ("secret_key", "data_keys", "time_zone")


class BackupError(Exception):
    """What went wrong, in words an operator can act on."""


@dataclass
class Restored:
    archive: Path
    manifest: dict[str, Any]
    replaced: Path | None = None
    files: int = 0
    keys: list[str] = field(default_factory=list)
    integrity: str = ""
    unapplied: list[str] = field(default_factory=list)


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class _Hashing(io.RawIOBase):
    """Reads a file through, keeping its SHA-256."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.handle.read(len(buffer))
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
    elif root.is_dir():
        for folder, _dirs, names in sorted(os.walk(root)):
            for name in sorted(names):
                yield Path(folder) / name


# -- the database's snapshot --------------------------------------------------------------


def _sqlite_snapshot(staging: Path) -> tuple[Path, dict[str, int], list[str]]:
    copy = staging / "kefu.sqlite3"
    with connection.cursor() as cursor:
        # VACUUM INTO reads one snapshot, so writers carry on while it copies.
        cursor.execute("VACUUM INTO %s", [str(copy)])
    with sqlite3.connect(copy) as db:
        problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the database fails its integrity check: {problems[:5]}")
        tables, migrations = _sqlite_contents(db)
    db.close()
    return copy, tables, migrations


def _sqlite_contents(db: sqlite3.Connection) -> tuple[dict[str, int], list[str]]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    tables = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608
    migrations = sorted(f"{app}.{name}" for app, name in db.execute(_MIGRATIONS))
    return tables, migrations


_MIGRATIONS = "SELECT app, name FROM django_migrations"


def _pg_environment() -> dict[str, str]:
    """libpq's variables for pg_dump, pg_restore and psql, from Django's settings."""
    database = connection.settings_dict
    _args, extra = connection.client.settings_to_cmd_args_env(database, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGDATABASE", "NAME"),
    ]:
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(  # noqa: S603  (the PostgreSQL client's own programs)
            command, env=_pg_environment(), capture_output=True, check=False, **options
        )
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client programs"
        ) from None
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{command[0]} failed: {message}")
    return result


def _pg_contents(cursor: Any) -> tuple[dict[str, int], list[str]]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608  (names from the catalogue)
        tables[name] = cursor.fetchone()[0]
    cursor.execute(_MIGRATIONS)
    return tables, sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def _pg_snapshot(staging: Path) -> tuple[Path, dict[str, int], list[str]]:
    dump = staging / "kefu.dump"
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports, and the counts come from
        # the same snapshot, so the manifest describes exactly what the dump holds.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
            ]
        )
        tables, migrations = _pg_contents(cursor)
    return dump, tables, migrations


# -- back up ------------------------------------------------------------------------------


def archive_create(*, target: Path) -> dict[str, Any]:
    """Write the archive to `target` (a new file, readable by its owner only)."""
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    _private_dir(target.parent)
    engine = connection.vendor
    if engine not in DATABASE_MEMBER:
        raise BackupError(f"cannot back up a {engine} database")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".kefu-backup-") as scratch:
        staging = Path(scratch)
        snapshot = _sqlite_snapshot if engine == "sqlite" else _pg_snapshot
        database, tables, migrations = snapshot(staging)
        members: list[tuple[str, Path]] = [(DATABASE_MEMBER[engine], database)]
        # Uploads after the snapshot: every file the snapshot names was there before it.
        media = Path(settings.MEDIA_ROOT)
        members += [(f"media/{path.relative_to(media)}", path) for path in _files_under(media)]
        data_dir = Path(settings.DATA_DIR)
        for name in KEY_FILES:
            members += [
                (f"keys/{path.relative_to(data_dir)}", path)
                for path in _files_under(data_dir / name)
            ]
        partial = staging / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        files: dict[str, dict[str, Any]] = {}
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive,
        ):
            for name, path in members:
                with path.open("rb") as handle:
                    info = archive.gettarinfo(fileobj=handle, arcname=name)
                    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                    hashing = _Hashing(handle)
                    archive.addfile(info, io.BufferedReader(hashing))
                files[name] = {"size": info.size, "sha256": hashing.sha256.hexdigest()}
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "engine": engine,
                "database": DATABASE_MEMBER[engine],
                "tables": tables,
                "migrations": migrations,
                "files": files,
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(body))
        try:
            os.link(partial, target)  # fails rather than replace a file that appeared meanwhile
        except FileExistsError:
            raise BackupError(f"{target} exists; choose a new file") from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise BackupError(f"{target} exists; choose a new file") from None
            os.replace(partial, target)
    return manifest


# -- restore ------------------------------------------------------------------------------


def _unpack(archive: Path, staging: Path) -> dict[str, Any]:
    """Unpack into `staging` and verify every member against the manifest."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(staging, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} cannot be read as a kefu archive: {error}") from None
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{archive} has no readable {MANIFEST}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is in format {manifest.get('format')}; kefu reads {FORMAT}")
    found = {path.relative_to(staging).as_posix() for path in _files_under(staging)} - {MANIFEST}
    if found != set(files):
        strange = sorted(found ^ set(files))[:5]
        raise BackupError(f"{archive} does not hold what its manifest lists: {strange}")
    for name, expected in sorted(files.items()):
        path = staging / name
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{archive} is damaged: {name} differs from its checksum")
    return manifest


def _unknown_migrations(applied: list[str]) -> list[str]:
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    return sorted(set(applied) - known)


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _other_sessions(wait: float = 10.0) -> list[str]:
    """Who else uses the database; the sessions of processes that just ended are given a
    few seconds to go, as the server notices only when it next reads from them."""
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(nullif(application_name, ''), host(client_addr), 'local') "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            others = [row[0] for row in cursor.fetchall()]
        if not others or time.monotonic() > deadline:
            return others
        time.sleep(0.5)


def _check_counts(manifest: dict[str, Any], tables: dict[str, int]) -> None:
    differ = {
        name: (count, tables.get(name))
        for name, count in manifest["tables"].items()
        if tables.get(name) != count
    }
    if differ:
        raise BackupError(f"restored row counts differ from the archive's: {differ}")


def _move_aside(path: Path, replaced: Path) -> None:
    if path.exists() or path.is_symlink():
        _private_dir(replaced)
        os.replace(path, replaced / path.name)


def _put_in_place(source: Path, target: Path) -> None:
    os.replace(source, target)
    for path in [target, *_files_under(target)]:
        path.chmod(0o700 if path.is_dir() else 0o600)


def archive_restore(*, archive: Path) -> Restored:
    """Put the archive back on this data directory, with kefu stopped."""
    archive = archive.resolve()
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    data_dir = Path(settings.DATA_DIR)
    engine = connection.vendor
    try:
        with running.alone(data_dir):
            if engine == "postgresql" and (others := _other_sessions()):
                names = ", ".join(sorted(set(others)))
                raise BackupError(
                    f"{len(others)} other sessions use the database ({names}): "
                    "stop kefu on every machine first"
                )
            with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as scratch:
                return _restore(archive, Path(scratch), data_dir, engine)
    except running.Busy as busy:
        raise BackupError(str(busy)) from None


def _restore(archive: Path, staging: Path, data_dir: Path, engine: str) -> Restored:
    manifest = _unpack(archive, staging)
    if manifest.get("database") != DATABASE_MEMBER.get(manifest.get("engine", "")):
        raise BackupError(f"{archive} names no database kefu can restore")
    if manifest["engine"] != engine:
        raise BackupError(
            f"the archive holds a {manifest['engine']} database; kefu here runs on {engine}"
        )
    if unknown := _unknown_migrations(manifest["migrations"]):
        raise BackupError(
            f"the archive comes from a newer kefu: this one does not know {', '.join(unknown[:5])}"
        )
    database = staging / manifest["database"]
    replaced = data_dir / f"replaced-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    result = Restored(archive=archive, manifest=manifest)
    if engine == "sqlite":
        with sqlite3.connect(database) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            tables, _migrations = _sqlite_contents(db)
        db.close()
        if problems != ["ok"]:
            raise BackupError(f"the archive's database fails its integrity check: {problems[:5]}")
        _check_counts(manifest, tables)
        connection.close()
        live = Path(connection.settings_dict["NAME"])
        # The old database goes aside with its -wal and -shm: a -wal left by a crash would
        # otherwise be replayed into the restored file and corrupt it.
        for suffix in ("", "-wal", "-shm", "-journal"):
            _move_aside(live.with_name(live.name + suffix), replaced)
        _put_in_place(database, live)
    else:
        _pg_restore(database)
    media = Path(settings.MEDIA_ROOT)
    _move_aside(media, replaced)
    if (staging / "media").exists():
        _put_in_place(staging / "media", media)
    else:
        _private_dir(media)
    result.files = sum(1 for name in manifest["files"] if name.startswith("media/"))
    for name in KEY_FILES:
        if (staging / "keys" / name).exists():
            _move_aside(data_dir / name, replaced)
            _put_in_place(staging / "keys" / name, data_dir / name)
            result.keys.append(name)
    result.replaced = replaced if replaced.exists() else None
    _check_restored(result)
    return result


def _pg_restore(dump: Path) -> None:
    """Replace the database's tables with the dump's, in one transaction: if any step
    fails, the database is as it was."""
    connection.close()
    script = _run(["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)]).stdout
    _run(
        [
            "psql",
            "--quiet",
            "--no-psqlrc",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
            "--file=-",
        ],
        input=script,
    )


def _check_restored(result: Restored) -> None:
    connection.close()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            problems = [row[0] for row in cursor.fetchall()]
            if problems != ["ok"]:
                raise BackupError(
                    f"the restored database fails its integrity check: {problems[:5]}"
                )
            result.integrity = "ok"
            tables, _migrations = _sqlite_contents(connection.connection)
        else:
            tables, _migrations = _pg_contents(cursor)
            result.integrity = "pg_restore completed"
    _check_counts(result.manifest, tables)
    result.unapplied = _unapplied_migrations()
