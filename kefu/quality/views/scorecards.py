"""The scorecards and sampling plans (issue 18 points 1 and 2): the list, a new
scorecard, the editor of a scorecard's draft (rows of section, item, points, fatal, not
applicable, automatic check), publishing it, and the centre's sampling plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.quality.queries import (
    centre_plan,
    may_edit_scorecards,
    sampling_plans_of,
    scorecard_get_for_user,
    scorecards_with_versions,
    version_draft,
    version_in_use,
    version_with_items,
)
from kefu.quality.rule_names import RULE_NAMES
from kefu.quality.services import sampling as sampling_services
from kefu.quality.services import scorecards as services

ROWS_EXTRA = 3


class ItemRowForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=100, required=False)
    text = forms.CharField(label=_("Item"), max_length=200, required=False)
    weight = forms.IntegerField(label=_("Points"), min_value=0, max_value=100, required=False)
    fatal = forms.BooleanField(label=_("Fatal"), required=False)
    allow_na = forms.BooleanField(label=_("May be not applicable"), required=False)
    auto_check = forms.ChoiceField(label=_("Automatic check"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auto_check"].choices = [("", "—"), *RULE_NAMES.items()]  # type: ignore[attr-defined]

    def filled(self) -> bool:
        return bool(self.cleaned_data.get("text") or self.cleaned_data.get("section"))


ItemRows = forms.formset_factory(ItemRowForm, extra=ROWS_EXTRA, max_num=100, absolute_max=120)


class ScorecardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    appeal_days = forms.IntegerField(
        label=_("Days to acknowledge or appeal"), min_value=1, max_value=30, initial=5
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class PlanForm(forms.Form):
    per_agent = forms.IntegerField(
        label=_("Contacts per agent a month"), min_value=1, max_value=100
    )
    per_new_agent = forms.IntegerField(
        label=_("Contacts per new agent a month"), min_value=1, max_value=100
    )
    new_agent_days = forms.IntegerField(
        label=_("An agent is new for (days)"), min_value=0, max_value=365
    )
    flagged_below = forms.IntegerField(
        label=_("Always listen below this automatic score"),
        min_value=0,
        max_value=100,
        required=False,
    )
    with_complaints = forms.BooleanField(
        label=_("Always listen to contacts that opened a complaint"), required=False
    )


def _items(rows: Any) -> list[services.ItemSpec]:
    return [
        services.ItemSpec(
            section=row.cleaned_data.get("section") or "",
            text=row.cleaned_data.get("text") or "",
            weight=row.cleaned_data.get("weight") or 0,
            fatal=row.cleaned_data.get("fatal", False),
            allow_na=row.cleaned_data.get("allow_na", False),
            auto_check=row.cleaned_data.get("auto_check") or "",
        )
        for row in rows
        if row.filled()
    ]


def _rows_initial(items: list[services.ItemSpec]) -> list[dict[str, Any]]:
    return [
        {
            "section": item.section,
            "text": item.text,
            "weight": item.weight,
            "fatal": item.fatal,
            "allow_na": item.allow_na,
            "auto_check": item.auto_check,
        }
        for item in items
    ]


@login_required
def scorecards_page(request: HttpRequest) -> HttpResponse:
    """The centre's scorecards, and a new one."""
    user = request_user(request)
    if not may_edit_scorecards(user):
        raise Forbidden()
    form = ScorecardForm(request.POST or None, prefix="card")
    rows = ItemRows(request.POST or None, prefix="rows")
    status = 200
    if request.method == "POST":
        if form.is_valid() and rows.is_valid():
            try:
                card = services.scorecard_create(
                    actor=user,
                    name=form.cleaned_data["name"],
                    appeal_days=form.cleaned_data["appeal_days"],
                    items=_items(rows),
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The scorecard is saved as a draft."))
                return redirect("quality_scorecard", card.pk)
        status = 400
    cards = scorecards_with_versions(user)
    plans = list(sampling_plans_of(user))
    return render(
        request,
        "quality/scorecards.html",
        {"cards": cards, "form": form, "rows": rows, "plans": plans},
        status=status,
    )


@login_required
def scorecard_page(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    """A scorecard: the version in use read-only, the draft in the editor (a draft starts
    from the version in use), publishing, and the centre's sampling plan on it."""
    user = request_user(request)
    if not may_edit_scorecards(user):
        raise Forbidden()
    card = scorecard_get_for_user(user, scorecard_id)
    in_use, draft = version_in_use(card), version_draft(card)
    start = draft or in_use
    initial = _rows_initial(services.scorecard_items(start)) if start else []
    rows = ItemRows(request.POST or None, prefix="rows", initial=initial)
    note = forms.CharField(max_length=200, required=False)
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        if rows.is_valid():
            try:
                services.scorecard_draft_save(
                    actor=user,
                    scorecard_id=card.pk,
                    items=_items(rows),
                    note=note.clean(request.POST.get("note", "")),
                )
            except DomainError as refused:
                errors.append(str(refused.message))
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("quality_scorecard", card.pk)
        status = 400
    plan = centre_plan(card.centre_id)
    plan_form = PlanForm(
        initial={
            "per_agent": plan.per_agent if plan else 5,
            "per_new_agent": plan.per_new_agent if plan else 10,
            "new_agent_days": plan.new_agent_days if plan else 90,
            "flagged_below": plan.flagged_below if plan else None,
            "with_complaints": plan.with_complaints if plan else True,
        }
    )
    return render(
        request,
        "quality/scorecard.html",
        {
            "card": card,
            "in_use": version_with_items(in_use.pk) if in_use else None,
            "draft": draft,
            "rows": rows,
            "errors": errors,
            "plan": plan if plan and plan.scorecard_id == card.pk else None,
            "plan_form": plan_form,
            "rule_names": RULE_NAMES,
        },
        status=status,
    )


@login_required
@require_POST
def scorecard_publish_view(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    try:
        version = services.scorecard_publish(actor=request_user(request), scorecard_id=scorecard_id)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Version %(number)d is in use.") % {"number": version.number})
    return redirect("quality_scorecard", scorecard_id)


@login_required
@require_POST
def plan_view(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    """The centre's sampling plan, on this scorecard."""
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            sampling_services.sampling_plan_set(
                actor=request_user(request), scorecard_id=scorecard_id, **form.cleaned_data
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("The sampling plan is saved."))
    else:
        messages.error(request, _("Check the plan's numbers."))
    return redirect("quality_scorecard", scorecard_id)
