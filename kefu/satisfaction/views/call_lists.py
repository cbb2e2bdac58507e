"""Outbound call lists (issue 19 point 5): the centre's lists with the counts of their
calls and a form to create one; a list with its outcomes, its calls, and the buttons to
fill it by its rule or with account numbers, and to close it. The agents work the calls
in "my callbacks"."""

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
from kefu.core.navigation import tab_strip
from kefu.core.roles import MANAGE_OUTREACH, VIEW_SATISFACTION
from kefu.satisfaction.call_list_forms import CallListForm, FillForm
from kefu.satisfaction.models import CallList
from kefu.satisfaction.navigation import TABS
from kefu.satisfaction.queries.call_lists import (
    call_list_get_for_user,
    calls_of,
    counts_of,
    lists_visible_to,
)
from kefu.satisfaction.services.call_lists import call_list_close, call_list_create, call_list_fill

LISTS_SHOWN = 100
REASONS = {
    "format": _("not an account number"),
    "unknown": _("no customer of this centre has it"),
    "too_many": _("more than 5,000 numbers: the rest was not read"),
}


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"tabs": tab_strip(TABS, request), **extra}


@login_required
def lists_page(request: HttpRequest) -> HttpResponse:
    """The centre's lists, newest first, with their calls to make, made and unreachable;
    who keeps the centre's outreach creates one (a refused form keeps what was typed)."""
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION):
        raise Forbidden()
    may_change = user.has_perm(MANAGE_OUTREACH)
    form = CallListForm(request.POST or None, centre_id=user.centre_id)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise Forbidden()
        if form.is_valid():
            data = form.cleaned_data
            try:
                created, _made = call_list_create(
                    actor=user,
                    name=data["name"],
                    purpose=data["purpose"],
                    fill_rule=data["fill_rule"],
                    business_type_id=data["business_type"].pk if data["business_type"] else None,
                    tier=data["tier"],
                    region_id=data["region"].pk if data["region"] else None,
                    sample_size=data["sample_size"] or 0,
                    script=data["script"],
                    survey_id=data["survey"].pk if data["survey"] else None,
                    due_on=data["due_on"],
                    max_attempts=data["max_attempts"],
                    retry_hours=data["retry_hours"],
                    team_id=data["team"].pk if data["team"] else None,
                    assignment=data["assignment"],
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The list was created. Fill it to add the calls."))
                return redirect("satisfaction_call_list", created.pk)
        status = 400
    lists = list(lists_visible_to(user)[:LISTS_SHOWN])
    counts = counts_of([each.pk for each in lists])
    rows = [(each, counts[each.pk]) for each in lists]
    return render(
        request,
        "satisfaction/call_lists.html",
        _context(request, rows=rows, form=form, may_change=may_change),
        status=status,
    )


def _list_context(
    request: HttpRequest, call_list: CallList, fill_form: FillForm | None, **extra: Any
) -> dict[str, Any]:
    user = request_user(request)
    counts = counts_of([call_list.pk])[call_list.pk]
    return _context(
        request,
        call_list=call_list,
        counts=counts,
        tally=counts.tally,
        calls=calls_of(call_list),
        fill_form=fill_form or FillForm(),
        may_change=user.has_perm(MANAGE_OUTREACH) and call_list.state == "open",
        **extra,
    )


@login_required
def list_page(request: HttpRequest, list_id: int) -> HttpResponse:
    call_list = call_list_get_for_user(request_user(request), list_id)
    return render(request, "satisfaction/call_list.html", _list_context(request, call_list, None))


@login_required
@require_POST
def fill_view(request: HttpRequest, list_id: int) -> HttpResponse:
    """Fill by the list's rule (no account numbers sent) or with the account numbers
    pasted or uploaded; refused numbers are listed by line and nothing is added."""
    user = request_user(request)
    call_list = call_list_get_for_user(user, list_id)
    if not user.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    by_accounts = request.POST.get("by") == "accounts"
    form = FillForm(request.POST, request.FILES) if by_accounts else None
    bad_rows: list[dict[str, Any]] = []
    if form is None or form.is_valid():
        try:
            result = call_list_fill(
                actor=user,
                list_id=call_list.pk,
                accounts=form.cleaned_data["accounts"] if form is not None else None,
            )
        except DomainError as refused:
            if isinstance(refused.detail, dict):
                bad_rows = [
                    {**row, "reason": REASONS.get(row["reason"], row["reason"])}
                    for row in refused.detail.get("rows", [])
                ]
            if form is None:
                messages.error(request, str(refused.message))
                return redirect("satisfaction_call_list", call_list.pk)
            refuse(form, refused)
        else:
            messages.success(
                request,
                _("%(written)s calls added, %(already)s already on the list.")
                % {"written": result.written, "already": result.already},
            )
            if result.more:
                messages.info(request, _("The rule found more customers: fill again."))
            if result.unassigned:
                messages.warning(
                    request,
                    _("No agent works this list yet: the calls wait for one."),
                )
            return redirect("satisfaction_call_list", call_list.pk)
    call_list = call_list_get_for_user(user, list_id)
    return render(
        request,
        "satisfaction/call_list.html",
        _list_context(request, call_list, form, bad_rows=bad_rows),
        status=400,
    )


@login_required
@require_POST
def close_view(request: HttpRequest, list_id: int) -> HttpResponse:
    user = request_user(request)
    call_list = call_list_get_for_user(user, list_id)
    if not user.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    try:
        call_list_close(actor=user, list_id=call_list.pk)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The list was closed; the calls not made were cancelled."))
    return redirect("satisfaction_call_list", call_list.pk)
