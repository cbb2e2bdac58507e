"""Who works on an order beside the user, and the standard phrases offered for it."""

from __future__ import annotations

from django.db.models import Q

from kefu.core.models import User
from kefu.tickets.lifecycle import (
    UNIT_ROLES,
)
from kefu.tickets.models import (
    StandardPhrase,
    Ticket,
)


def phrases_for(ticket: Ticket) -> dict[str, list[str]]:
    """The standard phrases for replying to and calling back on this kind of order, with
    `{result}` standing for the result the department returned."""
    phrases: dict[str, list[str]] = {use: [] for use in StandardPhrase.Use.values}
    rows = StandardPhrase.objects.filter(active=True).filter(Q(kind="") | Q(kind=ticket.kind))
    result = ticket.result.strip().rstrip("。.") or "……"
    for use, text in rows.values_list("use", "text"):
        phrases[use].append(text.replace("{result}", result))
    return phrases


def _unit_people(department_id: int | None, but: User) -> list[User]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(
            department_id=department_id, is_active=True, groups__name__in=UNIT_ROLES
        )
        .exclude(pk=but.pk)
        .order_by("full_name", "username")
    )


def colleagues_of(user: User, ticket: Ticket) -> list[User]:
    """Who in the order's department the user may pass it to."""
    return _unit_people(ticket.department_id, user)


def colleagues_in(user: User) -> list[User]:
    """Who in the user's own department may stand in for them (AB岗)."""
    return _unit_people(user.department_id, user)
