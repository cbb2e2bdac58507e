"""Whether kefu runs on a data directory.

Every process that loads kefu (the web workers, the background worker and its children,
every `kefu` command) holds a shared lock on `DATA_DIR/kefu.lock` for its whole life; the
kernel lets it go when the process ends, however it ends. `kefu restore` needs the lock
alone, so it refuses while any of them runs, and a kefu process started during a restore
stops at once instead of reading half-restored data.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "kefu.lock"

_held: int | None = None


class Busy(Exception):
    """Another process holds the data directory."""


def _open(data_dir: Path) -> int:
    return os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)


def hold(data_dir: Path) -> None:
    """Mark this process (and the processes it forks) as running on `data_dir`."""
    global _held
    if _held is not None:
        return
    fd = _open(data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise Busy(
            f"a restore is in progress on {data_dir}; start kefu when it has finished"
        ) from None
    _held = fd


@contextmanager
def alone(data_dir: Path) -> Iterator[None]:
    """Run the block as the only kefu process on `data_dir`, or raise Busy."""
    global _held
    if _held is not None:  # this process's own mark would stand in its way
        os.close(_held)
        _held = None
    fd = _open(data_dir)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(
                f"kefu is running on {data_dir} (a process holds {data_dir / LOCK_NAME}): "
                "stop kefu serve, kefu worker and every other kefu command first"
            ) from None
        yield
    finally:
        os.close(fd)
