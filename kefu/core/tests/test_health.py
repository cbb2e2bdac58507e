"""`/healthz`: the database, the worker's heartbeat and the oldest waiting task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ

from kefu.core.health import worker_heartbeat_record


def healthz(strict: bool = False) -> tuple[int, dict[str, Any]]:
    response = Client().get("/healthz", {"strict": "1"} if strict else {})
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


@pytest.mark.django_db
def test_a_live_worker_and_an_empty_queue_are_healthy() -> None:
    worker_heartbeat_record(host="worker-1", pid=4321, started_at=timezone.now())
    status, report = healthz(strict=True)
    assert status == 200 and report["status"] == "ok"
    assert report["database"] == {"ok": True}
    assert report["worker"]["ok"] and report["worker"]["heartbeat_age_seconds"] < 5
    assert report["queue"] == {"waiting": 0, "oldest_waiting_seconds": None, "ok": True}


@pytest.mark.django_db
def test_a_silent_worker_degrades_but_keeps_the_web_in_the_load_balancer(settings: Any) -> None:
    assert healthz() == (
        200,
        {
            "status": "degraded",
            "database": {"ok": True},
            "worker": {"ok": False, "last_heartbeat": None, "heartbeat_age_seconds": None},
            "queue": {"waiting": 0, "oldest_waiting_seconds": None, "ok": True},
        },
    )
    long_ago = timezone.now() - timedelta(seconds=settings.KEFU_HEALTH_WORKER_STALE_SECONDS + 5)
    worker_heartbeat_record(host="worker-1", pid=4321, started_at=long_ago, now=long_ago)
    status, report = healthz()
    assert (status, report["status"], report["worker"]["ok"]) == (200, "degraded", False)
    assert report["worker"]["heartbeat_age_seconds"] > settings.KEFU_HEALTH_WORKER_STALE_SECONDS
    # Monitors that read only the status code ask for the strict answer.
    assert healthz(strict=True)[0] == 503


@pytest.mark.django_db
def test_a_task_waiting_too_long_degrades(settings: Any) -> None:
    worker_heartbeat_record(host="worker-1", pid=4321, started_at=timezone.now())
    queued = timezone.now() - timedelta(seconds=settings.KEFU_HEALTH_QUEUE_STALE_SECONDS + 30)
    OrmQ.objects.create(key=settings.Q_CLUSTER["name"], payload="task", lock=queued)
    OrmQ.objects.create(key=settings.Q_CLUSTER["name"], payload="task", lock=timezone.now())
    # A task a worker has taken is locked into the future: it is not waiting.
    OrmQ.objects.create(
        key=settings.Q_CLUSTER["name"], payload="task", lock=timezone.now() + timedelta(minutes=3)
    )
    status, report = healthz()
    assert (status, report["status"]) == (200, "degraded")
    assert report["queue"]["waiting"] == 2 and not report["queue"]["ok"]
    assert report["queue"]["oldest_waiting_seconds"] >= settings.KEFU_HEALTH_QUEUE_STALE_SECONDS
    assert healthz(strict=True)[0] == 503


@pytest.fixture
def database_away(django_db_blocker: Any) -> Iterator[None]:
    """The database server gone: the connection points where nothing answers."""
    with django_db_blocker.unblock():
        connection.close()
        saved = dict(connection.settings_dict)
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/kefu/db.sqlite3"
        else:
            connection.settings_dict["PORT"] = "1"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.mark.usefixtures("database_away")
def test_no_database_takes_the_server_out_with_503() -> None:
    assert healthz() == (503, {"status": "unavailable", "database": {"ok": False}})
