"""The survey pages (issue 19 point 2): the public mobile page a link opens (/s/<token>/,
no sign-in), the figures for those who read satisfaction, the surveys and their editing
for those who keep outreach. Thin: the services write, the queries read."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kefu.core.audit_context import client_ip_var
from kefu.core.errors import DomainError, Forbidden, Invalid, NotFound
from kefu.core.forms import DateInput, start_of
from kefu.core.http import request_user
from kefu.core.roles import MANAGE_OUTREACH, VIEW_SATISFACTION
from kefu.satisfaction import scores
from kefu.satisfaction.models import (
    Invitation,
    QuestionKind,
    SurveyChannel,
    SurveyQuestion,
    SurveyTrigger,
    Touchpoint,
)
from kefu.satisfaction.queries.surveys import (
    invitation_for_token,
    invitations_visible_to,
    label_of,
    latest_version,
    survey_figures,
    template_get_for_user,
    templates_of,
)
from kefu.satisfaction.services import surveys as services

# The public page -------------------------------------------------------------------------

#: Links a client address may get wrong in `GUESS_WINDOW` seconds before every link is
#: refused to it until the window ends: 128-bit tokens are not guessed, but a scan is
#: stopped and seen.
GUESS_LIMIT = 20
GUESS_WINDOW = 600

SCALE_LABELS: dict[str, dict[int, Any]] = {
    QuestionKind.CSAT: {
        1: _("Very dissatisfied"),
        2: _("Dissatisfied"),
        3: _("Neutral"),
        4: _("Satisfied"),
        5: _("Very satisfied"),
    },
    QuestionKind.NPS: {0: _("Not at all likely"), 10: _("Extremely likely")},
    QuestionKind.CES: {1: _("Very difficult"), 4: _("Neither"), 7: _("Very easy")},
}


def _guess_key() -> str:
    address = client_ip_var.get() or "unknown"
    return "kefu:survey:miss:" + hashlib.sha256(address.encode()).hexdigest()


def _locked() -> bool:
    return int(cache.get(_guess_key(), 0)) >= GUESS_LIMIT


def _count_miss() -> None:
    key = _guess_key()
    cache.add(key, 0, timeout=GUESS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=GUESS_WINDOW)


def _closed(request: HttpRequest) -> HttpResponse:
    """The one page for every link that does not open a survey: unknown, expired,
    answered, unsubscribed. It says nothing of which."""
    _count_miss()
    return render(request, "satisfaction/survey_closed.html", status=404)


def _questions(invitation: Invitation, values: dict[int, str]) -> list[dict[str, Any]]:
    return question_entries(list(invitation.version.questions.all()), values)


def question_entries(
    questions: list[SurveyQuestion], values: dict[int, str], errors: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The questions as a form shows them: each with its field name, the value given, its
    scale's choices (checked as given) and the refusal under it."""
    shown = []
    for question in questions:
        entry: dict[str, Any] = {"question": question, "name": f"q{question.pk}"}
        entry["value"] = values.get(question.pk, "")
        entry["error"] = (errors or {}).get(str(question.pk), "")
        if question.kind != QuestionKind.TEXT:
            low, high = scores.SCALES[question.kind]
            labels = SCALE_LABELS.get(question.kind, {})
            entry["options"] = [
                {"value": str(n), "label": labels.get(n, ""), "checked": entry["value"] == str(n)}
                for n in range(low, high + 1)
            ]
        shown.append(entry)
    return shown


def _posted(request: HttpRequest, questions: list[SurveyQuestion]) -> dict[int, str]:
    return {q.pk: request.POST.get(f"q{q.pk}", "")[:1000] for q in questions}


@never_cache
@require_http_methods(["GET", "POST"])
def public_survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """/s/<token>/: the survey a link opens, on a phone, without signing in. Nothing of
    the customer is shown; the token is checked before anything is read."""
    if _locked():
        return render(request, "satisfaction/survey_closed.html", {"locked": True}, status=429)
    invitation = invitation_for_token(token)
    if invitation is None:
        return _closed(request)
    questions = list(invitation.version.questions.all())
    values: dict[int, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _posted(request, questions)
        try:
            services.survey_answer(token=token, values=values)
        except NotFound:
            return _closed(request)
        except Invalid as refused:
            errors = refused.detail if isinstance(refused.detail, dict) else {}
        else:
            return render(
                request, "satisfaction/survey_thanks.html", {"thanks": invitation.version.thanks}
            )
    shown = _questions(invitation, values)
    for entry in shown:
        entry["error"] = errors.get(str(entry["question"].pk), "")
    return render(
        request,
        "satisfaction/survey_public.html",
        {
            "invitation": invitation,
            "version": invitation.version,
            "questions": shown,
            "refused": bool(errors),
            "token": token,
        },
        status=400 if errors else 200,
    )


@never_cache
@require_POST
def public_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """退订 from the survey page: the number or address gets no more messages on the
    channel the survey came by."""
    if _locked():
        return render(request, "satisfaction/survey_closed.html", {"locked": True}, status=429)
    try:
        services.survey_unsubscribe(token=token)
    except NotFound:
        return _closed(request)
    return render(request, "satisfaction/survey_unsubscribed.html")


# The figures -----------------------------------------------------------------------------

BY_LABELS: dict[str, Any] = {
    "touchpoint": _("Touchpoint"),
    "team": _("Team"),
    "staff": _("Staff member"),
    "kind": _("Work order kind"),
    "survey": _("Survey"),
    "month": _("Month"),
}
MAX_DAYS = 366


class FiguresForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DateInput())
    until = forms.DateField(label=_("To"), widget=DateInput())
    by = forms.ChoiceField(label=_("Break down by"), choices=list(BY_LABELS.items()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date):
            if until < since:
                self.add_error("until", _("The end comes before the start."))
            elif (until - since).days > MAX_DAYS:
                self.add_error("until", _("Choose at most a year."))
        return data


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION) or user.centre_id is None:
        raise Forbidden()
    today = timezone.localdate()
    initial: dict[str, Any] = {"since": today.replace(day=1), "until": today, "by": "touchpoint"}
    chosen = any(name in request.GET for name in ("since", "until", "by"))
    form = FiguresForm(request.GET if chosen else initial)
    period = form.cleaned_data if form.is_valid() else initial
    since = start_of(period["since"])
    until = start_of(period["until"] + dt.timedelta(days=1))
    by = period["by"]
    invitations = invitations_visible_to(user)
    whole = survey_figures(invitations, since, until)
    rows = [
        (label_of(by, row.key), row.figures)
        for row in survey_figures(invitations, since, until, by)
    ]
    return render(
        request,
        "satisfaction/surveys_figures.html",
        {
            "form": form,
            "whole": whole[0].figures if whole else scores.figures(scores.Counts()),
            "rows": rows,
            "by_label": BY_LABELS[by],
            "formulas": scores.FORMULAS,
        },
        status=200 if form.is_valid() or not chosen else 400,
    )


# The surveys and their editing --------------------------------------------------------------


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    touchpoint = forms.ChoiceField(label=_("Touchpoint"), choices=Touchpoint.choices)
    trigger = forms.ChoiceField(label=_("Sent"), choices=SurveyTrigger.choices)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c, label) for c, label in SurveyChannel.choices if c in ("sms", "email")],
    )
    delay_hours = forms.IntegerField(label=_("Hours after the event"), min_value=0, max_value=720)
    expiry_days = forms.IntegerField(label=_("Link valid (days)"), min_value=1, max_value=90)
    active = forms.BooleanField(label=_("In use"), required=False)
    intro = forms.CharField(
        label=_("Opening text"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    sms_text = forms.CharField(
        label=_("Invitation text"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    thanks = forms.CharField(label=_("Closing text"), max_length=200)


def _question_rows(request: HttpRequest | None, version: Any = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if request is not None and request.method == "POST":
        return [
            {
                "n": n,
                "kind": request.POST.get(f"q{n}_kind", ""),
                "text": request.POST.get(f"q{n}_text", "")[:200],
                "required": request.POST.get(f"q{n}_required") == "1",
            }
            for n in range(1, services.MAX_QUESTIONS + 1)
        ]
    questions = list(version.questions.all()) if version is not None else []
    for n in range(1, services.MAX_QUESTIONS + 1):
        q = questions[n - 1] if n <= len(questions) else None
        rows.append(
            {
                "n": n,
                "kind": q.kind if q else "",
                "text": q.text if q else "",
                "required": q.required if q else True,
            }
        )
    return rows


def _spec(form: TemplateForm, rows: list[dict[str, Any]]) -> services.TemplateSpec:
    data = form.cleaned_data
    return services.TemplateSpec(
        name=data["name"],
        touchpoint=data["touchpoint"],
        trigger=data["trigger"],
        channel=data["channel"],
        delay_hours=data["delay_hours"],
        expiry_days=data["expiry_days"],
        active=data["active"],
        intro=data["intro"],
        thanks=data["thanks"],
        sms_text=data["sms_text"],
        questions=[
            services.QuestionSpec(row["kind"], row["text"], row["required"])
            for row in rows
            if row["kind"] or row["text"].strip()
        ],
    )


def _require_manager(request: HttpRequest) -> Any:
    user = request_user(request)
    if not user.has_perm(MANAGE_OUTREACH) or user.centre_id is None:
        raise Forbidden()
    return user


@login_required
def templates_page(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    listed = [(t, latest_version(t)) for t in templates_of(user).order_by("name", "pk")]
    return render(request, "satisfaction/survey_templates.html", {"templates": listed})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit_page(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    """A new survey, or a change to one (a new version once the current one was sent)."""
    user = _require_manager(request)
    template = template_get_for_user(user, template_id) if template_id else None
    version = latest_version(template) if template else None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        rows = _question_rows(request)
        if form.is_valid():
            try:
                spec = _spec(form, rows)
                if template is None:
                    saved = services.template_create(actor=user, spec=spec)
                else:
                    saved = services.template_revise(actor=user, template_id=template.pk, spec=spec)
            except DomainError as refused:
                detail = refused.detail if isinstance(refused.detail, dict) else {}
                for name, message in detail.items():
                    form.add_error(name if name in form.fields else None, str(message))
                if not detail:
                    form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("The survey is saved."))
                return redirect("satisfaction_survey_edit", template_id=saved.pk)
    else:
        initial: dict[str, Any] = {
            "touchpoint": Touchpoint.HOTLINE,
            "trigger": SurveyTrigger.MANUAL,
            "channel": SurveyChannel.SMS,
            "delay_hours": 1,
            "expiry_days": 7,
            "active": True,
        }
        if template is not None and version is not None:
            initial = {
                "name": template.name,
                "touchpoint": template.touchpoint,
                "trigger": template.trigger,
                "channel": template.channel,
                "delay_hours": template.delay_hours,
                "expiry_days": template.expiry_days,
                "active": template.active,
                "intro": version.intro,
                "sms_text": version.sms_text,
                "thanks": version.thanks,
            }
        form = TemplateForm(initial=initial)
        rows = _question_rows(None, version)
    return render(
        request,
        "satisfaction/survey_template.html",
        {
            "form": form,
            "rows": rows,
            "kinds": QuestionKind.choices,
            "template": template,
            "version": version,
        },
        status=400 if request.method == "POST" else 200,
    )
