"""The dissatisfied-customer list and its repair (issue 19 point 3; 003 二(一)3): the
list with its indicators by month, one entry with its reasons, plan, steps, contacts and
outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse, start_of
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.core.models import User
from kefu.core.navigation import tab_strip
from kefu.core.roles import REPAIR_DISSATISFIED
from kefu.satisfaction.forms import CloseForm, ListFilterForm, PlanForm, RepairContactForm
from kefu.satisfaction.models import DissatisfiedEntry, EntryState
from kefu.satisfaction.navigation import TABS
from kefu.satisfaction.queries.dissatisfied import (
    dissatisfied_get_for_user,
    dissatisfied_indicators,
    dissatisfied_list,
    may_see_list,
)
from kefu.satisfaction.services import dissatisfied as services

MONTHS = 6


def month_periods(today: dt.date, months: int = MONTHS) -> list[tuple[dt.datetime, dt.datetime]]:
    """The last `months` calendar months, this one included, oldest first."""
    starts = []
    first = today.replace(day=1)
    for _n in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    starts.reverse()
    ends = [*starts[1:], (starts[-1] + dt.timedelta(days=32)).replace(day=1)]
    return [(start_of(a), start_of(b)) for a, b in zip(starts, ends, strict=True)]


@login_required
def dissatisfied_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_see_list(user):
        raise Forbidden()
    form = ListFilterForm(request.GET)
    state, q = ("open", "")
    if form.is_valid():
        state = form.cleaned_data["state"] or "open"
        q = form.cleaned_data["q"]
    page, query = page_of(request, dissatisfied_list(user, state=state, q=q))
    figures = dissatisfied_indicators(user, month_periods(timezone.localdate()))
    return render(
        request,
        "satisfaction/dissatisfied_list.html",
        {
            "tabs": tab_strip(TABS, request),
            "form": form,
            "page": page,
            "query": query,
            "figures": figures,
            "now": timezone.now(),
        },
    )


def _entry_context(
    request: HttpRequest, user: User, entry: DissatisfiedEntry, **forms: Any
) -> dict[str, Any]:
    may_repair = user.has_perm(REPAIR_DISSATISFIED) and entry.exited_at is None
    return {
        "tabs": tab_strip(TABS, request),
        "entry": entry,
        "may_repair": may_repair,
        "may_check": may_repair and entry.state == EntryState.OPEN,
        "plan_form": forms.get("plan_form")
        or PlanForm(
            initial={
                "owner": entry.owner.username if entry.owner else user.username,
                "deadline": entry.deadline,
                "goal": entry.goal,
                "version": entry.version,
            }
        ),
        "contact_form": forms.get("contact_form")
        or RepairContactForm(initial={"channel": "outbound"}),
        "close_form": forms.get("close_form") or CloseForm(),
        "today": timezone.localdate(),
    }


@login_required
def entry_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    entry = dissatisfied_get_for_user(user, entry_id)
    return render(
        request, "satisfaction/dissatisfied_entry.html", _entry_context(request, user, entry)
    )


def _refused(request: HttpRequest, user: User, entry_id: int, **forms: Any) -> HttpResponse:
    entry = dissatisfied_get_for_user(user, entry_id)
    context = _entry_context(request, user, entry, **forms)
    return render(request, "satisfaction/dissatisfied_entry.html", context, status=400)


@login_required
@require_POST
def plan_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        steps = [(data["step"], data["step_due"])] if data["step"] else []
        try:
            services.repair_plan_set(
                actor=user,
                entry_id=entry_id,
                owner_username=data["owner"],
                deadline=data["deadline"],
                goal=data["goal"],
                steps=steps,
                version=data["version"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The repair plan was saved."))
            return redirect("satisfaction_dissatisfied_entry", entry_id)
    return _refused(request, user, entry_id, plan_form=form)


@login_required
@require_POST
def step_done_view(request: HttpRequest, entry_id: int, step_id: int) -> HttpResponse:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    services.repair_step_done(actor=user, entry_id=entry_id, step_id=step_id)
    return redirect("satisfaction_dissatisfied_entry", entry_id)


@login_required
@require_POST
def contact_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    form = RepairContactForm(request.POST)
    if form.is_valid():
        try:
            services.repair_contact_record(
                actor=user,
                entry_id=entry_id,
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The contact was recorded."))
            return redirect("satisfaction_dissatisfied_entry", entry_id)
    return _refused(request, user, entry_id, contact_form=form)


@login_required
@require_POST
def check_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    try:
        services.repair_check_request(actor=user, entry_id=entry_id)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("A callback will check whether the repair worked."))
    return redirect("satisfaction_dissatisfied_entry", entry_id)


@login_required
@require_POST
def close_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    dissatisfied_get_for_user(user, entry_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.dissatisfied_close(
                actor=user,
                entry_id=entry_id,
                repaired=form.cleaned_data["repaired"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The customer has left the list."))
            return redirect("satisfaction_dissatisfied_entry", entry_id)
    return _refused(request, user, entry_id, close_form=form)
