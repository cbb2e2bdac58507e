"""Is kefu well? The database, the background worker's heartbeat and the task queue, for
`/healthz`, load balancers and monitoring (docs/operations.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone

from kefu.core.models import WorkerHeartbeat


def worker_heartbeat_record(
    *, host: str, pid: int, started_at: datetime, now: datetime | None = None
) -> None:
    """The worker process `pid` on `host` is alive and its cluster runs."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        host=host[:255], pid=pid, defaults={"started_at": started_at, "beat_at": now}
    )
    # The rows of processes that ended are history after a day.
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()


def health_report(now: datetime | None = None) -> dict[str, Any]:
    """What `/healthz` answers. `status` is `unavailable` when the database does not answer
    (this web server cannot serve), `degraded` when the worker has not beaten for
    `KEFU_HEALTH_WORKER_STALE_SECONDS` or a task has waited longer than
    `KEFU_HEALTH_QUEUE_STALE_SECONDS` (the web serves, time limits and mail wait), else `ok`."""
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
        queue = _queue(now)
    except Exception:  # any failure to read the database means this server cannot serve
        return {"status": "unavailable", "database": {"ok": False}}
    worker_age = (now - beat).total_seconds() if beat else None
    worker_ok = worker_age is not None and worker_age <= settings.KEFU_HEALTH_WORKER_STALE_SECONDS
    oldest = queue["oldest_waiting_seconds"]
    queue["ok"] = oldest is None or oldest <= settings.KEFU_HEALTH_QUEUE_STALE_SECONDS
    return {
        "status": "ok" if worker_ok and queue["ok"] else "degraded",
        "database": {"ok": True},
        "worker": {
            "ok": worker_ok,
            "last_heartbeat": timezone.localtime(beat).isoformat() if beat else None,
            "heartbeat_age_seconds": round(worker_age, 1) if worker_age is not None else None,
        },
        "queue": queue,
    }


def _queue(now: datetime) -> dict[str, Any]:
    """Tasks waiting for the worker. With the database broker a task waits from the moment
    it is queued (or its retry falls due); Redis does not say how long a task has waited."""
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.conf import Conf
    from django_q.models import OrmQ

    broker = get_broker()
    if not isinstance(broker, ORM):
        return {"waiting": broker.queue_size(), "oldest_waiting_seconds": None}
    waiting = (
        OrmQ.objects.using(Conf.ORM)
        .filter(key=broker.list_key, lock__lte=now)
        .aggregate(count=Count("id"), oldest=Min("lock"))
    )
    oldest = waiting["oldest"]
    return {
        "waiting": waiting["count"],
        "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else None,
    }
