"""客户档案: the customer list, masked like every other place personal data appears."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.customers.forms import CustomerFilterForm
from kefu.customers.models import Customer, Tag
from kefu.customers.queries import customer_search
from kefu.web.exports import EXPORT_LIMIT, xlsx_response
from kefu.web.listing import page_of


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
    return xlsx_response("customers", _("Customers"), header, rows)
