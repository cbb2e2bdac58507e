"""The wallboard's writes: the manager's thresholds, and the breaches the team leaders
on duty are told of."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Forbidden
from kefu.core.models import OrgUnit, User
from kefu.core.queries import leaders_on_duty, require_centre
from kefu.core.roles import CHANGE_TARGETS
from kefu.core.services import notify
from kefu.metrics.formatting import value_text
from kefu.web.models import Measure, WallboardBreach, WallboardThresholds
from kefu.web.queries import Breach

NOTICE_KIND = "wallboard.breach"


@transaction.atomic
def wallboard_thresholds_set(
    *,
    actor: User,
    waiting: int | None,
    longest_wait_seconds: int | None,
    service_level: float | None,
) -> WallboardThresholds:
    """The manager sets the wallboard's thresholds for their centre; None: not watched."""
    if not actor.has_perm(CHANGE_TARGETS):
        raise Forbidden()
    thresholds, _created = WallboardThresholds.objects.select_for_update().get_or_create(
        centre_id=require_centre(actor)
    )
    thresholds.waiting = waiting
    thresholds.longest_wait_seconds = longest_wait_seconds
    thresholds.service_level = service_level
    thresholds.updated_by = actor
    thresholds.save()
    return thresholds


def _notice(breach: Breach) -> str:
    if breach.measure == Measure.WAITING:
        return _("%(queue)s: %(value)d callers waiting (threshold %(limit)d)") % {
            "queue": breach.label,
            "value": breach.value,
            "limit": breach.limit,
        }
    if breach.measure == Measure.LONGEST_WAIT:
        return _("%(queue)s: the longest wait is %(value)s (threshold %(limit)s)") % {
            "queue": breach.label,
            "value": value_text(breach.value, "seconds"),
            "limit": value_text(breach.limit, "seconds"),
        }
    return _("%(centre)s: service level of the last 30 minutes %(value)s (threshold %(limit)s)") % {
        "centre": breach.label,
        "value": value_text(breach.value, "rate"),
        "limit": value_text(breach.limit, "rate"),
    }


def wallboard_breaches_record(
    *, centre: OrgUnit, breaches: list[Breach], now: dt.datetime | None = None
) -> list[WallboardBreach]:
    """Open a breach for each measure newly past its threshold and tell the centre's team
    leaders on duty, once; close the open ones whose measure is back within it. Safe when
    several processes look at once: one open breach per measure and queue is a database
    constraint, and only the process whose row went in sends the notice. Returns the
    breaches opened."""
    now = now or timezone.now()
    current = {(breach.measure.value, breach.scope): breach for breach in breaches}
    open_rows = {
        (row.measure, row.scope): row
        for row in WallboardBreach.objects.filter(centre=centre, cleared_at__isnull=True)
    }
    cleared = [row.pk for key, row in open_rows.items() if key not in current]
    if cleared:
        WallboardBreach.objects.filter(pk__in=cleared, cleared_at__isnull=True).update(
            cleared_at=now
        )
    opened = []
    for key, breach in current.items():
        if key in open_rows:
            continue
        try:
            with transaction.atomic():
                row = WallboardBreach.objects.create(
                    centre=centre,
                    measure=breach.measure,
                    scope=breach.scope,
                    value=breach.value,
                    limit=breach.limit,
                    started_at=now,
                )
                notify(
                    recipients=leaders_on_duty(centre.pk, now=now),
                    kind=NOTICE_KIND,
                    title=_notice(breach),
                    link="/wallboard/",
                )
        except IntegrityError:
            continue  # another process opened it a moment ago and told the leaders
        opened.append(row)
    return opened
