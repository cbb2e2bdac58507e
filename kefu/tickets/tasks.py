"""Background tasks of the work-order loop, run by the django-q2 worker."""

from __future__ import annotations

from kefu.tickets.services import deadline_sweep

SWEEP = "kefu.tickets.tasks.sweep"


def sweep() -> dict[str, int]:
    result = deadline_sweep()
    return {"warnings": result.warnings, "overdue": result.overdue}
