"""The major-incident pages: the list (open first), opening one by hand, the incident's
page (script, callers, child orders, the department's progress on the one order, the
instant report, close or dismiss), and the workbench's panel: the open incidents for the
caller's area, the likely one proposed, the contact just recorded attached in one click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts.labels import path_label
from kefu.contacts.models import CallReason
from kefu.contacts.queries import region_paths
from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.core.models import Region, User
from kefu.core.queries import departments_of_centre
from kefu.customers.models import Customer
from kefu.insights.incident_forms import (
    IncidentChangeForm,
    IncidentCloseForm,
    IncidentContactForm,
    IncidentDismissForm,
    IncidentFilterForm,
    IncidentOpenForm,
    IncidentOrderForm,
    IncidentVersionForm,
    WorkbenchPanelForm,
)
from kefu.insights.models import Incident, IncidentState
from kefu.insights.queries import incidents as queries
from kefu.insights.services import incidents as services
from kefu.tickets.models import STATE_CHOICES

PAGE_SIZE = 50
_STATES = dict(STATE_CHOICES)


def _departments(centre_id: int | None) -> list[tuple[int, str]]:
    return list(departments_of_centre(centre_id).values_list("pk", "name"))


def _regions() -> list[tuple[int, str]]:
    paths = region_paths()
    rows = Region.objects.values_list("pk", "code")
    return sorted(((pk, path_label(paths.get(code, ()))) for pk, code in rows), key=lambda r: r[1])


def _reasons(centre_id: int | None) -> list[tuple[int, str]]:
    reasons = CallReason.objects.filter(
        centre_id=centre_id, active=True, dimension=CallReason.Dimension.SERVICE_CONTENT
    ).select_related("parent")
    return sorted(
        (reason.pk, path_label((reason.parent.name if reason.parent else "", reason.name)))
        for reason in reasons
    )


@login_required
def incidents_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_view(user):
        raise Forbidden()
    filters = IncidentFilterForm(request.GET or None)
    incidents = queries.open_first(queries.incidents_of(user))
    if filters.is_valid() and filters.cleaned_data["state"]:
        incidents = incidents.filter(state=filters.cleaned_data["state"])
    listed = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/incidents/list.html",
        {"filters": filters, "incidents": listed, "may_manage": queries.may_manage(user)},
    )


@login_required
def incident_new_page(request: HttpRequest) -> HttpResponse:
    """Open an incident by hand; a refused form keeps what was typed."""
    user = request_user(request)
    if not queries.may_manage(user):
        raise Forbidden()
    form = IncidentOpenForm(
        request.POST or None,
        regions=_regions(),
        reasons=_reasons(user.centre_id),
        departments=_departments(user.centre_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_open_by_hand(
                actor=user,
                region_id=data["region"],
                reason_id=data["reason"],
                title=data["title"],
                script=data["script"],
                department_id=data["department"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Incident opened; agents see the script now."))
            return redirect("insights_incident", incident.pk)
    return render(
        request,
        "insights/incidents/new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _context(
    request: HttpRequest, incident: Incident, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = request_user(request)
    detail = queries.incident_detail(incident)
    version = {"version": incident.version}
    context: dict[str, Any] = {
        "incident": incident,
        "detail": detail,
        "order_state": (
            _STATES.get(incident.order.state, incident.order.state) if incident.order else ""
        ),
        "order_states": {row.ticket.pk: _STATES.get(row.ticket.state) for row in detail.orders},
        "may_manage": queries.may_manage(user),
        "is_open": incident.state == IncidentState.OPEN,
        "mine": (queries.my_recent_contacts(user) if incident.state == IncidentState.OPEN else []),
        "change_form": IncidentChangeForm(
            initial={
                **version,
                "title": incident.title,
                "script": incident.script,
                "department": incident.department_id,
            },
            departments=_departments(incident.centre_id),
        ),
        "close_form": IncidentCloseForm(initial=version),
        "dismiss_form": IncidentDismissForm(initial=version),
        "dispatch_form": IncidentVersionForm(initial=version),
        "order_form": IncidentOrderForm(),
    }
    context.update(forms or {})
    return context


@login_required
def incident_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = queries.incident_get_for_user(request_user(request), incident_id)
    return render(request, "insights/incidents/detail.html", _context(request, incident))


def _step(
    request: HttpRequest,
    incident: Incident,
    name: str,
    form: Any,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One step on the incident's page: the form `name` valid, the service `run` on its
    data, `done` said and the page again; refused, the page with the form as typed."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, done)
            return redirect("insights_incident", incident.pk)
    incident = queries.incident_get_for_user(request_user(request), incident.pk)
    return render(
        request,
        "insights/incidents/detail.html",
        _context(request, incident, {name: form}),
        status=400,
    )


@login_required
@require_POST
def incident_change_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    form = IncidentChangeForm(request.POST, departments=_departments(incident.centre_id))
    return _step(
        request,
        incident,
        "change_form",
        form,
        lambda data: services.incident_change(
            actor=user,
            incident=incident,
            version=data["version"],
            title=data["title"],
            script=data["script"],
            department_id=data["department"],
        ),
        _("Saved; agents see the new script."),
    )


@login_required
@require_POST
def incident_dispatch_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    return _step(
        request,
        incident,
        "dispatch_form",
        IncidentVersionForm(request.POST),
        lambda data: services.incident_dispatch(
            actor=user, incident=incident, version=data["version"]
        ),
        _("The work order is with the department."),
    )


@login_required
@require_POST
def incident_order_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    return _step(
        request,
        incident,
        "order_form",
        IncidentOrderForm(request.POST),
        lambda data: services.incident_order_attach(
            actor=user, incident=incident, number=data["number"]
        ),
        _("The work order is a child order of the incident now."),
    )


@login_required
@require_POST
def incident_report_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    told = services.incident_report_send(actor=user, incident=incident)
    messages.success(
        request,
        _("Instant report sent to %(n)s people.") % {"n": told}
        if told
        else _("These figures were sent already."),
    )
    return redirect("insights_incident", incident.pk)


@login_required
@require_POST
def incident_close_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    return _step(
        request,
        incident,
        "close_form",
        IncidentCloseForm(request.POST),
        lambda data: services.incident_close(
            actor=user, incident=incident, version=data["version"], reply=data["reply"]
        ),
        _("Incident closed: the reply goes to every customer."),
    )


@login_required
@require_POST
def incident_dismiss_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    return _step(
        request,
        incident,
        "dismiss_form",
        IncidentDismissForm(request.POST),
        lambda data: services.incident_dismiss(
            actor=user, incident=incident, version=data["version"], note=data["note"]
        ),
        _("Dismissed as a false alarm."),
    )


@login_required
@require_POST
def incident_attach_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Attach a contact: from the workbench (htmx: the panel comes back) or the page."""
    user = request_user(request)
    incident = queries.incident_get_for_user(user, incident_id)
    form = IncidentContactForm(request.POST)
    problem = ""
    if form.is_valid():
        try:
            services.incident_contact_attach(
                actor=user, incident=incident, contact_id=form.cleaned_data["contact_id"]
            )
        except DomainError as refused:
            problem = str(refused.message)
    else:
        problem = _("Choose a contact.")
    if request.headers.get("HX-Request"):
        return _panel(request, problem=problem)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("The contact is attached to the incident."))
    return redirect("insights_incident", incident.pk)


def _panel(request: HttpRequest, problem: str = "") -> HttpResponse:
    user = request_user(request)
    form = WorkbenchPanelForm(request.POST or request.GET)
    caller, customer_id = "", None
    if form.is_valid():
        caller, customer_id = form.cleaned_data["caller"], form.cleaned_data["customer"]
    context = _panel_context(user, caller, customer_id)
    return render(
        request, "insights/incidents/partials/workbench.html", {**context, "problem": problem}
    )


def _panel_context(user: User, caller: str, customer_id: int | None) -> dict[str, Any]:
    if not queries.incidents_of(user).filter(state=IncidentState.OPEN).exists():
        return {"rows": [], "caller": caller, "customer_id": customer_id}
    customer = (
        Customer.objects.filter(pk=customer_id, centre_id=user.centre_id).first()
        if customer_id
        else None
    )
    contact = queries.recent_contact(user, customer.pk if customer else None, caller)
    region_id = (contact.region_id if contact else None) or (
        customer.region_id if customer else None
    )
    attached = queries.attached_incident(contact.pk) if contact is not None else None
    rows = [
        {
            "incident": incident,
            "suggested": queries.suggested(incident, contact, region_id),
        }
        for incident in queries.open_incidents_for(user, region_id)
    ]
    rows.sort(key=lambda row: not row["suggested"])
    return {
        "rows": rows,
        "contact": contact,
        "attached": attached,
        "caller": caller,
        "customer_id": customer_id or "",
    }


@login_required
def workbench_panel(request: HttpRequest) -> HttpResponse:
    """The workbench's incident panel (loaded by htmx at screen pop and after a contact
    is recorded): the open incidents, the caller's likely one first with its script, and
    the button that attaches the contact just recorded."""
    if not queries.may_view(request_user(request)):
        return HttpResponse("")
    return _panel(request)
