"""How the centre judges attendance: the grace before a log-in is late or a log-off
early."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.workforce.models import AttendanceRules
from kefu.workforce.queries.attendance import planning_centre

MAX_GRACE_MINUTES = 60


@transaction.atomic
def attendance_rules_set(*, actor: User, grace_minutes: int) -> AttendanceRules:
    """Set the grace of the actor's centre (a leader's: PLAN_ROTA), 0 to 60 minutes."""
    centre = planning_centre(actor)
    if not 0 <= grace_minutes <= MAX_GRACE_MINUTES:
        raise Invalid(
            _("The grace is 0 to 60 minutes."),
            code="grace_invalid",
            detail={"field": "grace_minutes"},
        )
    row, _created = AttendanceRules.objects.select_for_update().get_or_create(centre=centre)
    before = {"grace_minutes": row.grace_minutes}
    row.grace_minutes = grace_minutes
    row.save(update_fields=["grace_minutes"])
    audit_record(
        actor=actor,
        action="workforce.attendance_rules_set",
        obj=row,
        object_repr=str(centre),
        before=before,
        after={"grace_minutes": grace_minutes},
    )
    return row
