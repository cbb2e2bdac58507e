"""The satisfaction pages, one module a concern (issue 19): the back office's callbacks and
their results (`callbacks`), the dissatisfied-customer list and its repair
(`dissatisfied`), surveys (`surveys`), notices (`notices`), appointments
(`appointments`); `satisfaction_page` sends each role to its first tab."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from kefu.core.navigation import first_tab
from kefu.satisfaction.navigation import TABS


@login_required
def satisfaction_page(request: HttpRequest) -> HttpResponse:
    """/satisfaction/: the first tab the user's role may open."""
    return first_tab(TABS, request)
