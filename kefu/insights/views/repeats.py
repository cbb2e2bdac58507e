"""Repeat contacts per call reason, and the open orders by escalation risk (issue 21
point 4)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.forms import DayField
from kefu.core.http import request_user
from kefu.insights.period import period_of
from kefu.insights.queries.repeats import repeats_by_reason
from kefu.insights.queries.risk import risky_orders
from kefu.insights.services.risk import risk_sweep_now

PAGE_SIZE = 50


class PeriodForm(forms.Form):
    since = DayField(label=_("From"), required=False)
    until = DayField(label=_("To (included)"), required=False)


@login_required
def repeats_page(request: HttpRequest) -> HttpResponse:
    """重复来电: per call reason, how many of its contacts repeat an earlier one, with the
    latest examples; a link to all of them in the contacts list."""
    user = request_user(request)
    form = PeriodForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    report, problem, days = None, "", None
    try:
        days = period_of(since, until)
        report = repeats_by_reason(user, days.start, days.end)
    except DomainError as error:
        if error.status == 403:
            raise
        problem = str(error.message)
    return render(
        request,
        "insights/repeats/repeats.html",
        {
            "form": form,
            "report": report,
            "days": days,
            "problem": problem,
            "until_exclusive": days.last + dt.timedelta(days=1) if days else None,
        },
        status=200 if not problem else 400,
    )


@login_required
def risk_page(request: HttpRequest) -> HttpResponse:
    """升级风险: the open orders by risk, highest first, with each reason and its points."""
    user = request_user(request)
    orders = Paginator(risky_orders(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "insights/repeats/risk.html", {"orders": orders})


@login_required
@require_POST
def risk_sweep_view(request: HttpRequest) -> HttpResponse:
    changed = risk_sweep_now(actor=request_user(request))
    messages.success(
        request,
        ngettext(
            "Scored again: %(n)d order changed.", "Scored again: %(n)d orders changed.", changed
        )
        % {"n": changed},
    )
    return redirect("insights_risk")
