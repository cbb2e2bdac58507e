"""The assessment pages (issue 20 point 3): the departments' figures for a month or quarter
and a department's page (the internal-customer rule, 000 第3篇 四.2; 002 第6篇); the
complaints to judge, a complaint's judging form, a judgement's page with its appeal and
the manager's decision (判责); the quarter's appraisal of agents and teams with each
component explained (002 第14篇 7); the manager's weights. Forms check what was typed; the
services decide, and a refused form keeps what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateInput, refuse
from kefu.core.http import posted_version, request_user
from kefu.core.listing import page_of
from kefu.core.models import OrgUnit, User
from kefu.core.queries import departments_of_centre
from kefu.supervision import appraisal
from kefu.supervision.models import (
    ComplaintJudgement,
    JudgementState,
    NoFaultReason,
    Responsibility,
)
from kefu.supervision.queries import assessment as queries
from kefu.supervision.services import appraisal as rules_services
from kefu.supervision.services import judging

SHOWN = 50

COMPONENT_LABELS = {
    appraisal.Component.ANSWERED: _("Answered calls"),
    appraisal.Component.AHT: _("Average handling time"),
    appraisal.Component.QA: _("QA score"),
    appraisal.Component.EXAM: _("Exam result"),
    appraisal.Component.ATTENDANCE: _("Attendance"),
    appraisal.Component.COMPLAINTS: _("Complaints judged against"),
}
COMPONENT_RULES = {
    appraisal.Component.ANSWERED: _("100 × calls ÷ the most anyone answered"),
    appraisal.Component.AHT: _("100 × the shortest handling time ÷ this one"),
    appraisal.Component.QA: _("the mean QA score, out of 100"),
    appraisal.Component.EXAM: _("the mean exam percentage"),
    appraisal.Component.ATTENDANCE: _("100 × shifts attended ÷ shifts rostered"),
    appraisal.Component.COMPLAINTS: _("100 less 20 for each complaint, never below 0"),
}


# --------------------------------------------------------------------------------- forms


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[("month", _("Month")), ("quarter", _("Quarter"))],
        required=False,
    )
    day = forms.DateField(label=_("Day in it"), required=False, widget=DateInput())

    def clean_day(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("day")
        if day is not None and not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Choose a day from 2000 to 2100."))
        return day


def _choices(rows: list[tuple[int, str]]) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(pk), name) for pk, name in rows]


class VerdictForm(forms.Form):
    responsibility = forms.ChoiceField(
        label=_("Responsible"), choices=Responsibility.choices, widget=forms.RadioSelect
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    person = forms.ChoiceField(label=_("Person"), required=False)
    no_fault = forms.ChoiceField(
        label=_("Why nobody"), choices=[("", "—"), *NoFaultReason.choices], required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, centre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = departments_of_centre(centre_id).order_by("name")
        people = User.objects.filter(centre_id=centre_id, is_active=True).order_by(
            "team__name", "full_name", "username"
        )
        department_field = cast(forms.ChoiceField, self.fields["department"])
        person_field = cast(forms.ChoiceField, self.fields["person"])
        department_field.choices = _choices([(d.pk, d.name) for d in departments])
        person_field.choices = _choices([(p.pk, str(p)) for p in people])

    def verdict(self) -> judging.Verdict:
        data = self.cleaned_data
        return judging.Verdict(
            responsibility=data["responsibility"],
            department_id=int(data["department"]) if data.get("department") else None,
            person_id=int(data["person"]) if data.get("person") else None,
            no_fault=data.get("no_fault") or "",
        )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the judgement is wrong"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(VerdictForm):
    upheld = forms.ChoiceField(
        label=_("Decision"),
        choices=[("no", _("Refuse the appeal")), ("yes", _("Uphold: change the judgement"))],
        widget=forms.RadioSelect,
    )
    field_order = ["upheld", "responsibility", "department", "person", "no_fault", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsibility"].required = False
        self.fields["responsibility"].label = _("Responsible instead")


class WeightsForm(forms.Form):
    appeal_days = forms.IntegerField(
        label=_("Appeal window (working days)"), min_value=1, max_value=30
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in appraisal.COMPONENTS:
            self.fields[code] = forms.IntegerField(
                label=COMPONENT_LABELS[code],
                min_value=0,
                max_value=100,
                help_text=COMPONENT_RULES[code],
                widget=forms.NumberInput(attrs={"class": "weight"}),
            )
        self.order_fields([*appraisal.COMPONENTS, "appeal_days"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = {code: data.get(code) for code in appraisal.COMPONENTS}
        if all(isinstance(v, int) for v in weights.values()):
            try:
                appraisal.check_weights(weights)  # type: ignore[arg-type]
            except appraisal.WeightsInvalid as error:
                raise forms.ValidationError(rules_services.WEIGHT_MESSAGES[error.code]) from error
        return data


# ---------------------------------------------------------------------------- departments


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, str]:
    form = PeriodForm(request.GET or None, initial={"period": "month"})
    period, day = "month", timezone.localdate()
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"] or "month"
        day = form.cleaned_data["day"] or day
    first, last = queries.quarter_of(day) if period == "quarter" else queries.month_of(day)
    return form, first, last, period


@login_required
def departments_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_view_assessment(user) or user.centre_id is None:
        raise Forbidden()
    form, first, last, _name = _period(request)
    centre = OrgUnit.objects.get(pk=user.centre_id)
    return render(
        request,
        "supervision/assessment/departments.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "query": request.GET.urlencode(),
            "rows": queries.department_figures(centre, first, last),
        },
    )


@login_required
def department_page(request: HttpRequest, department_id: int) -> HttpResponse:
    user = request_user(request)
    department = queries.department_get_for_user(user, department_id)
    form, first, last, _period_name = _period(request)
    centre = OrgUnit.objects.get(pk=department.parent_id or 0)
    row = next(
        r
        for r in queries.department_figures(centre, first, last)
        if r.department.pk == department.pk
    )
    return render(
        request,
        "supervision/assessment/department.html",
        {
            "form": form,
            "department": department,
            "first": first,
            "last": last,
            "figures": row.values,
            "judgements": list(queries.department_judgements(department, first, last)[:SHOWN]),
        },
    )


# ---------------------------------------------------------------------------- judgements


@login_required
def judgements_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    judgements = queries.judgements_of(user)
    may_list = queries.may_judge(user) or queries.may_view_assessment(user)
    to_judge = queries.complaints_to_judge(user) if may_list else None
    return render(
        request,
        "supervision/assessment/judgements.html",
        {
            "to_judge": list(to_judge[:SHOWN]) if to_judge is not None else None,
            "to_judge_count": to_judge.count() if to_judge is not None else 0,
            "appealed": list(
                judgements.filter(state=JudgementState.APPEALED).order_by("appealed_at")[:SHOWN]
            ),
            "judged": list(judgements.exclude(state=JudgementState.APPEALED)[:SHOWN]),
            "may_judge": queries.may_judge(user),
            "now": timezone.now(),
        },
    )


def _judge_page(
    request: HttpRequest, number: str, form: VerdictForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    ticket = queries.complaint_to_judge_get(user, number)
    return render(
        request,
        "supervision/assessment/judge.html",
        {"ticket": ticket, "form": form or VerdictForm(centre_id=user.centre_id)},
        status=status,
    )


@login_required
def complaint_judge_page(request: HttpRequest, number: str) -> HttpResponse:
    user = request_user(request)
    if not queries.may_judge(user):
        raise Forbidden()
    if request.method != "POST":
        return _judge_page(request, number)
    queries.complaint_to_judge_get(user, number)
    form = VerdictForm(request.POST, centre_id=user.centre_id)
    if form.is_valid():
        try:
            judgement = judging.complaint_judge(
                actor=user,
                number=number,
                verdict=form.verdict(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Judged."))
            return redirect("supervision_judgement", judgement.pk)
    return _judge_page(request, number, form, status=400)


def _judgement_page(
    request: HttpRequest,
    judgement: ComplaintJudgement,
    appeal: AppealForm | None = None,
    decision: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    now = timezone.now()
    may_appeal = (
        judgement.state == JudgementState.JUDGED
        and now <= judgement.appeal_due_at
        and queries.may_appeal(user, judgement)
    )
    may_decide = judgement.state == JudgementState.APPEALED and queries.may_decide_appeals(user)
    return render(
        request,
        "supervision/assessment/judgement.html",
        {
            "judgement": judgement,
            "ticket": judgement.ticket,
            "steps": queries.judgement_steps(judgement),
            "appeal_form": (appeal or AppealForm()) if may_appeal else None,
            "decision_form": (decision or DecisionForm(centre_id=user.centre_id))
            if may_decide
            else None,
            "window_open": now <= judgement.appeal_due_at,
        },
        status=status,
    )


@login_required
def judgement_page(request: HttpRequest, judgement_id: int) -> HttpResponse:
    judgement = queries.judgement_get_for_user(request_user(request), judgement_id)
    return _judgement_page(request, judgement)


@login_required
def judgement_appeal_view(request: HttpRequest, judgement_id: int) -> HttpResponse:
    user = request_user(request)
    judgement = queries.judgement_get_for_user(user, judgement_id)
    if request.method != "POST":
        return redirect("supervision_judgement", judgement.pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            judging.judgement_appeal(
                actor=user,
                judgement=judgement,
                version=posted_version(request),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Appealed: the manager decides."))
            return redirect("supervision_judgement", judgement.pk)
    return _judgement_page(request, judgement, appeal=form, status=400)


@login_required
def judgement_decide_view(request: HttpRequest, judgement_id: int) -> HttpResponse:
    user = request_user(request)
    judgement = queries.judgement_get_for_user(user, judgement_id)
    if request.method != "POST":
        return redirect("supervision_judgement", judgement.pk)
    form = DecisionForm(request.POST, centre_id=user.centre_id)
    if form.is_valid():
        upheld = form.cleaned_data["upheld"] == "yes"
        try:
            judging.judgement_decide(
                actor=user,
                judgement=judgement,
                version=posted_version(request),
                upheld=upheld,
                reason=form.cleaned_data["reason"],
                verdict=form.verdict() if upheld and form.cleaned_data["responsibility"] else None,
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The appeal is decided."))
            return redirect("supervision_judgement", judgement.pk)
    return _judgement_page(request, judgement, decision=form, status=400)


# ---------------------------------------------------------------------------- appraisal


def _quarters(today: dt.date, count: int = 8) -> list[tuple[str, str]]:
    out = []
    year, number = today.year, (today.month - 1) // 3 + 1
    for _i in range(count):
        out.append((f"{year}Q{number}", f"{year} Q{number}"))
        number -= 1
        if number == 0:
            year, number = year - 1, 4
    return out


def _explained(item: appraisal.Appraisal) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "label": COMPONENT_LABELS[appraisal.Component(p.code)],
            "rule": COMPONENT_RULES[appraisal.Component(p.code)],
            "part": p,
        }
        for p in item.parts
        if p.weight
    ]


@login_required
def appraisal_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_view_assessment(user) or user.centre_id is None:
        raise Forbidden()
    today = timezone.localdate()
    quarters = _quarters(today)
    chosen = request.GET.get("quarter") or quarters[0][0]
    if chosen not in dict(quarters):
        chosen = quarters[0][0]
    year, number = int(chosen[:4]), int(chosen[5])
    first, last = queries.quarter_of(dt.date(year, 3 * number - 2, 1))
    centre = OrgUnit.objects.get(pk=user.centre_id)
    result = queries.appraisal_of(centre, first, last)
    team_names = sorted({team for team in result.team_of.values() if team})
    team = request.GET.get("team", "")
    ranked = [
        item for item in result.people if not team or result.team_of.get(int(str(item.key))) == team
    ]
    # A page of people at a time (a centre has hundreds), each with their components.
    page, query = page_of(request, ranked)
    people = [
        {
            "item": item,
            "name": result.names.get(item.key, ""),
            "team": result.team_of.get(int(str(item.key)), ""),
            "parts": _explained(item),
            "missing": [COMPONENT_LABELS[appraisal.Component(c)] for c in item.missing],
        }
        for item in (page.object_list if page else [])
    ]
    teams = [
        {
            "item": item,
            "parts": _explained(item),
            "missing": [COMPONENT_LABELS[appraisal.Component(c)] for c in item.missing],
        }
        for item in result.teams
    ]
    return render(
        request,
        "supervision/assessment/appraisal.html",
        {
            "quarters": quarters,
            "chosen": chosen,
            "first": first,
            "last": last,
            "as_of": result.as_of,
            "may_weigh": queries.may_manage_appraisal(user),
            "people": people,
            "page": page,
            "query": query,
            "team": team,
            "team_names": team_names,
            "teams": teams,
            "weights": [
                (COMPONENT_LABELS[c], result.weights[c], COMPONENT_RULES[c])
                for c in appraisal.COMPONENTS
            ],
            "unranked": sum(1 for p in result.people if p.rank is None),
        },
    )


@login_required
def weights_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_manage_appraisal(user) or user.centre_id is None:
        raise Forbidden()
    centre = OrgUnit.objects.get(pk=user.centre_id)
    weights, days, rules = queries.weights_of(centre)
    status = 200
    if request.method == "POST":
        form = WeightsForm(request.POST)
        if form.is_valid():
            try:
                rules_services.appraisal_rules_set(
                    actor=user,
                    weights={c: form.cleaned_data[c] for c in appraisal.COMPONENTS},
                    appeal_days=form.cleaned_data["appeal_days"],
                    version=posted_version(request) if rules else None,
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The appraisal weights are saved."))
                return redirect("supervision_weights")
        status = 400
    else:
        form = WeightsForm(initial={**weights, "appeal_days": days})
    return render(
        request,
        "supervision/assessment/weights.html",
        {"form": form, "rules": rules, "total": sum(weights.values())},
        status=status,
    )
