"""The managers' thresholds of the spike detection (issue 21 point 1: "thresholds
editable, with a minimum count"): a rule per region and call reason, or for all of them.
Each change checks the actor, runs in one transaction and is audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import Region, User
from kefu.core.roles import CHANGE_SPIKE_RULES
from kefu.core.services.audit import audit_record
from kefu.insights.models import SpikeRule
from kefu.insights.queries.spikes import rule_reasons

MIN_COUNT_RANGE = (1, 10_000)
RATIO_RANGE = (Decimal("1.00"), Decimal("100.00"))
AUDITED = ("region_id", "reason_id", "min_count", "ratio", "active")


def _snapshot(rule: SpikeRule) -> dict[str, object]:
    return {name: str(getattr(rule, name)) for name in AUDITED}


def spike_rule_save(
    *,
    actor: User,
    rule: SpikeRule | None = None,
    region_id: int | None,
    reason_id: int | None,
    min_count: int,
    ratio: Decimal,
    active: bool = True,
) -> SpikeRule:
    """Create a rule (`rule` None) or change one the caller read with
    `spike_rule_get_for_user`. One rule per region and reason: a second is refused (409)."""
    if not actor.has_perm(CHANGE_SPIKE_RULES) or actor.centre_id is None:
        raise Forbidden()
    if not MIN_COUNT_RANGE[0] <= min_count <= MIN_COUNT_RANGE[1]:
        raise Invalid(
            _("The minimum count is a whole number from 1 to 10000."),
            code="spike_rule_min_count",
            detail={"field": "min_count"},
        )
    ratio = Decimal(ratio).quantize(Decimal("0.01"))
    if not RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]:
        raise Invalid(
            _("The ratio to the baseline is from 1 to 100."),
            code="spike_rule_ratio",
            detail={"field": "ratio"},
        )
    if region_id is not None and not Region.objects.filter(pk=region_id).exists():
        raise Invalid(_("Unknown region."), code="region_unknown", detail={"field": "region_id"})
    if reason_id is not None and not rule_reasons(actor).filter(pk=reason_id).exists():
        raise Invalid(
            _("Choose a fault reason (the spike detection counts only those)."),
            code="call_reason_not_fault",
            detail={"field": "reason_id"},
        )
    before = _snapshot(rule) if rule is not None else None
    target = rule or SpikeRule(centre_id=actor.centre_id)
    target.region_id, target.reason_id = region_id, reason_id
    target.min_count, target.ratio, target.active = min_count, ratio, active
    # NULL never equals NULL in a unique constraint: the scope is checked here too.
    scope = Q(region__isnull=True) if region_id is None else Q(region_id=region_id)
    scope &= Q(reason__isnull=True) if reason_id is None else Q(reason_id=reason_id)
    clash = SpikeRule.objects.filter(scope, centre_id=actor.centre_id).exclude(pk=target.pk)
    try:
        with transaction.atomic(durable=True):
            if clash.select_for_update().exists():
                raise IntegrityError
            target.save()
            audit_record(
                actor=actor,
                action="spike_rule.save",
                obj=target,
                before=before,
                after=_snapshot(target),
            )
    except IntegrityError:
        raise Conflict(
            _("There is already a rule for this region and call reason."),
            code="spike_rule_exists",
        ) from None
    return target


def spike_rule_delete(*, actor: User, rule: SpikeRule) -> None:
    if not actor.has_perm(CHANGE_SPIKE_RULES) or actor.centre_id != rule.centre_id:
        raise Forbidden()
    with transaction.atomic(durable=True):
        audit_record(actor=actor, action="spike_rule.delete", obj=rule, before=_snapshot(rule))
        rule.delete()
