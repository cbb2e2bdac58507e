"""坐席工作台: the page an agent keeps open all day; a telephony screen-pop opens it with
the caller's number."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts import services as contact_services
from kefu.contacts.forms import ContactFilterForm, ContactForm, NewCustomerForm
from kefu.contacts.models import CallReason
from kefu.contacts.queries import call_reasons, contact_list, customer_contacts
from kefu.core.errors import DomainError
from kefu.core.exports import EXPORT_LIMIT, local, person, xlsx_response
from kefu.core.http import request_user
from kefu.core.idempotency import (
    clean_key,
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    route_of,
)
from kefu.core.listing import page_of
from kefu.core.masking import mask_address, mask_id_number, mask_phone
from kefu.core.models import User
from kefu.core.queries import regions
from kefu.customers.models import Customer
from kefu.customers.queries import customer_search
from kefu.customers.services import customer_create
from kefu.customers.views import masked
from kefu.tickets.models import OPEN
from kefu.tickets.queries import ticket_status, tickets_visible_to
from kefu.tickets.services import ticket_create_on_contact


def _card(user: User, customer: Customer) -> dict[str, Any]:
    """What the agent sees of the caller: masked, with open orders and recent history."""
    now = timezone.now()
    orders = tickets_visible_to(user).filter(customer=customer).order_by("-created_at")
    open_orders = [
        {"ticket": ticket, "status": ticket_status(ticket, now)}
        for ticket in orders.filter(OPEN)[:10]
    ]
    return {
        **masked(customer),
        "id_number": mask_id_number(customer.id_number) if customer.id_number else "",
        "address": mask_address(customer.address) if customer.address else "",
        "open_orders": open_orders,
        "recent_orders": list(orders.exclude(OPEN)[:5]),
        "recent_contacts": list(
            customer_contacts(user, customer).select_related("service_content")[:5]
        ),
    }


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    caller = request.GET.get("caller", "").strip()[:32]
    chosen = request.GET.get("customer", "")
    matches: list[Customer] = []
    lookup_error = ""
    if caller:
        try:
            matches = list(customer_search(user, phone=caller)[:5])
        except DomainError as error:
            lookup_error = str(error.message)
    if chosen.isdigit():
        matches = list(customer_search(user).filter(pk=int(chosen))[:1]) or matches
    customer = matches[0] if len(matches) == 1 else None
    reasons = list(call_reasons(user))
    return render(
        request,
        "contacts/workbench.html",
        {
            "caller": caller,
            "matches": matches,
            "lookup_error": lookup_error,
            "card": _card(user, customer) if customer else None,
            "attributes": [
                r for r in reasons if r.dimension == CallReason.Dimension.CUSTOMER_ATTRIBUTE
            ],
            "contents": [r for r in reasons if r.dimension == CallReason.Dimension.SERVICE_CONTENT],
            "regions": regions(),
            "form": ContactForm(initial={"caller_number": caller, "urgency": "normal"}),
            # One token per rendering of the form: the post that uses it first counts.
            "submission": secrets.token_urlsafe(24),
            "new_customer": NewCustomerForm(initial={"phone": caller}),
        },
    )


def _back(caller: str, customer_id: int | None) -> HttpResponse:
    query = {"caller": caller, **({"customer": str(customer_id)} if customer_id else {})}
    return redirect(f"/workbench/?{urlencode(query)}")


# A second post of one workbench form waits this long for the first to finish, then shows
# its outcome: a double click sends both before the first answer arrives.
FORM_RESUBMIT_WAIT_SECONDS = 10.0


@login_required
@require_POST
def workbench_record(request: HttpRequest) -> HttpResponse:
    """Record the contact: settled on the call, or with a work order opened on it."""
    form = ContactForm(request.POST)
    caller = request.POST.get("caller_number", "")[:32]
    customer_id = form.cleaned_data.get("customer_id") if form.is_valid() else None
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(caller, customer_id)
    user = request_user(request)

    def record() -> tuple[str, HttpResponse]:
        return _record(user, form), _back(caller, customer_id)

    return _once(request, form.cleaned_data["submission"], record, _back(caller, customer_id))


def _record(user: User, form: ContactForm) -> str:
    """Write the contact (and the order); the sentence that tells the agent what was done."""
    if form.cleaned_data["settled"]:
        contact_services.contact_create(
            actor=user, started_at=timezone.now(), settled=True, **form.contact()
        )
        return _("Contact recorded as settled.")
    ticket = ticket_create_on_contact(
        actor=user, contact={"started_at": timezone.now(), **form.contact()}, **form.ticket()
    )
    promised = timezone.localtime(ticket.due_at) if ticket.due_at else None
    return _("Work order %(number)s opened; the customer is promised an answer by %(due)s.") % {
        "number": ticket.number,
        "due": f"{promised:%Y-%m-%d %H:%M}" if promised else "—",
    }


@login_required
@require_POST
def workbench_new_customer(request: HttpRequest) -> HttpResponse:
    form = NewCustomerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the customer's name and phone."))
        return _back(request.POST.get("phone", "")[:32], None)
    phone = form.cleaned_data["phone"]

    def create() -> tuple[str, HttpResponse]:
        customer = customer_create(
            actor=request_user(request),
            name=form.cleaned_data["name"],
            phones=[phone],
            address=form.cleaned_data["address"],
        )
        return _("Customer created."), _back(phone, customer.pk)

    return _once(request, form.cleaned_data["submission"], create, _back(phone, None))


def _once(
    request: HttpRequest,
    token: str,
    write: Callable[[], tuple[str, HttpResponse]],
    refused: HttpResponse,
) -> HttpResponse:
    """Run a workbench form's write once per rendering of the form.

    Each form carries a one-time token: Back and resubmit, a double click or two identical
    posts at once write once, and the later posts (which wait for the first) show what the
    first one did. A write the services refuse frees the token for the corrected form.
    """
    try:
        claim = idempotency_claim(
            user=request_user(request),
            route=route_of(request),
            key=clean_key(token),
            fingerprint="workbench-form",
            wait=FORM_RESUBMIT_WAIT_SECONDS,
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return refused
    if claim.status is not None:
        messages.info(
            request,
            _("This form was already sent; nothing was recorded twice. %(outcome)s")
            % {"outcome": bytes(claim.body).decode()},
        )
        return redirect(claim.location)
    try:
        outcome, response = write()
    except DomainError as error:
        idempotency_release(claim=claim)
        messages.error(request, str(error.message))
        return refused
    except BaseException:
        idempotency_release(claim=claim)
        raise
    messages.success(request, outcome)
    idempotency_complete(
        claim=claim,
        status=response.status_code,
        content_type="text/plain",
        body=outcome.encode(),
        location=response["Location"],
    )
    return response


def _contacts(request: HttpRequest) -> tuple[ContactFilterForm, Any]:
    form = ContactFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        contacts = contact_list(request_user(request), **form.filters())
    except DomainError as error:
        form.add_error("caller", str(error.message))
        return form, None
    return form, contacts.select_related("customer", "agent", "business_type", "service_content")


@login_required
def contact_list_page(request: HttpRequest) -> HttpResponse:
    form, contacts = _contacts(request)
    page, query = page_of(request, contacts)
    rows = [{"contact": c, "caller": mask_phone(c.caller_number)} for c in page or []]
    return render(
        request,
        "contacts/list.html",
        {"form": form, "page": page, "rows": rows, "query": query},
        status=200 if page is not None else 400,
    )


@login_required
def contact_export(request: HttpRequest) -> HttpResponse:
    _form, contacts = _contacts(request)
    if contacts is None:
        return HttpResponseBadRequest(_("The filters are not valid."))
    header = [
        _("Time"),
        _("Channel"),
        _("Caller number"),
        _("Customer"),
        _("Business type"),
        _("Service content"),
        _("Summary"),
        _("Settled on the call"),
        _("Agent"),
    ]
    rows = (
        [
            local(c.started_at),
            c.get_channel_display(),
            mask_phone(c.caller_number),
            c.customer.name if c.customer else "",
            c.business_type.name if c.business_type else "",
            c.service_content.name if c.service_content else "",
            c.summary,
            _("Yes") if c.settled else _("No"),
            person(c.agent),
        ]
        for c in contacts[:EXPORT_LIMIT]
    )
    return xlsx_response(_("Contacts"), header, rows, fallback="contacts")
