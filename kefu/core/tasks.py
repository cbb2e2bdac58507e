"""Background tasks of the platform, run by the django-q2 worker."""

from __future__ import annotations

from kefu.core.idempotency import idempotency_keys_purge

PURGE_IDEMPOTENCY_KEYS = "kefu.core.tasks.purge_idempotency_keys"


def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()


def data_import_run(run_id: int) -> str:
    """An import started from the import page (kefu/core/imports/runs.py)."""
    from kefu.core.imports.runs import data_import_run as run

    return run(run_id)


def schedule_ensure(*, using: str, func: str, name: str, minutes: int | None = None) -> None:
    """Make sure the worker runs `func` for ever: hourly, or every `minutes`. Called after
    every migrate (a post_migrate receiver of the app that owns the task), so a new
    database or a new release has its schedules without a step of its own."""
    from django_q.models import Schedule

    Schedule.objects.using(using).get_or_create(
        func=func,
        defaults={
            "name": name,
            "schedule_type": Schedule.MINUTES if minutes else Schedule.HOURLY,
            "minutes": minutes,
            "repeats": -1,
        },
    )
