"""What the plans aim at: the centre's staffing goal (X % of calls answered within Y s)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.workforce.models import StaffingGoal
from kefu.workforce.queries.attendance import planning_centre

PERCENT_RANGE = (50, 99)
SECONDS_RANGE = (5, 120)


@transaction.atomic
def staffing_goal_set(*, actor: User, target_percent: int, answer_seconds: int) -> StaffingGoal:
    """Set the service level the plans of the actor's centre staff for (a leader's:
    PLAN_ROTA): 50 to 99 % of calls answered within 5 to 120 s. Plans made before keep
    their requirement; the plan page, the next rota and intraday use the new goal."""
    centre = planning_centre(actor)
    if not PERCENT_RANGE[0] <= target_percent <= PERCENT_RANGE[1]:
        raise Invalid(
            _("The share answered in time is 50 to 99 per cent."),
            code="goal_invalid",
            detail={"field": "target_percent"},
        )
    if not SECONDS_RANGE[0] <= answer_seconds <= SECONDS_RANGE[1]:
        raise Invalid(
            _("Answered within 5 to 120 seconds."),
            code="goal_invalid",
            detail={"field": "answer_seconds"},
        )
    row, _created = StaffingGoal.objects.select_for_update().get_or_create(centre=centre)
    before = {"target_percent": row.target_percent, "answer_seconds": row.answer_seconds}
    row.target_percent = target_percent
    row.answer_seconds = answer_seconds
    row.save(update_fields=["target_percent", "answer_seconds"])
    audit_record(
        actor=actor,
        action="workforce.staffing_goal_set",
        obj=row,
        object_repr=str(centre),
        before=before,
        after={"target_percent": target_percent, "answer_seconds": answer_seconds},
    )
    return row
