"""The wallboard's breaches are looked for by the worker too, so the team leaders hear
of one when no wallboard is open."""

from __future__ import annotations

from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.web.models import WallboardThresholds
from kefu.web.queries import board_of
from kefu.web.services import wallboard_breaches_record

BREACHES_CHECK = "kefu.web.tasks.breaches_check"


def breaches_check() -> int:
    """Every centre with thresholds, looked at now; returns the breaches opened."""
    now = timezone.now()
    opened = 0
    centre_ids = WallboardThresholds.objects.values_list("centre_id", flat=True)
    for centre in OrgUnit.objects.filter(pk__in=list(centre_ids)):
        board = board_of(centre, now, timezone.localdate(now))
        opened += len(wallboard_breaches_record(centre=centre, breaches=board.breaches, now=now))
    return opened
