"""`kefu outbox run`: a dispatcher that sends the outbox's due messages for ever, polling
every `--poll` seconds when nothing is due; any number may run at once, on any machines
(kefu.satisfaction.services.dispatch says why each message still goes once). SIGTERM or
Ctrl-C stops it after the batch in hand. `--once` sends what is due and exits.

`kefu outbox remind` writes the reminders that fall due today and tomorrow now (the worker
does it every ten minutes)."""

from __future__ import annotations

import datetime as dt
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from kefu.satisfaction import delivery
from kefu.satisfaction.services.dispatch import BATCH, Outcome, dispatch_batch, worker_name


class Command(BaseCommand):
    help = "Send the outbox's due messages (run), or write the due reminders (remind)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "remind"])
        parser.add_argument("--batch", type=int, default=BATCH, help="messages per claim")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--lease",
            type=float,
            default=delivery.LEASE.total_seconds(),
            help="seconds a claim holds its messages",
        )
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            from kefu.satisfaction.services.reminders import reminders_schedule_all

            self.stdout.write(f"{reminders_schedule_all()} reminders written")
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker = worker_name()
        lease = dt.timedelta(seconds=max(1.0, options["lease"]))
        total = Outcome()
        while not stopping:
            outcome = dispatch_batch(worker=worker, limit=max(1, options["batch"]), lease=lease)
            total.add(outcome)
            if outcome.claimed + outcome.refused + outcome.deferred == 0:
                if options["once"]:
                    break
                connection.close()  # a poller holds no connection while it waits
                time.sleep(max(0.05, options["poll"]))
        self.stdout.write(
            f"{total.sent} sent, {total.settled} settled, {total.retried} to retry, "
            f"{total.failed} failed, {total.refused} refused"
        )
