"""The open orders by escalation risk (升级风险, issue 21 point 4)."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core.errors import Forbidden
from kefu.core.models import User
from kefu.core.roles import VIEW_REPORTS
from kefu.tickets.models import OPEN, Ticket
from kefu.tickets.queries import tickets_visible_to


def risky_orders(user: User, min_score: int = 1) -> QuerySet[Ticket]:
    """The open orders the user sees with a risk of at least `min_score`, highest first,
    soonest due first among equals."""
    if not user.has_perm(VIEW_REPORTS):
        raise Forbidden()
    return (
        tickets_visible_to(user)
        .filter(OPEN, escalation_risk__gte=max(min_score, 0))
        .select_related("customer", "category")
        .order_by("-escalation_risk", "stage_due_at", "id")
    )
