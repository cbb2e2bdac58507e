"""客户档案: the customer list, masked like every other place personal data appears."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts.queries import customer_contacts
from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.exports import EXPORT_LIMIT, attachment, dated, xlsx_download, xlsx_response
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.core.masking import mask_address, mask_id_number, mask_phone
from kefu.core.roles import HANDLE_PERSONAL_DATA_REQUEST
from kefu.customers import privacy
from kefu.customers.exports import personal_data_json, personal_data_xlsx
from kefu.customers.forms import AnonymiseForm, CustomerFilterForm
from kefu.customers.models import Customer, Tag
from kefu.customers.queries import customer_get_for_user, customer_search
from kefu.tickets.queries import tickets_visible_to


def _customers(request: HttpRequest) -> tuple[CustomerFilterForm, Any]:
    form = CustomerFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        return form, customer_search(request_user(request), **form.filters())
    except DomainError as error:
        form.add_error("q", str(error.message))
        return form, None


def masked(customer: Customer) -> dict[str, Any]:
    """A customer as pages show one: phones masked, the eye-catching tags marked."""
    return {
        "customer": customer,
        "phones": ", ".join(mask_phone(phone.number) for phone in customer.phones.all()),
        "tags": [(tag, tag.code in Tag.HIGHLIGHTED) for tag in customer.tags.all()],
    }


@login_required
def customer_list_page(request: HttpRequest) -> HttpResponse:
    form, customers = _customers(request)
    page, query = page_of(request, customers)
    return render(
        request,
        "customers/list.html",
        {
            "form": form,
            "page": page,
            "rows": [masked(customer) for customer in page or []],
            "query": query,
            "tags": Tag.objects.order_by("code"),
        },
        status=200 if page is not None else 400,
    )


@login_required
def customer_export(request: HttpRequest) -> HttpResponse:
    _form, customers = _customers(request)
    if customers is None:
        return HttpResponseBadRequest(_("The filters are not valid."))
    header = [_("Name"), _("Phones"), _("Account number"), _("Tier"), _("Tags"), _("Region")]
    rows = (
        [
            row["customer"].name,
            row["phones"],
            row["customer"].account_number or "",
            row["customer"].get_tier_display(),
            " ".join(tag.name for tag, _highlighted in row["tags"]),
            row["customer"].region.name if row["customer"].region else "",
        ]
        for row in map(masked, customers[:EXPORT_LIMIT])
    )
    return xlsx_response(_("Customers"), header, rows, fallback="customers")


@login_required
def customer_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    """One customer's archive, masked, with their contacts and orders; managers and
    administrators also find here the customer's PIPL requests."""
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    return render(
        request,
        "customers/detail.html",
        {
            **masked(customer),
            "id_number": mask_id_number(customer.id_number),
            "address": mask_address(customer.address),
            "contacts": list(
                customer_contacts(user, customer).select_related("service_content")[:20]
            ),
            "orders": list(
                tickets_visible_to(user).filter(customer=customer).order_by("-created_at")[:20]
            ),
            "may_handle_requests": user.has_perm(HANDLE_PERSONAL_DATA_REQUEST),
            "anonymise_form": AnonymiseForm(),
        },
    )


@login_required
def personal_data_download(request: HttpRequest, customer_id: int, fmt: str) -> HttpResponse:
    """The customer's copy of their data (PIPL art. 45), as .xlsx or .json; audited."""
    if fmt not in {"xlsx", "json"}:
        raise NotFound()
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    data = privacy.customer_personal_data_export(actor=user, customer=customer, file_format=fmt)
    # The archive's number, not the customer's name: a file name is seen in folders and mail.
    title, fallback = f"{_('Personal data')}-{customer.pk}", f"personal-data-{customer.pk}"
    if fmt == "xlsx":
        return xlsx_download(title, personal_data_xlsx(data), fallback=fallback)
    response = HttpResponse(personal_data_json(data), content_type="application/json")
    response["Content-Disposition"] = attachment(
        dated(title, "json"), fallback=dated(fallback, "json")
    )
    return response


@login_required
def customer_anonymise_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Step one of anonymising: what will go and what stays, and a form to confirm."""
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    if not user.has_perm(HANDLE_PERSONAL_DATA_REQUEST):
        raise Forbidden()
    return render(
        request,
        "customers/anonymise.html",
        {"customer": customer, "form": AnonymiseForm(request.POST or None)},
    )


@login_required
@require_POST
def customer_anonymise(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Step two: only with the box ticked and a reason given (POST, redirect, GET)."""
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    form = AnonymiseForm(request.POST)
    if not form.is_valid():
        if not user.has_perm(HANDLE_PERSONAL_DATA_REQUEST):
            raise Forbidden()
        return render(
            request,
            "customers/anonymise.html",
            {"customer": customer, "form": form},
            status=400,
        )
    try:
        privacy.customer_anonymise(
            actor=user, customer=customer, reason=form.cleaned_data["reason"]
        )
    except Forbidden:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
        return redirect("customer_page", customer_id=customer.pk)
    messages.success(request, _("The customer's personal data is anonymised."))
    return redirect("customer_page", customer_id=customer.pk)
