"""The centre's appraisal rules (issue 20 point 3): the weights of the quarterly
appraisal's components (seed 002 第14篇 7) and the window to appeal a complaint's
judgement, edited by the manager. The weights are checked by the pure module
(`kefu.supervision.appraisal.check_weights`): each 0–100, summing to 100."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.roles import MANAGE_APPRAISAL
from kefu.core.services.audit import audit_record
from kefu.supervision import appraisal
from kefu.supervision.models import AppraisalRules

#: The longest appeal window a centre may set, in working days.
MOST_APPEAL_DAYS = 30

WEIGHT_MESSAGES = {
    "unknown": _("There is no such appraisal component."),
    "missing": _("Give every component a weight."),
    "range": _("Each weight is a whole number from 0 to 100."),
    "sum": _("The weights must add up to 100."),
}


def weights_problem(error: appraisal.WeightsInvalid) -> Invalid:
    return Invalid(
        WEIGHT_MESSAGES[error.code],
        code=f"weights_{error.code}",
        detail={"field": error.component or "weights"},
    )


@transaction.atomic
def appraisal_rules_set(
    *, actor: User, weights: Mapping[str, int], appeal_days: int, version: int | None
) -> AppraisalRules:
    """Replace the centre's weights and appeal window. `version` is the one read (None when
    the centre still has the defaults)."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_APPRAISAL)):
        raise Forbidden()
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    try:
        checked = appraisal.check_weights(weights)
    except appraisal.WeightsInvalid as error:
        raise weights_problem(error) from error
    if isinstance(appeal_days, bool) or not 1 <= appeal_days <= MOST_APPEAL_DAYS:
        raise Invalid(
            _("The appeal window is 1 to 30 working days."),
            code="appeal_days_range",
            detail={"field": "appeal_days"},
        )
    rules, created = AppraisalRules.objects.select_for_update().get_or_create(
        centre_id=actor.centre_id,
        defaults={"weights": checked, "appeal_days": appeal_days, "updated_by": actor},
    )
    if not created:
        if version is not None and rules.version != version:
            raise Conflict(code="stale_version", detail={"version": rules.version})
        before = {"weights": rules.weights, "appeal_days": rules.appeal_days}
        rules.weights = checked
        rules.appeal_days = appeal_days
        rules.updated_by = actor
        rules.version += 1
        rules.save()
    else:
        before = {}
    audit_record(
        actor=actor,
        action="supervision.appraisal_rules_set",
        obj=rules,
        before=before,
        after={"weights": checked, "appeal_days": appeal_days},
    )
    return rules
