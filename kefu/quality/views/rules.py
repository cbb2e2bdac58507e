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
from kefu.core.models import OrgUnit
from kefu.quality import checks
from kefu.quality.queries import may_edit_scorecards
from kefu.quality.queries.rules import confirmed, live_families
from kefu.quality.rule_names import RULE_NAMES
from kefu.quality.services.transcripts import rule_switch_set


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_edit_scorecards(user) or user.centre_id is None:
        raise Forbidden()
    centre = OrgUnit.objects.get(pk=user.centre_id)
    found = confirmed(centre)
    live = live_families(centre.pk)
    examples = checks.examples()
    rules = checks.default_rules().rules
    rows = []
    for family in checks.FAMILIES:
        mine = [rule for rule in rules if rule.family == family]
        rows.append(
            {
                "family": family,
                "name": RULE_NAMES.get(family, family),
                "titles": [rule.title for rule in mine],
                "source": mine[0].source if mine else "",
                "points": sum(rule.points for rule in mine),
                "positive": len(examples.get(family, {}).get("positive", [])),
                "negative": len(examples.get(family, {}).get("negative", [])),
                "confirmed": found.get(family),
                "live": family in live,
            }
        )
    return render(request, "quality/rules.html", {"rows": rows})


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
