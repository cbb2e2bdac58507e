"""The back office's callbacks (issue 19 point 1): "my callbacks", one task with the
customer, the contact or work order it follows, the script and the outcome form; and the
results by touchpoint, team, agent and kind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.contacts.models import Channel
from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse, start_of
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.core.models import User
from kefu.core.navigation import tab_strip
from kefu.core.roles import MANAGE_OUTREACH, VIEW_SATISFACTION, WORK_CALLBACKS
from kefu.satisfaction.forms import GROUPING_CHOICES, AttemptForm, ResultsForm, RuleForm
from kefu.satisfaction.models import CallbackKind, CallbackTask
from kefu.satisfaction.navigation import TABS
from kefu.satisfaction.queries.callbacks import (
    attempts_of,
    callback_results,
    callback_task_get_for_user,
    my_callbacks,
    rules_of_centre,
)
from kefu.satisfaction.queries.surveys import callback_survey
from kefu.satisfaction.services.callbacks import (
    callback_attempt_record,
    callback_rule_set,
    may_work,
)

MY_LIMIT = 100


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"tabs": tab_strip(TABS, request), **extra}


def _task_context(user: User, task: CallbackTask, form: AttemptForm | None) -> dict[str, Any]:
    customer = task.customer
    surveyed = task.call_list is not None and task.call_list.survey_id is not None
    return {
        # The survey of an outbound list's call: recorded, or a link to record it.
        "call_survey": callback_survey(task.pk, task.centre_id).invitation if surveyed else None,
        "may_survey": surveyed and may_work(user, task),
        "task": task,
        "phones": ", ".join(mask_phone(phone.number) for phone in customer.phones.all()),
        "attempts": attempts_of(task),
        "script": task.script.replace("{name}", customer.name),
        "form": form or AttemptForm(initial={"version": task.version}),
        "may_work": may_work(user, task) and task.state == "open",
        "now": timezone.now(),
    }


@login_required
def my_callbacks_page(request: HttpRequest, task_id: int | None = None) -> HttpResponse:
    """The user's open callbacks, soonest due first, beside the one chosen (the first)."""
    user = request_user(request)
    if not user.has_perm(WORK_CALLBACKS):
        raise Forbidden()
    tasks = list(my_callbacks(user)[:MY_LIMIT])
    chosen = (
        callback_task_get_for_user(user, task_id)
        if task_id is not None
        else (tasks[0] if tasks else None)
    )
    context = _context(request, tasks=tasks, kinds=dict(CallbackKind.choices))
    if chosen is not None:
        context.update(_task_context(user, chosen, None))
    return render(request, "satisfaction/my_callbacks.html", context)


@login_required
@require_POST
def attempt_view(request: HttpRequest, task_id: int) -> HttpResponse:
    """Record a call on a task; a refused form comes back with what was typed."""
    user = request_user(request)
    task = callback_task_get_for_user(user, task_id)
    form = AttemptForm(request.POST)
    if form.is_valid():
        try:
            callback_attempt_record(
                actor=user,
                task_id=task.pk,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The callback was recorded."))
            return redirect("satisfaction_my_callbacks")
    task = callback_task_get_for_user(user, task_id)
    context = _context(request, tasks=list(my_callbacks(user)[:MY_LIMIT]))
    context.update(_task_context(user, task, form))
    return render(request, "satisfaction/my_callbacks.html", context, status=400)


@login_required
def results_page(request: HttpRequest) -> HttpResponse:
    """The outcomes of the callbacks closed in a period, by touchpoint, team, agent or kind."""
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION):
        raise Forbidden()
    today = timezone.localdate()
    initial: dict[str, Any] = {"since": today.replace(day=1), "until": today, "by": "touchpoint"}
    chosen = any(key in request.GET for key in initial)
    form = ResultsForm(request.GET if chosen else initial)
    period = form.cleaned_data if form.is_valid() else initial
    start = start_of(period["since"])
    end = start_of(period["until"] + dt.timedelta(days=1))
    rows = callback_results(user, since=start, until=end, by=period["by"])
    labels: dict[str, Any] = {}
    if period["by"] == "touchpoint":
        labels = dict(Channel.choices)
    elif period["by"] == "kind":
        labels = dict(CallbackKind.choices)
    shown = [(labels.get(row.group, row.group) or _("Unknown"), row.tally) for row in rows]
    return render(
        request,
        "satisfaction/callback_results.html",
        _context(request, form=form, rows=shown, grouping=dict(GROUPING_CHOICES)[period["by"]]),
    )


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    """The centre's callback rules; who keeps them writes one by name (a rule of that name
    is changed)."""
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION):
        raise Forbidden()
    may_change = user.has_perm(MANAGE_OUTREACH)
    form = RuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise Forbidden()
        if form.is_valid():
            data = form.cleaned_data
            try:
                callback_rule_set(
                    actor=user,
                    name=data["name"],
                    kind=data["kind"],
                    channel=data["channel"],
                    rate=data["rate"],
                    delay_days=data["delay_days"],
                    due_days=data["due_days"],
                    max_attempts=data["max_attempts"],
                    retry_hours=data["retry_hours"],
                    script=data["script"],
                    assignment=data["assignment"],
                    active=data["active"],
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The callback rule was saved."))
                return redirect("satisfaction_callback_rules")
        status = 400
    return render(
        request,
        "satisfaction/callback_rules.html",
        _context(request, rules=list(rules_of_centre(user)), form=form, may_change=may_change),
        status=status,
    )
