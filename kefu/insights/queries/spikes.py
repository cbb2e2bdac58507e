"""Reads of the spike detection's settings: a centre's spike rules and fault reasons."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kefu.contacts.models import CallReason
from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import CHANGE_SPIKE_RULES
from kefu.insights.models import FaultReason, SpikeRule

#: Words that name a fault business type when a centre has chosen none (故障报修, 宽带故障,
#: 障碍申告).
FAULT_WORDS = ("故障", "报修", "障碍")


def _centre_of(user: User) -> int:
    if not user.has_perm(CHANGE_SPIKE_RULES) or user.centre_id is None:
        raise Forbidden()
    return user.centre_id


def spike_rules_visible_to(user: User) -> QuerySet[SpikeRule]:
    """The spike rules of the manager's centre, the widest last."""
    return (
        SpikeRule.objects.filter(centre_id=_centre_of(user))
        .select_related("region", "reason", "reason__parent")
        .order_by("region__code", "reason__dimension", "reason__code", "pk")
    )


def spike_rule_get_for_user(user: User, rule_id: int) -> SpikeRule:
    rule = spike_rules_visible_to(user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


def rule_reasons(user: User) -> QuerySet[CallReason]:
    """The call reasons a rule may name: the centre's fault reasons and the service
    contents under a fault business type."""
    faults = fault_reason_ids(_centre_of(user))
    return (
        CallReason.objects.filter(Q(pk__in=faults) | Q(parent_id__in=faults), active=True)
        .exclude(dimension=CallReason.Dimension.CUSTOMER_ATTRIBUTE)
        .select_related("parent")
        .order_by("dimension", "position", "code")
    )


def fault_reason_ids(centre_id: int) -> set[int]:
    """The call reasons (business types and service contents) whose contacts are faults:
    the centre's choice, else its business types named as faults."""
    chosen = set(
        FaultReason.objects.filter(centre_id=centre_id).values_list("reason_id", flat=True)
    )
    if chosen:
        return chosen
    named = Q()
    for word in FAULT_WORDS:
        named |= Q(name__contains=word)
    return set(
        CallReason.objects.filter(
            named, centre_id=centre_id, dimension=CallReason.Dimension.BUSINESS_TYPE, active=True
        ).values_list("pk", flat=True)
    )
