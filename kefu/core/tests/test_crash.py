"""A crash under write load: kefu's processes killed with SIGKILL while clients create
contacts and work orders and a sweep runs, then started again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kefu.core.tests.live import KEFU, OVERALL_LIMIT_SECONDS, ROOT, Site


def test_sigkill_under_write_load_loses_nothing_acknowledged_and_sweeps_resume(
    live_site: Callable[[str], Site],
) -> None:
    site = live_site("crash")
    site.start()
    load = site.load()
    # The sweep runs again and again meanwhile, as the worker would, so the kill finds
    # one half-way through recording warnings and overdue points.
    sweeper = subprocess.Popen(  # noqa: S603
        ["/bin/sh", "-c", f"while :; do {' '.join(KEFU)} sweep; done"],
        env=site.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Six seconds of load, and on until the clients have ten of each acknowledged: on a
    # loaded machine six seconds once saw none.
    time.sleep(6)
    deadline = time.monotonic() + 120
    while min(len(load.contacts), len(load.tickets)) < 10 and time.monotonic() < deadline:
        time.sleep(0.5)
    site.kill()
    os.killpg(sweeper.pid, signal.SIGKILL)
    sweeper.wait()
    killed_at = time.monotonic()
    site.finish(load)
    assert load.refused == []
    contacts, tickets = load.acknowledged()
    assert len(contacts) >= 10
    assert len(tickets) >= 10
    if not site.database:
        # What the crash leaves behind is as private as the database itself.
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{site.sqlite_file}{suffix}")
            assert path.exists(), path
            assert path.stat().st_mode & 0o077 == 0, path

    site.start()
    assert site.integrity() == ["ok"]
    stored_contacts = {row[0] for row in site.query("SELECT id FROM contacts_contact")}
    stored_tickets = {row[0] for row in site.query("SELECT number FROM tickets_ticket")}
    assert contacts <= stored_contacts
    assert tickets <= stored_tickets
    status, _body = site.request(
        "POST",
        "/api/v1/contacts",
        {"channel": "hotline", "started_at": "2026-12-05T10:00:00+08:00"},
        token=site.token(),
    )
    assert status == 201

    # Every order is past its limits now; the sweep records what the killed one did not,
    # and nothing twice.
    time.sleep(max(0.0, killed_at + OVERALL_LIMIT_SECONDS + 1 - time.monotonic()))
    site.kefu("sweep")
    again = site.kefu("sweep")
    assert again.stdout.strip() == "0 warnings, 0 overdue recorded"
    marks: Counter[tuple[int, str, str]] = Counter()
    for ticket, action, data in site.query(
        "SELECT ticket_id, action, data FROM tickets_ticketevent "
        "WHERE action IN ('warning', 'overdue')"
    ):
        stage = (json.loads(data) if isinstance(data, str) else data)["stage"]
        marks[(ticket, action, stage)] += 1
    assert marks, "the sweeps recorded nothing"
    assert max(marks.values()) == 1, [mark for mark, count in marks.items() if count > 1]
    ticket_ids = {row[0] for row in site.query("SELECT id FROM tickets_ticket")}
    for stage in ("review", "overall"):
        assert {ticket for ticket, action, at in marks if (action, at) == ("overdue", stage)} == (
            ticket_ids
        )
