"""The supervisor of `kefu serve`: a worker that keeps dying is restarted, ever more slowly."""

from __future__ import annotations

import logging
import os
import sys
import time

import pytest

from kefu.serving import BACKOFF_MAX, STABLE_AFTER, Worker


def test_a_worker_that_keeps_dying_is_restarted_with_a_growing_back_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kefu.serve")
    worker = Worker([sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))
    worker.start()
    delays: list[int] = []
    for _ in range(8):
        assert worker.process is not None
        worker.process.wait()
        worker.check()  # notices the exit and schedules the restart
        assert worker.process is None and worker.restart_at is not None
        delays.append(round(worker.restart_at - time.monotonic()))
        worker.restart_at = time.monotonic()  # the test does not sit out the back-off
        worker.check()  # restarts
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60] and BACKOFF_MAX == 60
    assert worker.restarts == 8
    assert "stopped: exit status 3" in caplog.text
    assert "restarting the worker (restart 8)" in caplog.text
    # A worker that ran a while was healthy: its next crash is retried after a second.
    assert worker.process is not None
    worker.process.wait()
    worker.started -= STABLE_AFTER
    worker.check()
    assert worker.restart_at is not None and round(worker.restart_at - time.monotonic()) == 1
    worker.stop()
    assert worker.process is None and worker.restart_at is None
