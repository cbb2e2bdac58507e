"""Reads of the spike detection's settings: a centre's spike rules and fault reasons."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.contacts.models import CallReason
from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import CHANGE_SPIKE_RULES
from kefu.insights.models import SpikeRule


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
    """The call reasons a rule may name: the centre's business types and service contents."""
    return (
        CallReason.objects.filter(centre_id=_centre_of(user), active=True)
        .exclude(dimension=CallReason.Dimension.CUSTOMER_ATTRIBUTE)
        .select_related("parent")
        .order_by("dimension", "position", "code")
    )
