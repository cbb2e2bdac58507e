"""Background tasks of the metrics app, run by the django-q2 worker."""

from __future__ import annotations

from kefu.metrics.services import reports_send_due

REPORTS_SEND = "kefu.metrics.tasks.send_reports"


def send_reports() -> dict[str, int]:
    return {"sent": reports_send_due().sent}
