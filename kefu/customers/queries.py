"""Reads of the customer archive, always through what the user may see."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.crypto import blind_index
from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import HANDLER, MANAGE_WATCH_LIST, VIEW_CUSTOMER
from kefu.core.validation import InvalidNumber, normalize_phone, validate_id_number
from kefu.customers.models import Customer, CustomerDocument, CustomerPhone, WatchEntry
from kefu.tickets.models import Ticket


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """The centre's customers; a department handler sees only the customers of the orders
    sent to their department (never the archive as a whole)."""
    if not user.has_perm(VIEW_CUSTOMER):
        raise Forbidden()
    customers = Customer.objects.all()
    if not user.is_superuser:
        customers = customers.filter(centre_id=user.centre_id)
    if user.role == HANDLER:
        if user.department_id is None:
            return customers.none()
        held = Ticket.objects.filter(centre_id=user.centre_id, department_id=user.department_id)
        customers = customers.filter(pk__in=held.values("customer_id"))
    return customers


def customer_get_for_user(user: User, customer_id: int) -> Customer:
    customer = (
        customers_visible_to(user)
        .select_related("region")
        .prefetch_related("phones", "tags")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound(code="customer_not_found")
    return customer


def customer_search(
    user: User,
    *,
    phone: str | None = None,
    q: str | None = None,
    tier: str | None = None,
    tag: str | None = None,
    region: str | None = None,
    sort: str | None = None,
) -> QuerySet[Customer]:
    """Customers by any of their phones (written any way), name, account or ID number;
    newest first, or by name with `sort="name"`."""
    customers = customers_visible_to(user)
    if phone:
        try:
            number = normalize_phone(phone)
        except InvalidNumber as error:
            raise Invalid(error.message, code=error.code, detail={"field": "phone"}) from error
        customers = customers.filter(
            pk__in=CustomerPhone.objects.filter(number=number).values("customer_id")
        )
    if q:
        text = q.strip()
        if len(text) > 100:
            raise Invalid(_("The search text is too long."), code="query_too_long")
        match = Q(name__contains=text) | Q(account_number=text)
        with contextlib.suppress(InvalidNumber):  # not a phone number: search the rest
            match |= Q(phones__number=normalize_phone(text))
        with contextlib.suppress(InvalidNumber):  # ID numbers are found by their digest alone
            match |= Q(id_number_index=blind_index(validate_id_number(text)))
        customers = customers.filter(match).distinct()
    if tier:
        customers = customers.filter(tier=tier)
    if tag:
        customers = customers.filter(tags__code=tag)
    if region:
        customers = customers.filter(region__code=region)
    order = ("name", "id") if sort == "name" else ("-id",)
    return customers.select_related("region").prefetch_related("phones", "tags").order_by(*order)


def customer_documents(user: User, customer: Customer) -> QuerySet[CustomerDocument]:
    """The documents of a customer, newest first; `customer` comes from
    `customer_get_for_user`, so the user may see it."""
    return customer.documents.select_related("uploaded_by")


def customer_document_get_for_user(user: User, document_id: int) -> CustomerDocument:
    """A document of a customer the user may see."""
    document = (
        CustomerDocument.objects.filter(pk=document_id, customer__in=customers_visible_to(user))
        .select_related("customer")
        .first()
    )
    if document is None:
        raise NotFound(code="document_not_found")
    return document


def watch_entries_live(centre_id: int | None) -> QuerySet[WatchEntry]:
    """The centre's watch-list entries in force now: not removed, not expired."""
    return WatchEntry.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
        centre_id=centre_id,
        removed_at__isnull=True,
    ).select_related("created_by")


def watch_flags(user: User, numbers: Iterable[str]) -> list[WatchEntry]:
    """The watch-list entries in force for any of these numbers (the caller's number and the
    customer's phones), for the agent's screen pop; numbers written any way."""
    clean: set[str] = set()
    for number in numbers:
        with contextlib.suppress(InvalidNumber):
            clean.add(normalize_phone(number))
    if not clean:
        return []
    return list(watch_entries_live(user.centre_id).filter(number__in=clean))


def watch_list(user: User) -> QuerySet[WatchEntry]:
    """The watch list as its keepers see it: every entry of the centre, newest first."""
    if not user.has_perm(MANAGE_WATCH_LIST):
        raise Forbidden()
    return WatchEntry.objects.filter(centre_id=user.centre_id).select_related(
        "created_by", "removed_by"
    )
