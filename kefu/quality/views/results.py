"""The results page (issue 18 points 2 and 8; 001 4.6): the monitoring score of the
centre, each team and each agent with its sample size and 95 % interval, whether it can
be told apart from the whole, its months, the most frequent faults and the phrases most
often missed."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Forbidden
from kefu.core.forms import DateInput, start_of
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.quality.queries import evaluations_visible_to, sees_results
from kefu.quality.queries.results import results
from kefu.quality.rule_names import RULE_NAMES

MAX_DAYS = 366
STANDING = {
    "above": _("Above the whole"),
    "below": _("Below the whole"),
    "unclear": _("Cannot be told apart"),
}


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DateInput())
    until = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date):
            if until < since:
                self.add_error("until", _("The end comes before the start."))
            elif (until - since).days > MAX_DAYS:
                self.add_error("until", _("Choose at most a year."))
        return data


@login_required
def results_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not sees_results(user):
        raise Forbidden()
    today = timezone.localdate()
    initial = {"since": today.replace(day=1), "until": today}
    chosen = "since" in request.GET or "until" in request.GET
    form = PeriodForm(request.GET if chosen else initial)
    period = form.cleaned_data if form.is_valid() else initial
    start = start_of(period["since"])
    end = start_of(period["until"] + dt.timedelta(days=1))
    found = results(evaluations_visible_to(user), start, end)
    missed = [(RULE_NAMES.get(rule, rule), detail, n) for rule, detail, n in found.missed]
    # A page of agents at a time (a centre has hundreds), highest mean first or lowest.
    lowest = request.GET.get("order") == "low"
    agents = list(reversed(found.agents)) if lowest else found.agents
    page, query = page_of(request, agents)
    return render(
        request,
        "quality/results.html",
        {
            "form": form,
            "results": found,
            "missed": missed,
            "standing": STANDING,
            "page": page,
            "query": query,
            "lowest": lowest,
            "period_query": urlencode(
                {key: request.GET[key] for key in ("since", "until") if key in request.GET}
            ),
        },
        status=200 if form.is_valid() or not chosen else 400,
    )
