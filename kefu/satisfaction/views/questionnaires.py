"""The monthly owner questionnaires' pages (000 第7篇: questionnaires signed with the staff
ID, archived, and spot-checked by calling a sample of the owners back): the archive by
month with its counts, who signed and the sample with its results; entering a paper
questionnaire; drawing the sample; recording a call back. Thin: the services write
(`services.surveys.questionnaires`), the queries read."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.core.models import User
from kefu.core.roles import VIEW_SATISFACTION, WORK_CALLBACKS
from kefu.satisfaction.models import Questionnaire, SpotCheck
from kefu.satisfaction.queries.surveys import (
    questionnaire_month,
    questionnaire_months,
    questionnaires_of,
)
from kefu.satisfaction.services import surveys as services

OUTCOMES = [
    (SpotCheck.CONFIRMED, SpotCheck.CONFIRMED.label),
    (SpotCheck.DISPUTED, SpotCheck.DISPUTED.label),
    (SpotCheck.UNREACHABLE, SpotCheck.UNREACHABLE.label),
]


class MonthField(forms.DateField):
    """A month as the browser's month picker gives it (2026-11), read as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class QuestionnaireForm(forms.Form):
    month = MonthField(label=_("Month"))
    staff_number = forms.CharField(label=_("Staff ID signed"), max_length=32)
    respondent = forms.CharField(label=_("Respondent"), max_length=100)
    phone = forms.CharField(label=_("Phone number"), max_length=30)
    score = forms.TypedChoiceField(
        label=_("Satisfaction (1-5)"),
        coerce=int,
        choices=[("", "—"), *[(str(n), str(n)) for n in range(5, 0, -1)]],
    )
    paper_number = forms.CharField(label=_("Form number"), max_length=40)
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea({"rows": 2})
    )


class DrawForm(forms.Form):
    month = MonthField(label=_("Month"), widget=forms.HiddenInput)
    percent = forms.IntegerField(
        label=_("Share to call back (%)"), min_value=1, max_value=100, initial=10
    )


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the call"), choices=OUTCOMES)
    note = forms.CharField(
        label=_("Note of the call"),
        max_length=500,
        required=False,
        widget=forms.TextInput({"placeholder": _("Note of the call")}),
    )


def _reader(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION) or user.centre_id is None:
        raise Forbidden()
    return user


def _month_of(raw: str, months: list[dt.date]) -> dt.date:
    year, _dash, month = raw[:7].partition("-")
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return months[0] if months else timezone.localdate().replace(day=1)


def _archive(
    request: HttpRequest,
    user: User,
    month: dt.date,
    *,
    draw_form: DrawForm | None = None,
    check_forms: dict[int, CheckForm] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    months = questionnaire_months(user)
    summary = questionnaire_month(user, month)
    check_forms = check_forms or {}
    may_call = user.has_perm(WORK_CALLBACKS)
    # Who calls the owner back needs the number; everyone else reads it masked.
    sample = [
        (
            q,
            q.phone if may_call else mask_phone(q.phone),
            check_forms.get(q.pk) or CheckForm(prefix=f"c{q.pk}"),
        )
        for q in summary.sample
    ]
    return render(
        request,
        "satisfaction/survey_questionnaires.html",
        {
            "month": month,
            "months": months if month in months else sorted([*months, month], reverse=True),
            "summary": summary,
            "sample": sample,
            "may_call": may_call,
            "draw_form": draw_form or DrawForm(initial={"month": month}),
            "problems": problems or [],
            "listed": [(q, mask_phone(q.phone)) for q in questionnaire_list(user, month)],
        },
        status=status,
    )


def questionnaire_list(user: User, month: dt.date) -> list[Questionnaire]:
    return list(
        questionnaires_of(user)
        .filter(month=month.replace(day=1))
        .order_by("staff_number", "paper_number")[:500]
    )


@login_required
def questionnaires_page(request: HttpRequest) -> HttpResponse:
    """The archive of one month (?month=2026-11; the newest by default)."""
    user = _reader(request)
    month = _month_of(request.GET.get("month", ""), questionnaire_months(user))
    return _archive(request, user, month)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_new_page(request: HttpRequest) -> HttpResponse:
    """Enter a paper questionnaire; a refused form comes back as it was typed."""
    user = _reader(request)
    if request.method == "POST":
        form = QuestionnaireForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.questionnaire_record(actor=user, **data)
            except DomainError as refused:
                detail = refused.detail if isinstance(refused.detail, dict) else {}
                for name, message in detail.items():
                    form.add_error(name if name in form.fields else None, str(message))
                if not detail:
                    form.add_error(None, str(refused.message))
            else:
                messages.success(
                    request,
                    _("Questionnaire %(number)s is archived.") % {"number": saved.paper_number},
                )
                return redirect(f"{request.path}?month={saved.month:%Y-%m}")
        status = 400
    else:
        month = _month_of(request.GET.get("month", ""), [])
        form = QuestionnaireForm(initial={"month": month})
        status = 200
    return render(
        request, "satisfaction/survey_questionnaire_new.html", {"form": form}, status=status
    )


@login_required
@require_POST
def questionnaires_draw_view(request: HttpRequest) -> HttpResponse:
    """Draw the month's sample to call back: a share of each staff member's forms."""
    user = _reader(request)
    form = DrawForm(request.POST)
    if not form.is_valid():
        month = _month_of(request.POST.get("month", ""), questionnaire_months(user))
        return _archive(request, user, month, draw_form=form, status=400)
    month = form.cleaned_data["month"].replace(day=1)
    try:
        drawn = services.questionnaires_spot_draw(
            actor=user, month=month, share=form.cleaned_data["percent"] / 100
        )
    except DomainError as refused:
        form.add_error(None, str(refused.message))
        return _archive(request, user, month, draw_form=form, status=400)
    if drawn:
        messages.success(
            request, _("%(count)d questionnaires drawn to call back.") % {"count": len(drawn)}
        )
    else:
        messages.info(request, _("Every questionnaire of this month was drawn already."))
    return redirect(f"{_archive_url()}?month={month:%Y-%m}")


def _archive_url() -> str:
    return reverse("satisfaction_questionnaires")


@login_required
@require_POST
def questionnaire_check_view(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """What the owner said when called back: the answer confirmed, disputed, or not
    reached. A refused form comes back as it was filled in."""
    user = request_user(request)
    if not user.has_perm(WORK_CALLBACKS) or user.centre_id is None:
        raise Forbidden()
    form = CheckForm(request.POST, prefix=f"c{questionnaire_id}")
    month = _month_of(request.POST.get("month", ""), [])
    if form.is_valid():
        try:
            checked = services.questionnaire_check_record(
                actor=user,
                questionnaire_id=questionnaire_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            if isinstance(refused, (NotFound, Forbidden)):
                raise
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, _("The call back is recorded."))
            return redirect(f"{_archive_url()}?month={checked.month:%Y-%m}")
    if not user.has_perm(VIEW_SATISFACTION):
        raise Forbidden()
    shown = questionnaires_of(user).filter(pk=questionnaire_id).first()
    problems = [str(e) for e in form.non_field_errors()]
    return _archive(
        request,
        user,
        shown.month if shown else month,
        check_forms={questionnaire_id: form},
        problems=problems,
        status=400,
    )
