"""The quality pages (issue 18): the inspector's queue and scoring page, one score with the
agent's acknowledgement or appeal and its decision, the agent's own scores, the appeals to
decide, the results, the scorecards and sampling plans, calibration. Thin: the services
write, the queries read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kefu.core.errors import Forbidden
from kefu.core.http import request_user
from kefu.quality.navigation import tabs_for


@login_required
def quality_page(request: HttpRequest) -> HttpResponse:
    """/quality/: the first tab the user's role may open."""
    tabs = tabs_for(request_user(request).role)
    if not tabs:
        raise Forbidden()
    return redirect(tabs[0].url_name)
