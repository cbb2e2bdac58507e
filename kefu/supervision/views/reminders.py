"""The leader's "remind" button on the team-reports page (issue 20 point 6; 002 第14篇):
for one person or for everyone who has not submitted the period's report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.http import request_user
from kefu.supervision.models import ReportKind
from kefu.supervision.services import reminders as services


@login_required
def reports_remind_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kind = request.POST.get("kind", "")
    day_text = request.POST.get("day", "")
    back = reverse("supervision_team_reports")
    if kind in ReportKind.values:
        back += f"?kind={kind}&day={day_text}"
        team = request.POST.get("team", "")
        if team.isdigit():
            back += f"&team={team}"
    if request.method != "POST":
        return redirect(back)
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        messages.error(request, _("Choose the period again."))
        return redirect(back)
    person = request.POST.get("person", "")
    ids = [int(person)] if person.isdigit() else None
    try:
        told = services.reports_remind(actor=user, kind=kind, day=day, person_ids=ids)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        if told:
            messages.success(
                request,
                _("Reminded: %(names)s.") % {"names": "、".join(str(p) for p in told)},
            )
        else:
            messages.info(request, _("Nobody to remind: already reminded today, or submitted."))
    return redirect(back)
