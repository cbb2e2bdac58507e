"""Likely duplicates of an order (issue 21 point 4), for the order's page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from kefu.core.models import User
from kefu.tickets.duplicates import Likely, Order, likely_duplicates
from kefu.tickets.models import OPEN, Ticket
from kefu.tickets.queries.access import tickets_visible_to

#: At most this many open orders of the customer and the address are compared.
CANDIDATES = 200


@dataclass(frozen=True)
class Duplicate:
    ticket: Ticket
    likely: Likely


def _order(ticket: Ticket) -> Order:
    return Order(
        id=ticket.pk,
        customer_id=ticket.customer_id,
        address=ticket.customer.address if ticket.customer_id else "",
        category_id=ticket.category_id,
        text=f"{ticket.title} {ticket.description}",
    )


def ticket_duplicates(user: User, ticket: Ticket) -> list[Duplicate]:
    """The open orders the user sees that are likely duplicates of `ticket` (the same
    customer or address, the same category, similar text), the most similar first. None
    for an order that is no longer open: a merged or closed one has nothing to merge."""
    if not Ticket.objects.filter(OPEN, pk=ticket.pk).exists():
        return []
    same = Q(customer_id=ticket.customer_id)
    address = ticket.customer.address.strip() if ticket.customer_id else ""
    if address:
        same |= Q(customer__address=address)
    candidates = list(
        tickets_visible_to(user)
        .filter(OPEN, same, category_id=ticket.category_id, centre_id=ticket.centre_id)
        .exclude(pk=ticket.pk)
        .select_related("customer")
        .order_by("-created_at")[:CANDIDATES]
    )
    by_id = {candidate.pk: candidate for candidate in candidates}
    found = likely_duplicates(_order(ticket), [_order(candidate) for candidate in candidates])
    return [Duplicate(by_id[likely.id], likely) for likely in found]
