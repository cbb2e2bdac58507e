"""`kefu serve`'s supervisor: the web server and the background worker, each on its own.

The web server (gunicorn, which restarts its own worker processes) is what users need:
it keeps serving whatever happens to the background worker. When the worker exits, its
leftover processes are killed, the exit is logged, and it is started again after a
back-off that doubles from one second to a minute and starts over once a worker has run
for a minute. When the web server exits, the worker is stopped and `kefu serve` exits
with an error, for systemd (or the operator) to start it again.

No Django here: this process only starts, watches and stops the others.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

log = logging.getLogger("kefu.serve")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# A worker that ran this long was healthy: its next crash starts the back-off over.
STABLE_AFTER = 60.0
STOP_TIMEOUT = 20.0


def die_with_supervisor() -> None:
    """`preexec_fn` of every child: on Linux the kernel sends it SIGTERM when `kefu serve`
    dies, even by SIGKILL, so a restarted `kefu serve` finds its port and queue free."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def describe(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit status {returncode}"


class Worker:
    """The background worker, restarted with back-off whenever it exits."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.argv = list(argv)
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.delay = BACKOFF_FIRST
        self.restart_at: float | None = None
        self.restarts = 0

    def start(self) -> None:
        # A session of its own: its cluster's processes share one process group, so the
        # ones a crash leaves behind can be found and ended.
        self.process = subprocess.Popen(  # noqa: S603
            self.argv, env=self.env, start_new_session=True, preexec_fn=die_with_supervisor
        )
        self.started = time.monotonic()
        self.restart_at = None
        log.info("worker started (pid %d)", self.process.pid)

    def check(self) -> None:
        """Notice an exit and schedule the restart; restart when its time has come."""
        now = time.monotonic()
        if self.process is None:
            if self.restart_at is not None and now >= self.restart_at:
                self.restarts += 1
                log.warning("restarting the worker (restart %d)", self.restarts)
                self.start()
            return
        returncode = self.process.poll()
        if returncode is None:
            return
        self._kill_group(self.process.pid)
        ran = now - self.started
        if ran >= STABLE_AFTER:
            self.delay = BACKOFF_FIRST
        log.error(
            "worker (pid %d) stopped: %s after %.0f s; restarting it in %.0f s",
            self.process.pid,
            describe(returncode),
            ran,
            self.delay,
        )
        self.process = None
        self.restart_at = now + self.delay
        self.delay = min(self.delay * 2, BACKOFF_MAX)

    def stop(self) -> None:
        """Ask the worker to finish its tasks and stop; end it if it will not."""
        self.restart_at = None
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                log.warning("worker (pid %d) did not stop in time; killing it", process.pid)
        self._kill_group(process.pid)
        process.wait()

    @staticmethod
    def _kill_group(pgid: int) -> None:
        # A cluster whose first process died leaves its other processes running; tasks
        # they had taken are given out again by the broker once their retry time passes.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)


def supervise(web: subprocess.Popen[bytes], worker: Worker | None) -> int:
    """Run until told to stop (SIGTERM, SIGINT) or until the web server exits."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if worker is not None:
        worker.start()
    try:
        while not stopping and web.poll() is None:
            if worker is not None:
                worker.check()
            time.sleep(0.2)
    finally:
        if web.poll() is None:
            web.terminate()
        if worker is not None:
            worker.stop()
        try:
            web.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait()
    if stopping:
        return 0
    log.error("the web server stopped: %s", describe(web.returncode))
    return web.returncode or 1
