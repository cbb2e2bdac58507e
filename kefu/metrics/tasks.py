"""Background tasks of the metrics app, run by the django-q2 worker."""

from __future__ import annotations

from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.metrics import reports
from kefu.metrics.services import reports_send_due

REPORTS_SEND = "kefu.metrics.tasks.send_reports"
REPORTS_WARM = "kefu.metrics.tasks.warm_reports"


def send_reports() -> dict[str, int]:
    return {"sent": reports_send_due().sent}


def warm_reports() -> dict[str, int]:
    """Every centre's day, week and month running, built anew for the report pages (a
    manager opening them reads what was built at most a few minutes ago, never waits for a
    month of contacts to be grouped)."""
    today = timezone.localdate()
    built = 0
    for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE):
        for kind in reports.WARMED_KINDS:
            reports.kept(centre, kind, today, refresh=True)
            built += 1
    return {"built": built}
