"""Who made their daily rounds (001 4.5): a row per team leader and manager, a column per
day, the days missed marked, those who missed most first; and the months without a spot
check by the customer-relations department."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kefu.core.errors import Forbidden
from kefu.core.http import request_user
from kefu.core.models import OrgUnit
from kefu.supervision import queries
from kefu.supervision.forms import ComplianceForm


@login_required
def compliance_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_view(user) or user.centre_id is None:
        raise Forbidden()
    teams = list(queries.teams_of(user.centre_id))
    last = timezone.localdate()
    first = last - timedelta(days=13)
    form = ComplianceForm(request.GET or None, teams=teams, initial={"first": first, "last": last})
    team_id = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            last = form.cleaned_data["last"] or last
            first = form.cleaned_data["first"] or last - timedelta(days=13)
            if first > last:
                first = last
            team_id = int(form.cleaned_data["team"]) if form.cleaned_data["team"] else None
        else:
            status = 400
    centre = OrgUnit.objects.select_related("calendar").get(pk=user.centre_id)
    result = queries.compliance_of(centre, first, last, team_id)
    return render(
        request,
        "supervision/compliance.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "result": result,
            "missed_rows": sum(1 for row in result.rows if row.missing),
        },
        status=status,
    )
