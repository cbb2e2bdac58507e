"""The monthly honours' pages (issue 20 point 4): the month's proposals with why each
candidate was proposed and why the others were not, the confirm form where each change
needs its reason, the button that proposes now; and the rules the manager keeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.http import request_user
from kefu.core.models import OrgUnit, User
from kefu.supervision.honours_rules import PERCENT_FIGURES, Criterion, months_back
from kefu.supervision.models import HonourKind, HonourMonthState
from kefu.supervision.queries import honours as queries
from kefu.supervision.queries.figures import FIGURES, measured_people
from kefu.supervision.services import honours as services

#: Criteria rows on the rules form.
CRITERIA_ROWS = 4


def _month_param(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date()  # noqa: DTZ007 (a month)
    except ValueError:
        return None


def _page(
    request: HttpRequest, *, selected: dt.date | None, posted: QueryDict | None, status: int
) -> HttpResponse:
    user = request_user(request)
    months = list(queries.months_of(user)[:24])
    month = next((m for m in months if m.month == selected), months[0] if months else None)
    keep = queries.may_keep(user)
    people = (
        measured_people(OrgUnit.objects.get(pk=user.centre_id or 0))
        if keep and month is not None and month.state == HonourMonthState.PROPOSED
        else []
    )
    # Hundreds of options: written in one pass rather than by the template's loop.
    chosen = (posted or QueryDict()).get("add_person", "")
    person_options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                p.pk,
                mark_safe(" selected") if str(p.pk) == chosen else "",
                f"{p.full_name or p.username} · {p.team.name}"
                if p.team
                else p.full_name or p.username,
            )
            for p in people
        ),
    )
    last_month = months_back(timezone.localdate().replace(day=1), 1)
    return render(
        request,
        "supervision/honours/month.html",
        {
            "months": months,
            "month": month,
            "kinds": queries.month_detail(month) if month else [],
            "rule_texts": {r["kind"]: queries.rule_text(r) for r in month.rules} if month else {},
            "keep": keep,
            "person_options": person_options,
            "honour_kinds": HonourKind.choices,
            "posted": posted or QueryDict(),
            "propose_month": f"{last_month:%Y-%m}",
        },
        status=status,
    )


@login_required
def honours_page(request: HttpRequest) -> HttpResponse:
    if not queries.may_view_proposals(request_user(request)):
        raise Forbidden()
    return _page(request, selected=_month_param(request.GET.get("month")), posted=None, status=200)


@login_required
@require_POST
def honours_propose_view(request: HttpRequest) -> HttpResponse:
    """The manager's button: the month's honours proposed now (once per month)."""
    user = request_user(request)
    if not queries.may_keep(user) or user.centre_id is None:
        raise Forbidden()
    month = _month_param(request.POST.get("month"))
    if month is None:
        messages.error(request, _("A month is written YYYY-MM."))
        return redirect("supervision_honours")
    try:
        made, created = services.honours_propose(
            centre=OrgUnit.objects.get(pk=user.centre_id), month=month, actor=user
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
        return redirect("supervision_honours")
    if not created:
        messages.info(request, _("The month's honours were proposed already."))
    return redirect(f"{_url()}?month={made.month:%Y-%m}")


def _url() -> str:
    from django.urls import reverse

    return reverse("supervision_honours")


def _changes(post: QueryDict) -> tuple[list[services.Removal], list[services.Addition]]:
    removals = [
        services.Removal(int(key.removeprefix("remove_")), post.get(f"reason_{value}", ""))
        for key, value in post.items()
        if key.startswith("remove_") and key.removeprefix("remove_").isdigit() and value
    ]
    additions: list[services.Addition] = []
    person = post.get("add_person", "")
    if person.isdigit():
        additions.append(
            services.Addition(post.get("add_kind", ""), int(person), post.get("add_reason", ""))
        )
    return removals, additions


@login_required
@require_POST
def honours_confirm_view(request: HttpRequest, month: str) -> HttpResponse:
    """Confirm the month: ticked candidates removed and the person added, each change with
    its reason; refused, the page comes back with what was typed."""
    user = request_user(request)
    first = _month_param(month)
    if first is None:
        raise Forbidden()
    found = queries.honour_month_get_for_user(user, first)
    removals, additions = _changes(request.POST)
    version = request.POST.get("version", "")
    try:
        services.honours_confirm(
            actor=user,
            honour_month=found,
            version=int(version) if version.isdigit() else -1,
            removals=removals,
            additions=additions,
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
        return _page(request, selected=first, posted=request.POST, status=400)
    messages.success(request, _("The month's honours are confirmed and published."))
    return redirect(f"{_url()}?month={first:%Y-%m}")


# ---------------------------------------------------------------------------------- rules


def _figure_choices() -> list[tuple[str, str]]:
    return [(code, queries.figure_label(code)) for code in FIGURES]


class HonourRuleForm(forms.Form):
    """One honour's rule; shares (attendance …) are typed as percentages."""

    active = forms.BooleanField(label=_("awarded"), required=False)
    count = forms.IntegerField(label=_("how many to propose"), min_value=1, max_value=50)
    per_team = forms.BooleanField(label=_("in each team"), required=False)
    joined_within_months = forms.IntegerField(
        label=_("joined within (months)"), min_value=1, max_value=120, required=False
    )
    descending = forms.BooleanField(label=_("highest first"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        figures = _figure_choices()
        self.fields["rank_by"] = forms.ChoiceField(label=_("rank by"), choices=figures)
        for n in range(CRITERIA_ROWS):
            self.fields[f"figure_{n}"] = forms.ChoiceField(
                label=_("figure"), choices=[("", "—"), *figures], required=False
            )
            self.fields[f"op_{n}"] = forms.ChoiceField(
                label=_("comparison"), choices=[("gte", "≥"), ("lte", "≤")], required=False
            )
            self.fields[f"value_{n}"] = forms.FloatField(
                label=_("threshold"), min_value=0, required=False
            )

    def criteria(self) -> list[Criterion]:
        found: list[Criterion] = []
        for n in range(CRITERIA_ROWS):
            figure = self.cleaned_data.get(f"figure_{n}")
            value = self.cleaned_data.get(f"value_{n}")
            if not figure or value is None:
                continue
            if figure in PERCENT_FIGURES:
                value = value / 100
            found.append(Criterion(figure, self.cleaned_data.get(f"op_{n}") or "gte", value))
        return found

    def criteria_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"figure_{n}"], self[f"op_{n}"], self[f"value_{n}"]) for n in range(CRITERIA_ROWS)
        ]


def _initial(rule: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "active": rule.active,
        "count": rule.count,
        "per_team": rule.per_team,
        "joined_within_months": rule.joined_within_months,
        "rank_by": rule.rank_by,
        "descending": rule.descending,
    }
    for n, criterion in enumerate(rule.criteria[:CRITERIA_ROWS]):
        value = float(criterion["value"])
        initial[f"figure_{n}"] = criterion["figure"]
        initial[f"op_{n}"] = criterion["op"]
        initial[f"value_{n}"] = value * 100 if criterion["figure"] in PERCENT_FIGURES else value
    return initial


def _require_keep(user: User) -> None:
    if not queries.may_keep(user) or user.centre_id is None:
        raise Forbidden()


@login_required
def honour_rules_page(request: HttpRequest) -> HttpResponse:
    """The rule of each honour, one form each; a refused one keeps what was typed."""
    user = request_user(request)
    _require_keep(user)
    rules = services.honour_rules_ensure(centre=user.centre_id or 0)
    kind = request.POST.get("kind") if request.method == "POST" else None
    status = 200
    forms_by_kind = []
    for rule in rules:
        bound = kind == rule.kind
        form = HonourRuleForm(
            request.POST if bound else None, initial=_initial(rule), prefix=rule.kind
        )
        if bound:
            if form.is_valid():
                try:
                    services.honour_rule_save(
                        actor=user,
                        kind=rule.kind,
                        active=form.cleaned_data["active"],
                        count=form.cleaned_data["count"],
                        per_team=form.cleaned_data["per_team"],
                        joined_within_months=form.cleaned_data["joined_within_months"],
                        rank_by=form.cleaned_data["rank_by"],
                        descending=form.cleaned_data["descending"],
                        criteria=form.criteria(),
                    )
                except DomainError as refused:
                    form.add_error(None, str(refused.message))
                else:
                    messages.success(request, _("The honour's rule is saved."))
                    return redirect("supervision_honour_rules")
            status = 400
        forms_by_kind.append((rule, form))
    return render(
        request, "supervision/honours/rules.html", {"forms": forms_by_kind}, status=status
    )
