"""`kefu worker`: the background worker (a django-q2 cluster) with a heartbeat.

While the cluster runs, this process writes a heartbeat every
`KEFU_WORKER_HEARTBEAT_SECONDS`; `/healthz` reports the newest. If the cluster stops
without being asked to, the command exits non-zero so that its supervisor (`kefu serve`,
systemd) starts it again.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone

from kefu.core.health import worker_heartbeat_record

log = logging.getLogger("kefu.worker")


class Command(BaseCommand):
    help = "Run the background worker (django-q2) and report its heartbeat."

    def handle(self, *args: Any, **options: Any) -> None:
        from django_q.cluster import Cluster

        # The cluster forks its processes: none may inherit this process's connection.
        connections.close_all()
        cluster = Cluster()
        cluster.start()
        started_at = timezone.now()
        host, pid = socket.gethostname(), os.getpid()
        interval = settings.KEFU_WORKER_HEARTBEAT_SECONDS
        next_beat = 0.0
        while cluster.sentinel is not None and cluster.sentinel.is_alive():
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + interval
                try:
                    worker_heartbeat_record(host=host, pid=pid, started_at=started_at)
                except DatabaseError as error:  # the database is away: keep working, say so
                    log.warning("worker heartbeat not written: %s", error)
                    connections.close_all()
            time.sleep(0.2)
        if cluster.stop_event is not None:  # not stopped by a signal: the cluster died
            raise CommandError("the task cluster stopped unexpectedly")
