"""客户档案: the customer list, masked like every other place personal data appears."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts.queries import customer_contacts
from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.exports import EXPORT_LIMIT, attachment, dated, xlsx_download, xlsx_response
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.core.masking import mask_address, mask_id_number, mask_phone, mask_text
from kefu.core.roles import CHANGE_CUSTOMER, HANDLE_PERSONAL_DATA_REQUEST, VIEW_PERSONAL_DATA
from kefu.customers import privacy
from kefu.customers.exports import personal_data_json, personal_data_xlsx
from kefu.customers.forms import (
    AnonymiseForm,
    CustomerEditForm,
    CustomerFilterForm,
    DocumentForm,
    WatchEntryForm,
)
from kefu.customers.models import Customer, Tag
from kefu.customers.queries import (
    customer_document_get_for_user,
    customer_documents,
    customer_get_for_user,
    customer_search,
    watch_list,
)
from kefu.customers.services import (
    customer_document_add,
    customer_document_download,
    customer_document_remove,
    customer_personal_data_view,
    customer_update,
    watch_entry_add,
    watch_entry_remove,
)
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


def _edit_form(customer: Customer, data: Any = None) -> CustomerEditForm:
    return CustomerEditForm(
        data,
        initial={
            "version": customer.version,
            "tier": customer.tier,
            "tags": [tag.code for tag in customer.tags.all()],
            "notes": customer.notes,
        },
        tags=[(tag.code, tag.name) for tag in Tag.objects.order_by("code")],
    )


def _customer_response(
    request: HttpRequest,
    customer: Customer,
    *,
    edit_form: CustomerEditForm | None = None,
    editing_notes: bool = False,
    document_refused: str = "",
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    may_edit = user.has_perm(CHANGE_CUSTOMER) and customer.anonymised_at is None
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
            "may_edit": may_edit,
            "edit_form": edit_form or _edit_form(customer),
            "editing_notes": editing_notes,
            "notes": mask_text(customer.notes),
            "documents": list(customer_documents(user, customer)),
            "may_open_documents": user.has_perm(VIEW_PERSONAL_DATA),
            "document_form": document_form or DocumentForm(),
            "document_refused": document_refused,
            "document_limit": settings.KEFU_CUSTOMER_DOCUMENT_MAX_BYTES,
        },
        status=status,
    )


@login_required
def customer_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    """One customer's archive, masked, with their contacts, orders and documents; its
    editors change tier, tags and notes here; managers and administrators also find here
    the customer's PIPL requests."""
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    editing_notes = (
        request.GET.get("notes") == "edit"
        and user.has_perm(CHANGE_CUSTOMER)
        and customer.anonymised_at is None
    )
    if editing_notes:  # the notes in clear, as the personal data they may hold: audited
        customer_personal_data_view(actor=user, customer=customer)
    return _customer_response(request, customer, editing_notes=editing_notes)


@login_required
@require_POST
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Tier, tags and notes, through the same service (and version check) as the API; a
    refused form comes back with everything typed and the reason beside it."""
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    if not user.has_perm(CHANGE_CUSTOMER):
        raise Forbidden()
    form = _edit_form(customer, request.POST)
    editing_notes = request.POST.get("edit_notes") == "True"
    if not form.is_valid():
        return _customer_response(
            request, customer, edit_form=form, editing_notes=editing_notes, status=400
        )
    try:
        customer_update(
            actor=user,
            customer=customer,
            version=form.cleaned_data["version"],
            tier=form.cleaned_data["tier"],
            tags=form.cleaned_data["tags"],
            notes=form.cleaned_data["notes"] if form.cleaned_data["edit_notes"] else None,
        )
    except DomainError as refused:
        message = str(refused.message)
        if refused.code == "version_conflict":
            message = _(
                "Someone else changed this customer in the meantime. Your changes are "
                "below; check the customer and save again."
            )
            # The next save compares against the customer as it stands now.
            data = request.POST.copy()
            data["version"] = str((refused.detail or {}).get("current_version", ""))
            form = _edit_form(customer, data)
            form.is_valid()
        form.add_error(None, message)
        return _customer_response(
            request,
            customer,
            edit_form=form,
            editing_notes=editing_notes,
            status=409 if refused.status == 409 else 400,
        )
    messages.success(request, _("The customer is saved."))
    return redirect("customer_page", customer_id=customer.pk)


@login_required
@require_POST
def customer_document_upload(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = request_user(request)
    customer = customer_get_for_user(user, customer_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _customer_response(
            request,
            customer,
            document_refused=_("Choose a file first."),
            document_form=form,
            status=400,
        )
    try:
        customer_document_add(
            actor=user,
            customer=customer,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
    except Forbidden:
        raise
    except DomainError as refused:
        # The page again with the reason beside the form: a browser never refills a file
        # field, so the user must see at once which file and why.
        return _customer_response(
            request,
            customer,
            document_refused=str(refused.message),
            document_form=form,
            status=400,
        )
    messages.success(request, _("The document is kept in the customer's archive."))
    return redirect("customer_page", customer_id=customer.pk)


@login_required
@require_POST
def customer_document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    user = request_user(request)
    document = customer_document_get_for_user(user, document_id)
    customer_document_remove(actor=user, document=document)
    messages.success(request, _("The document is removed."))
    return redirect("customer_page", customer_id=document.customer_id)


@login_required
def customer_document_open(request: HttpRequest, document_id: int) -> FileResponse:
    """The document itself: only a customer the user may see, only with the right to see
    personal data, and audited (kefu.customers.services.customer_document_download)."""
    user = request_user(request)
    document = customer_document_download(
        actor=user, document=customer_document_get_for_user(user, document_id)
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
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


@login_required
def watch_list_page(request: HttpRequest) -> HttpResponse:
    """The centre's watch list of nuisance and abusive callers (002 第17篇 28), kept by team
    leaders and managers: add an entry with its reason, instruction and end, remove one."""
    user = request_user(request)
    entries = watch_list(user)  # refuses those who may not keep it
    form = WatchEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("remove", "").isdigit():
            watch_entry_remove(actor=user, entry_id=int(request.POST["remove"]))
            messages.success(request, _("The number is off the watch list."))
            return redirect("watch_list")
        if form.is_valid():
            until = form.cleaned_data["until"]
            try:
                watch_entry_add(
                    actor=user,
                    number=form.cleaned_data["number"],
                    reason=form.cleaned_data["reason"],
                    instruction=form.cleaned_data["instruction"],
                    expires_at=_end_of(until) if until else None,
                )
            except DomainError as refused:
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("The number is on the watch list."))
                return redirect("watch_list")
        status = 400
    now = timezone.now()
    rows = [
        {
            "entry": entry,
            "number": mask_phone(entry.number),
            "live": entry.removed_at is None
            and (entry.expires_at is None or entry.expires_at > now),
        }
        for entry in entries[:200]
    ]
    return render(request, "customers/watch_list.html", {"form": form, "rows": rows}, status=status)


def _end_of(day: date) -> datetime:
    """An entry "until" a day lasts to the end of that day in the centre's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
