"""The supervision pages (issue 20 point 1): `rounds` the rounds and a round's page,
`rectifications` the rectifications and their re-checks, `compliance` who made their daily
rounds, `checklists` the centre's checklists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from kefu.core.navigation import first_tab
from kefu.supervision.navigation import TABS


@login_required
def supervision_page(request: HttpRequest) -> HttpResponse:
    return first_tab(TABS, request)
