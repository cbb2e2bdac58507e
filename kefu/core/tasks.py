"""Background tasks of the platform, run by the django-q2 worker."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.core.idempotency import idempotency_keys_purge

PURGE_IDEMPOTENCY_KEYS = "kefu.core.tasks.purge_idempotency_keys"


def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()


def data_import_run(run_id: int) -> str:
    """An import started from the import page (kefu/core/imports/runs.py)."""
    from kefu.core.imports.runs import data_import_run as run

    return run(run_id)


def schedule_ensure(
    *,
    using: str,
    func: str,
    name: str,
    minutes: int | None = None,
    daily_at: dt.time | None = None,
) -> None:
    """Make sure the worker runs `func` for ever: hourly, every `minutes`, or each day at
    `daily_at` (local time: the next one to come). Called after every migrate (a
    post_migrate receiver of the app that owns the task), so a new database or a new
    release has its schedules without a step of its own."""
    from django_q.models import Schedule

    defaults: dict[str, object] = {"name": name, "repeats": -1}
    if daily_at is not None:
        now = timezone.localtime()
        first = now.replace(hour=daily_at.hour, minute=daily_at.minute, second=0, microsecond=0)
        defaults.update(
            schedule_type=Schedule.DAILY,
            next_run=first if first > now else first + dt.timedelta(days=1),
        )
    else:
        defaults.update(
            schedule_type=Schedule.MINUTES if minutes else Schedule.HOURLY, minutes=minutes
        )
    Schedule.objects.using(using).get_or_create(func=func, defaults=defaults)
