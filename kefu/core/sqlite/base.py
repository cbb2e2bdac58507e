"""SQLite with writing transactions queued, not polled.

SQLite admits a single writer. Writers that find it taken sleep in SQLite's busy handler
(1, 2, 5, 10 … ms) and retry, so under concurrent writes the lock sits free while they
sleep and tail latency grows with every process. Here a writing transaction first takes
a thread lock (threads of one process) and an flock on a file beside the database
(processes): waiters block in the kernel and wake the moment the lock is free.

The database file is created readable by its owner alone, and SQLite gives its -wal and
-shm files the database file's mode; files left wider by an older kefu are narrowed when
a process first connects.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from typing import Any

from django.db.backends.sqlite3 import base

_thread_lock = threading.Lock()
_lock_files: dict[str, int] = {}


def _lock_file(database: str) -> int | None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return None  # an in-memory database has no other processes to exclude
    if database not in _lock_files:
        _lock_files[database] = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[database]


def _make_private(database: str) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError):  # SQLite takes an empty file for a new database
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, f"{database}-wal", f"{database}-shm", f"{database}-journal"):
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _holds_writer = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        _make_private(str(self.settings_dict["NAME"]))
        return super().get_new_connection(conn_params)

    def _start_transaction_under_autocommit(self) -> None:
        _thread_lock.acquire()
        self._holds_writer = True
        try:
            self._writer_fd = _lock_file(str(self.settings_dict["NAME"]))
            if self._writer_fd is not None:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if not self._holds_writer:
            return
        self._holds_writer = False
        try:
            if self._writer_fd is not None:
                fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
        finally:
            self._writer_fd = None
            _thread_lock.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_writer()
