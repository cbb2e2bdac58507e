"""`kefu serve` for real: the background worker is killed, the web keeps answering and the
worker comes back."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone


def database_url() -> str:
    """The test database, for the processes `kefu serve` starts."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has finished


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies have finished)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(transactional_db: None, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
        "KEFU_DATA_DIR": str(tmp_path),
        "KEFU_DATABASE_URL": database_url(),
        "KEFU_SECRET_KEY": "test-serve-secret-key-not-for-production-0123456789",
        "KEFU_WORKERS": "1",
        "KEFU_WORKER_HEARTBEAT_SECONDS": "1",
        "KEFU_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", "serve", f"--port={port}", "--workers=1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", serve
    finally:
        with_children = [serve.pid, *children(serve.pid)]
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        for pid in with_children:
            if group_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        log.close()


def healthz(base: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def heartbeat(report: dict[str, Any]) -> datetime | None:
    beat = report.get("worker", {}).get("last_heartbeat")
    return datetime.fromisoformat(beat) if beat else None


def test_the_web_keeps_serving_while_a_killed_worker_comes_back(
    served: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    base, serve = served

    def up() -> bool:
        try:
            status, report = healthz(base)
        except OSError:
            return False
        return status == 200 and report["status"] == "ok"

    wait_for(up, 120, "kefu serve to answer with a live worker")
    # `kefu.cli worker` (`qcluster` before the worker had a command of its own).
    workers = [
        pid for pid, cmd in children(serve.pid).items() if " worker" in cmd or "qcluster" in cmd
    ]
    assert len(workers) == 1, children(serve.pid)
    (worker,) = workers
    os.kill(worker, signal.SIGKILL)
    killed_at = timezone.now()

    answers: list[int] = []

    def back() -> bool:
        status, report = healthz(base)  # a refused connection fails the test here
        answers.append(status)
        beat = heartbeat(report)
        return beat is not None and beat > killed_at

    wait_for(back, 60, "the worker to beat again")
    assert set(answers) == {200} and len(answers) >= 3, answers
    # The new worker is another process, and nothing of the killed one is left running.
    now_workers = [pid for pid, cmd in children(serve.pid).items() if " worker" in cmd]
    assert now_workers and worker not in now_workers
    assert not group_alive(worker)
    assert serve.poll() is None
    log = (tmp_path / "serve.log").read_text()
    assert f"worker (pid {worker}) stopped: killed by SIGKILL" in log
    assert "restarting the worker (restart 1)" in log
    # Whatever kills kefu serve itself takes the web server and the worker with it.
    started = children(serve.pid)
    os.kill(serve.pid, signal.SIGKILL)
    serve.wait()
    wait_for(lambda: not any(running(pid) for pid in started), 60, "its children to stop")
