"""Reading reminder plans: a centre's rules and its customers' due dates, for those who
keep the plans (MANAGE_OUTREACH)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import MANAGE_OUTREACH
from kefu.satisfaction.models import CustomerDate, ReminderRule


def rules_visible_to(actor: User) -> QuerySet[ReminderRule]:
    """The actor's centre's rules with how many reminders each has written."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    return (
        ReminderRule.objects.filter(centre_id=require_centre(actor))
        .annotate(written=Count("reminders"))
        .order_by("event", "-days", "id")
    )


def rule_get_for_user(actor: User, rule_id: int) -> ReminderRule:
    """A reminder rule of the actor's centre, for those who keep the plans."""
    rule = rules_visible_to(actor).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(code="reminder_rule_not_found")
    return rule


def customer_dates_visible_to(actor: User) -> QuerySet[CustomerDate]:
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    return CustomerDate.objects.filter(centre_id=require_centre(actor)).select_related("customer")
