"""The workforce pages: the hub sends each role to its first tab."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from kefu.core.navigation import first_tab
from kefu.workforce.navigation import TABS


@login_required
def workforce_page(request: HttpRequest) -> HttpResponse:
    return first_tab(TABS, request)
