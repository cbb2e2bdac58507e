"""The centre's checklists (001 4.2): the list, a checklist's current items and versions,
and editing one (which saves a new version; rounds keep theirs)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.core.models import OrgUnit
from kefu.supervision import queries
from kefu.supervision.forms import ChecklistForm, checklist_initial
from kefu.supervision.models import Checklist, ChecklistItem, Section
from kefu.supervision.services import checklists as services


def _require(request: HttpRequest) -> None:
    if not queries.may_manage_checklists(request_user(request)):
        raise Forbidden()


@login_required
def checklists_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    checklists = list(queries.checklists_of(request_user(request)).order_by("kind", "name"))
    return render(request, "supervision/checklists.html", {"checklists": checklists})


@login_required
@require_POST
def checklists_defaults_view(request: HttpRequest) -> HttpResponse:
    _require(request)
    user = request_user(request)
    if user.centre_id is None:
        raise Forbidden()
    centre = OrgUnit.objects.get(pk=user.centre_id)
    written = services.checklists_ensure(centre=centre)
    messages.success(request, _("%(n)d default checklists added.") % {"n": written})
    return redirect("supervision_checklists")


def _sections(items: list[ChecklistItem]) -> list[tuple[Any, list[ChecklistItem]]]:
    return [
        (label, [item for item in items if item.section == value])
        for value, label in Section.choices
        if any(item.section == value for item in items)
    ]


def _form_page(
    request: HttpRequest, checklist: Checklist | None, form: ChecklistForm, status: int
) -> HttpResponse:
    versions = list(checklist.versions.all()) if checklist else []
    items = list(versions[0].items.all()) if versions else []
    return render(
        request,
        "supervision/checklist.html",
        {
            "checklist": checklist,
            "form": form,
            "versions": versions,
            "sections": _sections(items),
        },
        status=status,
    )


def _save(request: HttpRequest, checklist: Checklist | None, form: ChecklistForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.checklist_save(
            actor=request_user(request),
            checklist=checklist,
            kind=data["kind"],
            name=data["name"],
            active=data["active"],
            items=data["items"],
            note=data["note"],
        )
    except DomainError as refused:
        refuse(form, refused)
        return False
    return True


@login_required
def checklist_new_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = ChecklistForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and _save(request, None, form):
        messages.success(request, _("The checklist is saved."))
        return redirect("supervision_checklists")
    return _form_page(request, None, form, 400 if form.is_bound else 200)


@login_required
def checklist_page(request: HttpRequest, checklist_id: int) -> HttpResponse:
    _require(request)
    checklist = queries.checklist_get_for_user(request_user(request), checklist_id)
    current = queries.current_version(checklist)
    items = list(current.items.all()) if current else []
    form = ChecklistForm(
        request.POST or None,
        initial=checklist_initial(checklist, items),
        sources={item.text: item.source for item in items},
    )
    if request.method == "POST" and _save(request, checklist, form):
        messages.success(request, _("A new version of the checklist is saved."))
        return redirect("supervision_checklist", checklist.pk)
    return _form_page(request, checklist, form, 400 if form.is_bound else 200)
