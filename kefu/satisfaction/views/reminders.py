"""The reminder plan pages (issue 19, point 4): a centre's reminder rules with how many
reminders each has written, a new rule, one rule's changes, and a start on the plan of
002 第2篇. For those who keep outreach (MANAGE_OUTREACH)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.satisfaction.queries.reminders import rule_get_for_user, rules_visible_to
from kefu.satisfaction.reminder_forms import ReminderRuleForm
from kefu.satisfaction.services import reminders as services

FIELDS = services.RULE_FIELDS


def _values(form: ReminderRuleForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in FIELDS}


@login_required
def reminder_rules_page(request: HttpRequest) -> HttpResponse:
    """The centre's rules, and a new one."""
    user = request_user(request)
    rules = list(rules_visible_to(user))
    form = ReminderRuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rule_create(actor=user, **_values(form))
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The reminder rule is saved."))
                return redirect("satisfaction_reminder_rules")
        status = 400
    return render(
        request, "satisfaction/reminder_rules.html", {"rules": rules, "form": form}, status=status
    )


@login_required
def reminder_rule_page(request: HttpRequest, rule_id: int) -> HttpResponse:
    """One rule's changes (the version read travels with the form)."""
    user = request_user(request)
    rule = rule_get_for_user(user, rule_id)
    initial = {name: getattr(rule, name) for name in FIELDS} | {"version": rule.version}
    form = ReminderRuleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rule_update(
                    actor=user,
                    rule_id=rule.pk,
                    version=form.cleaned_data["version"] or 0,
                    **_values(form),
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The reminder rule is saved."))
                return redirect("satisfaction_reminder_rules")
        status = 400
    return render(
        request, "satisfaction/reminder_rule.html", {"rule": rule, "form": form}, status=status
    )


@login_required
@require_POST
def reminder_rules_seed_view(request: HttpRequest) -> HttpResponse:
    services.reminder_rules_seed(actor=request_user(request))
    messages.success(request, _("The reminder plan of the service standard is added."))
    return redirect("satisfaction_reminder_rules")
