"""The quality pages (issue 18): the inspector's queue and scoring page, one score with the
agent's acknowledgement or appeal and its decision, the agent's own scores, the appeals to
decide, the results, the scorecards and sampling plans, calibration. Thin: the services
write, the queries read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from kefu.core.navigation import first_tab
from kefu.quality.navigation import TABS


@login_required
def quality_page(request: HttpRequest) -> HttpResponse:
    """/quality/: the first tab the user's role may open."""
    return first_tab(TABS, request)
