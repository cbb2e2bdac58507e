"""Reads of the workforce app: what the centre's own calls say for planning."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Sum

from kefu.core.models import OrgUnit
from kefu.telephony.models import QueueInterval
from kefu.workforce import staffing


def observed_patience_seconds(
    *, centre: OrgUnit, start: datetime, end: datetime, queue: str | None = None
) -> float | None:
    """The callers' mean patience in the centre (or in one of its queues) over
    [start, end), from the interval roll-ups: the total wait of every call (answered,
    abandoned, and those the platform sent away, whose patience had not run out either) ÷
    the calls abandoned (staffing.patience_seconds). None when no call was abandoned."""
    rows = QueueInterval.objects.filter(queue__centre=centre, start__gte=start, start__lt=end)
    if queue:
        rows = rows.filter(queue__name=queue)
    totals = rows.aggregate(wait=Sum("wait_sum"), abandoned=Sum("abandoned"))
    return staffing.patience_seconds(
        total_wait_seconds=float(totals["wait"] or 0), abandoned=int(totals["abandoned"] or 0)
    )
