"""Call-reason suggestions on pages (issue 21 point 2): the workbench's suggestions as the
agent types the summary (an htmx fragment the workbench includes; the contacts app imports
nothing of insights), and the managers' page of the model: its held-out figures, the
acceptance rate from use, training it again and the threshold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.insights.queries import reasons as queries
from kefu.insights.reasons import MAX_TEXT, MIN_TRAINING_CONTACTS
from kefu.insights.services import reasons as services


class SuggestForm(forms.Form):
    """What the workbench's contact form sends as the agent types (the rest is ignored)."""

    summary = forms.CharField(max_length=MAX_TEXT, required=False, strip=False)
    submission = forms.RegexField(regex=services.SESSION_PATTERN, required=False)


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Lowest confidence shown"),
        min_value=Decimal("0.01"),
        max_value=Decimal("0.99"),
        decimal_places=2,
    )


@login_required
@require_POST
def suggest_fragment(request: HttpRequest) -> HttpResponse:
    """The top three reasons of the summary typed so far, as buttons that fill the
    call-reason box; nothing when the summary is empty, too long or no reason is sure
    enough."""
    user = request_user(request)
    form = SuggestForm(request.POST)
    choices: list[queries.ReasonChoice] = []
    if form.is_valid() and queries.may_suggest(user) and user.centre_id is not None:
        summary = form.cleaned_data["summary"]
        if summary.strip():
            try:
                found = services.reason_suggest(
                    actor=user, summary=summary, session=form.cleaned_data["submission"] or ""
                )
            except DomainError:
                found = None
            choices = found.choices if found else []
    return render(request, "insights/reasons/suggestions.html", {"choices": choices})


def _page_context(user: User, threshold_form: ThresholdForm | None = None) -> dict[str, Any]:
    try:
        model = queries.reason_model_get_for_user(user)
    except NotFound:
        model = None
    centre_id = user.centre_id or 0
    threshold = queries.threshold_of(centre_id)
    return {
        "model": model,
        "top1_pct": model.top1 * 100 if model else None,
        "top3_pct": model.top3 * 100 if model else None,
        "rows": queries.per_reason_rows(model) if model else [],
        "acceptance": [
            queries.acceptance(centre_id, days=days) for days in queries.ACCEPTANCE_WINDOWS
        ],
        "threshold": threshold,
        "threshold_form": threshold_form or ThresholdForm(initial={"threshold": threshold}),
        "minimum": MIN_TRAINING_CONTACTS,
    }


@login_required
def reasons_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_manage(user):
        raise Forbidden()
    return render(request, "insights/reasons/model.html", _page_context(user))


@login_required
@require_POST
def reasons_train(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        model = services.reason_model_train(actor=user)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The model was trained on %(size)s contacts: top-1 accuracy %(top1).1f %%.")
            % {"size": model.size, "top1": model.top1 * 100},
        )
    return redirect("insights_reasons")


@login_required
@require_POST
def reasons_threshold(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_manage(user):
        raise Forbidden()
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            services.reason_threshold_set(actor=user, threshold=form.cleaned_data["threshold"])
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Threshold saved."))
            return redirect("insights_reasons")
    context = _page_context(user, form)
    return render(request, "insights/reasons/model.html", context, status=400)
