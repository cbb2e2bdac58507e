"""Reads of the dissatisfied-customer list: the access-checked getter, the list, the
open entry of a customer (for the workbench's customer card), the indicators."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import REPAIR_DISSATISFIED, VIEW_SATISFACTION
from kefu.customers.models import Customer
from kefu.satisfaction import callbacking
from kefu.satisfaction.models import DissatisfiedEntry, EntryState, RepairStep


def may_see_list(user: User) -> bool:
    return user.centre_id is not None and (
        user.has_perm(REPAIR_DISSATISFIED) or user.has_perm(VIEW_SATISFACTION)
    )


def entries_visible_to(user: User) -> QuerySet[DissatisfiedEntry]:
    if not may_see_list(user):
        return DissatisfiedEntry.objects.none()
    return DissatisfiedEntry.objects.filter(centre_id=user.centre_id).select_related(
        "customer", "owner"
    )


def dissatisfied_get_for_user(user: User, entry_id: int) -> DissatisfiedEntry:
    entry = (
        entries_visible_to(user)
        .prefetch_related("reasons__entered_by", "reasons__ticket", "steps", "contacts__by")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def dissatisfied_list(
    user: User, *, state: str = "open", q: str = ""
) -> QuerySet[DissatisfiedEntry]:
    """The entries, open ones (being repaired or checked) by default, newest first."""
    entries = entries_visible_to(user)
    if state == "open":
        entries = entries.filter(exited_at__isnull=True)
    elif state in EntryState.values:
        entries = entries.filter(state=state)
    if q:
        entries = entries.filter(Q(customer__name__contains=q) | Q(goal__contains=q))
    return entries.order_by("-entered_at", "-pk")


def dissatisfied_open_for(customer: Customer) -> DissatisfiedEntry | None:
    """The customer's entry still on the list (in any centre they are on it in, the latest),
    with its plan's steps: what the workbench's customer card shows."""
    return (
        DissatisfiedEntry.objects.filter(customer=customer, exited_at__isnull=True)
        .select_related("owner")
        .prefetch_related(
            Prefetch("steps", queryset=RepairStep.objects.order_by("position", "pk")),
            "reasons",
        )
        .order_by("-entered_at")
        .first()
    )


def dissatisfied_indicators(
    user: User, periods: list[tuple[dt.datetime, dt.datetime]]
) -> list[callbacking.ListFigures]:
    """The list's size, entries, exits and repair rate in each period."""
    if not may_see_list(user) or not periods:
        return []
    end = max(stop for _start, stop in periods)
    rows = DissatisfiedEntry.objects.filter(
        centre_id=user.centre_id, entered_at__lt=end
    ).values_list("entered_at", "exited_at", "state")
    return callbacking.list_figures(
        ((entered, exited, state == EntryState.REPAIRED) for entered, exited, state in rows),
        periods,
    )
