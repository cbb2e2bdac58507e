"""The spike rules page (issue 21 point 1, "thresholds editable, with a minimum count"):
managers set when a count of fault contacts in 15 minutes opens a major incident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kefu.core.errors import DomainError
from kefu.core.http import request_user
from kefu.insights.models import SpikeRule
from kefu.insights.queries.spikes import (
    rule_reasons,
    spike_rule_get_for_user,
    spike_rules_visible_to,
)
from kefu.insights.services.spike_rules import spike_rule_delete, spike_rule_save
from kefu.insights.spike_forms import SpikeRuleForm
from kefu.insights.spikes import DEFAULT_RULE


def _initial(rule: SpikeRule) -> dict[str, object]:
    return {
        "region": rule.region_id,
        "reason": rule.reason_id,
        "min_count": rule.min_count,
        "ratio": rule.ratio,
        "active": rule.active,
    }


def _save(request: HttpRequest, form: SpikeRuleForm, rule: SpikeRule | None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        spike_rule_save(
            actor=request_user(request),
            rule=rule,
            region_id=data["region"].pk if data["region"] else None,
            reason_id=data["reason"].pk if data["reason"] else None,
            min_count=data["min_count"],
            ratio=data["ratio"],
            active=data["active"],
        )
    except DomainError as refused:
        form.add_error(None, str(refused.message))
        return False
    messages.success(request, _("The spike rule is saved."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def spike_rules_page(request: HttpRequest) -> HttpResponse:
    """The centre's rules and a form for a new one; a refused form keeps what was typed."""
    user = request_user(request)
    rules = list(spike_rules_visible_to(user))
    form = SpikeRuleForm(request.POST or None, reasons=rule_reasons(user))
    if request.method == "POST" and _save(request, form, None):
        return redirect("insights_spike_rules")
    return render(
        request,
        "insights/spikes/rules.html",
        {"rules": rules, "form": form, "default": DEFAULT_RULE},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def spike_rule_page(request: HttpRequest, rule_id: int) -> HttpResponse:
    user = request_user(request)
    rule = spike_rule_get_for_user(user, rule_id)
    if request.method == "POST" and "delete" in request.POST:
        try:
            spike_rule_delete(actor=user, rule=rule)
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("The spike rule is deleted."))
        return redirect("insights_spike_rules")
    form = SpikeRuleForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(rule),
        reasons=rule_reasons(user),
    )
    if request.method == "POST" and _save(request, form, rule):
        return redirect("insights_spike_rules")
    return render(
        request,
        "insights/spikes/rule.html",
        {"rule": rule, "form": form},
        status=400 if form.errors else 200,
    )
