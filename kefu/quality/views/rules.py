"""The automatic checks page (issue 18 point 7): each family of the rule set with where
the seeds ask for it, its points, its example calls, its precision and recall on the
centre's confirmed scores, and the switch that puts it live or takes it off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.http import request_user
from kefu.quality.queries import may_edit_scorecards
from kefu.quality.queries.rules import check_rows
from kefu.quality.rule_names import RULE_NAMES
from kefu.quality.services.transcripts import rule_switch_set


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_edit_scorecards(user) or user.centre_id is None:
        raise Forbidden()
    return render(request, "quality/rules.html", {"rows": check_rows(user.centre_id)})


@login_required
@require_POST
def rule_switch_view(request: HttpRequest, family: str) -> HttpResponse:
    live = request.POST.get("live") == "1"
    try:
        rule_switch_set(actor=request_user(request), family=family, live=live)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        name = RULE_NAMES.get(family, family)
        if live:
            messages.success(request, _("%(name)s is live.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is off.") % {"name": name})
    return redirect("quality_rules")
