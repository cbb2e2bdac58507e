"""坐席工作台: the page an agent keeps open all day; a telephony screen-pop opens it with
the caller's number."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts import services as contact_services
from kefu.contacts.forms import (
    DESCRIPTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ContactFilterForm,
    ContactForm,
    IdentityCheckForm,
    NewCustomerForm,
    UnmaskForm,
)
from kefu.contacts.labels import path_label
from kefu.contacts.models import CallReason, Contact
from kefu.contacts.queries import (
    call_reasons,
    contact_get_for_user,
    contact_list,
    contacts_of_caller,
    customer_contacts,
    reason_paths,
    region_paths,
    repeats_within,
)
from kefu.contacts.repeats import LOOKBACK
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
from kefu.core.roles import CHECK_IDENTITY, VIEW_PERSONAL_DATA, VIEW_TICKET
from kefu.customers.models import Customer
from kefu.customers.queries import customer_get_for_user, customer_search
from kefu.customers.services import customer_address_unmask, customer_create, identity_check
from kefu.customers.views import masked
from kefu.metrics.indicators import Rules
from kefu.metrics.queries import rules_of
from kefu.quality.queries.phrases import phrases_for_call
from kefu.satisfaction.queries.dissatisfied import dissatisfied_open_for
from kefu.satisfaction.queries.notices import notices_for_caller
from kefu.tickets.models import OPEN
from kefu.tickets.queries import ticket_duplicates, ticket_status, tickets_visible_to
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
        "may_unmask": user.has_perm(VIEW_PERSONAL_DATA) and bool(customer.address),
        "may_check_identity": user.has_perm(CHECK_IDENTITY),
        "open_orders": open_orders,
        "recent_orders": list(orders.exclude(OPEN)[:5]),
        "recent_contacts": list(
            customer_contacts(user, customer).select_related("service_content")[:5]
        ),
    }


def _repeat(user: User, customer: Customer | None, caller: str) -> dict[str, Any] | None:
    """The caller's earlier contacts within the centre's first-contact window, and the call
    reasons among them: the same reason again is a repeat contact (not settled the first
    time), as the first-contact-resolution figure counts it."""
    if customer is None and not caller:
        return None
    days = (rules_of(user.centre) if user.centre is not None else Rules()).fcr_window_days
    earlier = list(
        contacts_of_caller(
            user, customer=customer, caller=caller, since=timezone.now() - timedelta(days=days)
        )[:20]
    )
    if not earlier:
        return None
    reasons: dict[str, dict[str, Any]] = {}
    for contact in earlier:
        reason = contact.service_content
        if reason is not None:
            row = reasons.setdefault(
                reason.code,
                {"code": reason.code, "label": _reason_label(contact), "count": 0},
            )
            row["count"] += 1
    return {"days": days, "contacts": earlier, "reasons": list(reasons.values())}


def _reason_label(contact: Contact) -> str:
    parts = [contact.business_type.name if contact.business_type else ""]
    parts.append(contact.service_content.name if contact.service_content else "")
    return path_label(parts)


def _page(
    request: HttpRequest,
    *,
    caller: str,
    chosen: str = "",
    form: ContactForm | None = None,
    new_customer: NewCustomerForm | None = None,
    submission: str = "",
) -> HttpResponse:
    """The workbench; with a refused `form`, everything the agent typed, and why."""
    user = request_user(request)
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
    contents = reason_paths(user, reasons)
    region_choices = region_paths()
    if form is None:
        region = customer.region.code if customer and customer.region else ""
        form = ContactForm(
            initial={
                "caller_number": caller,
                "urgency": "normal",
                "region": path_label(region_choices.get(region, ())),
            },
            contents=contents,
            regions=region_choices,
        )
    return render(
        request,
        "contacts/workbench.html",
        {
            "caller": caller,
            "matches": matches,
            "lookup_error": lookup_error,
            "card": _card(user, customer) if customer else None,
            "customer_id": customer.pk if customer else form["customer_id"].value() or "",
            "repeat": _repeat(user, customer, caller),
            # Notices that explain the caller's trouble, before the agent asks (issue 19).
            # The caller's open repair plan on the dissatisfied list (issue 19 point 3).
            "dissatisfied": dissatisfied_open_for(customer) if customer else None,
            "notices": notices_for_caller(user.centre_id, customer.region_id if customer else None),
            "attributes": [
                r for r in reasons if r.dimension == CallReason.Dimension.CUSTOMER_ATTRIBUTE
            ],
            "contents": sorted((path_label(path), code) for code, path in contents.items()),
            "regions": sorted((path_label(path), code) for code, path in region_choices.items()),
            "form": form,
            "problems": form.problems() if form.is_bound else [],
            "limits": {
                "summary": SUMMARY_MAX_LENGTH,
                "title": TITLE_MAX_LENGTH,
                "description": DESCRIPTION_MAX_LENGTH,
            },
            "phrases": phrases_for_call(user.centre_id, timezone.localdate()),
            "check": IdentityCheckForm(
                initial={"phone": caller, "customer_id": customer.pk if customer else None}
            ),
            # One token per rendering of the form: the post that uses it first counts. A
            # refused form keeps its token, which nothing has used yet.
            "submission": submission or secrets.token_urlsafe(24),
            "new_customer": new_customer or NewCustomerForm(initial={"phone": caller}),
            "new_customer_problems": _problems(new_customer) if new_customer else [],
        },
    )


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        caller=request.GET.get("caller", "").strip()[:32],
        chosen=request.GET.get("customer", ""),
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
    """Record the contact: settled on the call, or with a work order opened on it.

    A refused form (a field the form or the services refuse) comes back as it was sent,
    with the refusal named by the field; nothing the agent typed is lost.
    """
    user = request_user(request)
    form = ContactForm(request.POST, contents=reason_paths(user), regions=region_paths())
    caller = request.POST.get("caller_number", "")[:32]
    chosen = request.POST.get("customer_id", "")

    def refused() -> HttpResponse:
        return _page(
            request,
            caller=caller,
            chosen=chosen,
            form=form,
            submission=request.POST.get("submission", "")[:255],
        )

    if not form.is_valid():
        return refused()
    customer_id = form.cleaned_data["customer_id"]

    def record() -> tuple[str, HttpResponse]:
        return _record(user, form), _back(caller, customer_id)

    return _once(request, form.cleaned_data["submission"], record, refused, form=form)


def _record(user: User, form: ContactForm) -> str:
    """Write the contact (and the order); the sentence that tells the agent what was done."""
    session = form.cleaned_data["submission"]
    if form.cleaned_data["settled"]:
        contact = contact_services.contact_create(
            actor=user, started_at=timezone.now(), settled=True, **form.contact()
        )
        contact_services.contact_assistance_attach(actor=user, contact=contact, session=session)
        return _("Contact recorded as settled.")
    ticket = ticket_create_on_contact(
        actor=user, contact={"started_at": timezone.now(), **form.contact()}, **form.ticket()
    )
    for contact in ticket.contacts.all():
        contact_services.contact_assistance_attach(actor=user, contact=contact, session=session)
    promised = timezone.localtime(ticket.due_at) if ticket.due_at else None
    said = _("Work order %(number)s opened; the customer is promised an answer by %(due)s.") % {
        "number": ticket.number,
        "due": f"{promised:%Y-%m-%d %H:%M}" if promised else "—",
    }
    # Likely duplicates (issue 21 point 4): the order's page offers them for merge.
    likely = ticket_duplicates(user, ticket)
    if likely:
        said += " " + _(
            "It looks like the open work order %(numbers)s: the back office can merge them "
            "from the new order's page."
        ) % {"numbers": "、".join(found.ticket.number for found in likely)}
    return said


@login_required
@require_POST
def workbench_new_customer(request: HttpRequest) -> HttpResponse:
    """A caller no customer has: create one. Refused, the form comes back as typed."""
    form = NewCustomerForm(request.POST)

    def refused() -> HttpResponse:
        return _page(
            request,
            caller=request.POST.get("phone", "").strip()[:32],
            new_customer=form,
            submission=request.POST.get("submission", "")[:255],
        )

    if not form.is_valid():
        return refused()
    phone = form.cleaned_data["phone"]

    def create() -> tuple[str, HttpResponse]:
        customer = customer_create(
            actor=request_user(request),
            name=form.cleaned_data["name"],
            phones=[phone],
            address=form.cleaned_data["address"],
        )
        return _("Customer created."), _back(phone, customer.pk)

    return _once(request, form.cleaned_data["submission"], create, refused, form=form)


def _problems(form: forms.Form) -> list[str]:
    return [
        f"{form.fields[name].label}：{error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]


@login_required
@require_POST
def workbench_identity_check(request: HttpRequest) -> HttpResponse:
    """三字段认证 (000 第8篇): do the caller's number, the name and the ID number they give
    belong to one customer? Answered in place (htmx), so the contact form keeps what the
    agent typed; every check is audited by `customers.services.identity_check`."""
    user = request_user(request)
    form = IdentityCheckForm(request.POST)
    context: dict[str, Any] = {"check": form, "checked": None, "problems": []}
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = identity_check(
                actor=user, phone=data["phone"], name=data["name"], id_number=data["id_number"]
            )
        except DomainError as error:
            context["problems"] = [str(error.message)]
        else:
            context["checked"] = {
                "matched": result.matched,
                # The check matched someone else than the customer on the card.
                "other": result.matched
                and result.customer is not None
                and data["customer_id"] is not None
                and result.customer.pk != data["customer_id"],
            }
    else:
        context["problems"] = _problems(form)
    if not request.htmx:  # type: ignore[attr-defined]
        for problem in context["problems"]:
            messages.error(request, problem)
        if context["checked"] is not None:
            matched = context["checked"]["matched"] and not context["checked"]["other"]
            (messages.success if matched else messages.error)(
                request,
                _("Three-field check passed.") if matched else _("Three-field check failed."),
            )
        return _back(request.POST.get("phone", "")[:32], form.cleaned_data.get("customer_id"))
    # htmx swaps in only successful answers: a refusal is the partial's own text.
    return render(request, "contacts/partials/identity.html", context)


@login_required
@require_POST
def workbench_address(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The full address, shown on purpose with a reason (for a repair crew); audited."""
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    form = UnmaskForm(request.POST)
    context: dict[str, Any] = {"customer": customer, "address": None, "problems": []}
    if form.is_valid():
        try:
            context["address"] = customer_address_unmask(
                actor=user, customer=customer, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            context["problems"] = [str(error.message)]
    else:
        context["problems"] = _problems(form)
    context["masked_address"] = mask_address(customer.address)
    context["reason"] = request.POST.get("reason", "")
    if not request.htmx:  # type: ignore[attr-defined]
        for problem in context["problems"]:
            messages.error(request, problem)
        if context["address"]:
            messages.info(request, context["address"])
        return _back("", customer.pk)
    # htmx swaps in only successful answers: a refusal is the partial's own text.
    return render(request, "contacts/partials/address.html", context)


def _once(
    request: HttpRequest,
    token: str,
    write: Callable[[], tuple[str, HttpResponse]],
    refused: Callable[[], HttpResponse],
    form: forms.Form | None = None,
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
        return refused()
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
        field = (error.detail or {}).get("field") if isinstance(error.detail, dict) else None
        if form is not None and field in form.fields:
            form.add_error(field, str(error.message))
        else:
            messages.error(request, str(error.message))
        return refused()
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
    user = request_user(request)
    filters = form.filters()
    # 重复来电 within the centre's first-contact window, the one the indicator counts.
    window = _repeat_window(user)
    repeat_within = window if filters.pop("repeat") else None
    try:
        contacts = contact_list(user, repeat_within=repeat_within, **filters)
    except DomainError as error:
        form.add_error("caller", str(error.message))
        return form, None
    return form, contacts.select_related(
        "customer", "agent", "business_type", "service_content", "repeat_of"
    ).annotate(is_repeat=ExpressionWrapper(repeats_within(window), output_field=BooleanField()))


def _repeat_window(user: User) -> timedelta:
    days = (rules_of(user.centre) if user.centre is not None else Rules()).fcr_window_days
    return min(timedelta(days=days), LOOKBACK)


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
        _("Repeat contact"),
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
            _("Yes") if c.is_repeat else _("No"),
            person(c.agent),
        ]
        for c in contacts[:EXPORT_LIMIT]
    )
    return xlsx_response(_("Contacts"), header, rows, fallback="contacts")


@login_required
def contact_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    """接触记录详情: one contact whole (the full summary, its four-dimension call reason,
    the work orders it opened or updated), for QA, leaders and anyone who may see it."""
    user = request_user(request)
    contact = contact_get_for_user(user, contact_id)
    orders = (
        list(tickets_visible_to(user).filter(contacts=contact).order_by("created_at"))
        if user.has_perm(VIEW_TICKET)
        else []
    )
    duration = ""
    if contact.ended_at and contact.ended_at >= contact.started_at:
        minutes, seconds = divmod(int((contact.ended_at - contact.started_at).total_seconds()), 60)
        duration = _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "caller": mask_phone(contact.caller_number),
            "duration": duration,
            "orders": orders,
        },
    )
