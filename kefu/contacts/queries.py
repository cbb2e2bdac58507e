"""Reads of contacts and the call-reason taxonomy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet

from kefu.contacts.models import CallReason, Contact, ContactSms, HelpRequest
from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.models import Region, User
from kefu.core.roles import TAKE_OVER_CONTACT, VIEW_CONTACT
from kefu.core.validation import InvalidNumber, normalize_phone
from kefu.customers.models import Customer


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    if not user.has_perm(VIEW_CONTACT):
        raise Forbidden()
    contacts = Contact.objects.all()
    if not user.is_superuser:
        contacts = contacts.filter(centre_id=user.centre_id)
    return contacts.select_related(
        "agent",
        "customer",
        "customer_attribute",
        "region",
        "business_type",
        "service_content",
    )


def contact_get_for_user(user: User, contact_id: int) -> Contact:
    contact = contacts_visible_to(user).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(code="contact_not_found")
    return contact


def repeats_within(window: timedelta) -> Q:
    """The contacts that repeat an earlier one within `window`: their mark
    (`Contact.repeat_of`, `kefu.contacts.repeats`) lies in it. The window is the centre's
    (`fcr_window_days`), which callers above contacts read."""
    return Q(repeat_of__isnull=False, repeat_of__started_at__gte=F("started_at") - window)


def contact_list(
    user: User,
    *,
    channel: str | None = None,
    direction: str | None = None,
    customer_id: int | None = None,
    agent: str | None = None,
    caller: str | None = None,
    settled: bool | None = None,
    business_type: str | None = None,
    service_content: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str | None = None,
    repeat_within: timedelta | None = None,
) -> QuerySet[Contact]:
    """The contacts the user may see, filtered; newest first, or oldest with `sort="oldest"`.
    With `repeat_within`, only the repeat contacts (重复来电) of that window."""
    contacts = contacts_visible_to(user)
    if repeat_within is not None:
        contacts = contacts.filter(repeats_within(repeat_within))
    if channel:
        contacts = contacts.filter(channel=channel)
    if direction:
        contacts = contacts.filter(direction=direction)
    if customer_id is not None:
        contacts = contacts.filter(customer_id=customer_id)
    if agent:
        contacts = contacts.filter(agent__username=agent)
    if caller:
        try:
            contacts = contacts.filter(caller_number=normalize_phone(caller))
        except InvalidNumber as error:
            raise Invalid(error.message, code=error.code, detail={"field": "caller"}) from error
    if settled is not None:
        contacts = contacts.filter(settled=settled)
    if business_type:
        contacts = contacts.filter(business_type__code=business_type)
    if service_content:
        contacts = contacts.filter(service_content__code=service_content)
    if since is not None:
        contacts = contacts.filter(started_at__gte=since)
    if until is not None:
        contacts = contacts.filter(started_at__lt=until)
    if sort == "oldest":
        return contacts.order_by("started_at", "id")
    return contacts.order_by("-started_at", "-id")


def customer_contacts(user: User, customer: Customer) -> QuerySet[Contact]:
    """A customer's contacts, newest first: the contact part of the customer's history."""
    return contacts_visible_to(user).filter(customer=customer).order_by("-started_at", "-id")


def call_reasons(user: User) -> QuerySet[CallReason]:
    reasons = CallReason.objects.filter(active=True)
    if not user.is_superuser:
        reasons = reasons.filter(centre_id=user.centre_id)
    return reasons.select_related("parent").order_by("dimension", "position", "code")


def reason_paths(
    user: User, reasons: Iterable[CallReason] | None = None
) -> dict[str, tuple[str, ...]]:
    """The service contents the user's centre classifies contacts by (among `reasons`, the
    user's call reasons when not given), code → the names of its business type and its
    own: what the call-reason box shows and accepts."""
    return {
        reason.code: (reason.parent.name if reason.parent else "", reason.name)
        for reason in (call_reasons(user) if reasons is None else reasons)
        if reason.dimension == CallReason.Dimension.SERVICE_CONTENT
    }


def region_paths() -> dict[str, tuple[str, ...]]:
    """Every region, code → the names from the province down: what the region box shows."""
    rows = {
        code: (name, parent)
        for code, name, parent in Region.objects.values_list("code", "name", "parent__code")
    }
    paths: dict[str, tuple[str, ...]] = {}
    for code in sorted(rows):
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            name, parent = rows[current]
            names.append(name)
            current = parent
        paths[code] = tuple(reversed(names))
    return paths


def contacts_of_caller(
    user: User, *, customer: Customer | None, caller: str, since: datetime
) -> QuerySet[Contact]:
    """The caller's contacts since `since`, newest first: the customer's, and those from
    the same number. The same caller as the first-contact-resolution figure counts
    (metrics.queries.service_figures), so the flag and the figure agree."""
    same = Q(pk__in=[])
    if customer is not None:
        same |= Q(customer=customer)
    if caller:
        with contextlib.suppress(InvalidNumber):  # an unknown number's contacts are none
            same |= Q(caller_number=normalize_phone(caller))
    return (
        contacts_visible_to(user).filter(same, started_at__gte=since).order_by("-started_at", "-id")
    )


def help_requests_open(user: User) -> QuerySet[HelpRequest]:
    """The centre's calls for help that no leader has taken yet, oldest first, for the
    leaders' alert; only for those who may take a contact over."""
    if not user.has_perm(TAKE_OVER_CONTACT):
        return HelpRequest.objects.none()
    return (
        HelpRequest.objects.filter(centre_id=user.centre_id, taken_by__isnull=True)
        .select_related("agent", "customer")
        .order_by("created_at", "id")
    )


def help_request_get_for_user(user: User, help_request_id: int) -> HelpRequest:
    """A call for help the user may see: the agent who raised it, or a leader or manager of
    the centre who may take it over."""
    help_request = (
        HelpRequest.objects.filter(pk=help_request_id, centre_id=user.centre_id)
        .select_related("agent", "customer", "taken_by", "contact")
        .first()
    )
    if help_request is None or not (
        help_request.agent_id == user.pk or user.has_perm(TAKE_OVER_CONTACT)
    ):
        raise NotFound(code="help_request_not_found")
    return help_request


def assistance_of(user: User, session: str) -> dict[str, Any]:
    """What happened during the call on this workbench form so far: texts sent, help asked,
    and whether anything still waits (a text not yet answered by the gateway, a call for
    help no leader has taken), which the page then follows."""
    if not session:
        return {"texts": [], "helps": [], "waiting": False}
    texts = list(
        ContactSms.objects.filter(session=session, agent=user).order_by("-created_at")[:10]
    )
    helps = list(
        HelpRequest.objects.filter(session=session, agent=user)
        .select_related("taken_by")
        .order_by("-created_at")[:5]
    )
    waiting = any(sms.status == ContactSms.Status.PENDING for sms in texts) or any(
        help_request.taken_by_id is None for help_request in helps
    )
    return {"texts": texts, "helps": helps, "waiting": waiting}
