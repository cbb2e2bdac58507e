"""Back-up and restore exactly as docs/operations.md tells an operator to: `kefu backup`
while kefu serves and writes, a crash (SIGKILL), `kefu restore`, then kefu again."""

from __future__ import annotations

import fcntl
import io
import json
import os
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

from kefu.core.tests.live import Site
from kefu.core.tests.test_cli import run_kefu


def manifest_of(archive: Path) -> dict[str, object]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return dict(json.load(member))


def test_backup_under_write_load_then_sigkill_then_restore(
    live_site: Callable[[str], Site],
) -> None:
    site = live_site("backup")
    site.start()
    load = site.load()
    time.sleep(2)  # writes are under way
    acknowledged_before = load.acknowledged()
    archive = site.data_dir.parent / "backups" / "kefu-2026-12-05.tar.gz"

    backup = site.kefu("backup", str(archive))
    assert "uploaded files: 1" in backup.stdout

    # kefu serves: restoring now would pull the data from under it.
    refused = site.kefu("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "kefu is running" in refused.stderr

    time.sleep(1)
    site.kill()
    site.finish(load)
    assert load.refused == []
    assert len(load.contacts) > len(acknowledged_before[0]) > 0
    if not site.database:
        # What corrupted restores by copying: the crash leaves the old -wal behind.
        assert Path(f"{site.sqlite_file}-wal").stat().st_size > 0
    secret = (site.data_dir / "secret_key").read_text()

    restored = site.kefu("restore", str(archive))
    assert "restored" in restored.stdout
    assert "migrations: up to date" in restored.stdout

    manifest = manifest_of(archive)
    assert site.integrity() == ["ok"]
    assert site.table_counts() == manifest["tables"]
    contacts = {row[0] for row in site.query("SELECT id FROM contacts_contact")}
    tickets = {row[0] for row in site.query("SELECT number FROM tickets_ticket")}
    assert acknowledged_before[0] <= contacts
    assert acknowledged_before[1] <= tickets
    upload = site.data_dir / "media" / "knowledge" / "manual.txt"
    assert upload.read_text() == "停电抢修流程"
    assert (site.data_dir / "secret_key").read_text() == secret
    # The archive and everything restored are the owner's alone.
    for path in [archive, upload, site.data_dir / "secret_key", site.data_dir / "media"]:
        assert path.stat().st_mode & 0o077 == 0, path

    # And kefu serves the restored data.
    site.start()
    status, _body = site.request(
        "POST",
        "/api/v1/contacts",
        {"channel": "hotline", "started_at": "2026-12-05T10:00:00+08:00"},
        token=site.token(),
    )
    assert status == 201


def test_restore_refuses_a_damaged_archive_and_changes_nothing(
    live_site: Callable[[str], Site], tmp_path: Path
) -> None:
    site = live_site("damaged")
    archive = tmp_path / "kefu.tar.gz"
    site.kefu("backup", str(archive))
    with tarfile.open(archive) as tar:
        members = [(member, tar.extractfile(member)) for member in tar.getmembers()]
        contents = {member.name: handle.read() if handle else b"" for member, handle in members}
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for member, _handle in members:
            body = contents[member.name]
            if member.name == "media/knowledge/manual.txt":
                body = "停电抢修流程（改）".encode()
                member.size = len(body)
            tar.addfile(member, io.BytesIO(body))
    before = site.table_counts()
    result = site.kefu("restore", str(damaged), check=False)
    assert result.returncode != 0
    assert "media/knowledge/manual.txt differs from its checksum" in result.stderr
    assert site.table_counts() == before
    assert not list(site.data_dir.glob("replaced-*"))


def test_kefu_does_not_start_on_a_data_directory_being_restored(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    fd = os.open(data_dir / "kefu.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as `kefu restore` holds it
        result = run_kefu(["check"], {"KEFU_DATA_DIR": str(data_dir), "KEFU_DATABASE_URL": ""})
    finally:
        os.close(fd)
    assert result.returncode != 0
    assert "a restore is in progress" in result.stderr
    assert not (data_dir / "kefu.sqlite3").exists()
