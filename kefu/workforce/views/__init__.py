"""The workforce pages: the hub sends each role to its first tab."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kefu.core.errors import Forbidden
from kefu.core.http import request_user
from kefu.workforce.navigation import tabs_for


@login_required
def workforce_page(request: HttpRequest) -> HttpResponse:
    tabs = tabs_for(request_user(request).role)
    if not tabs:
        raise Forbidden()
    return redirect(tabs[0].url_name)
