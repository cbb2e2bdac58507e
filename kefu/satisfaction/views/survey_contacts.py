"""An agent's survey on a contact (issue 19 point 2): the customer answers the survey on
the phone and the agent records it, about the contact's agent and their staff ID; or the
agent skips the survey for this contact (Chatwoot's most asked-for feature), so that the
draw does not invite the customer for it. Thin: the services write, the queries read."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kefu.contacts.models import Contact
from kefu.contacts.queries import contact_get_for_user
from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.roles import WORK_CALLBACKS
from kefu.satisfaction.models import CallbackTask, InvitationState, SurveyTemplate
from kefu.satisfaction.queries.callbacks import callback_task_get_for_user
from kefu.satisfaction.queries.surveys import (
    callback_survey,
    contact_survey,
    latest_version,
    templates_of_centre,
    templates_to_record,
)
from kefu.satisfaction.services import surveys as services
from kefu.satisfaction.services.callbacks import may_work
from kefu.satisfaction.views.surveys import SCALE_LABELS, question_entries

REFUSED = {
    "capped": _("Not recorded: the customer had this period's survey already."),
    "opted_out": _("Not recorded: the customer asked for no more messages or surveys."),
    "no_address": _("Not recorded: the contact has no number."),
}


def refusal_errors(refused: DomainError) -> dict[str, str]:
    """A refused record's reasons by question (the general one under `questions`)."""
    detail = refused.detail if isinstance(refused.detail, dict) else {}
    errors = {str(k): str(v) for k, v in detail.items()}
    if not errors:
        errors["questions"] = str(refused.message)
    return errors


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why not survey"), max_length=200, required=False)


def _contact_for(request: HttpRequest, contact_id: int) -> tuple[User, Contact]:
    """The contact, for a user who may record surveys and see it; another centre's
    contact, like one that does not exist, is not found."""
    user = request_user(request)
    if not user.has_perm(WORK_CALLBACKS) or user.centre_id is None:
        raise Forbidden()
    contact = contact_get_for_user(user, contact_id)
    if contact.centre_id != user.centre_id:  # an administrator reads every centre's
        raise NotFound(code="contact_not_found")
    return user, contact


def _chosen(templates: list[SurveyTemplate], contact: Contact, raw: str) -> SurveyTemplate | None:
    """The survey asked for, else the first whose touchpoint fits the contact's channel,
    else the first."""
    by_id = {str(t.pk): t for t in templates}
    if raw in by_id:
        return by_id[raw]
    for template in templates:
        channels = services.CONTACT_CHANNELS.get(template.touchpoint)
        if channels and contact.channel in channels:
            return template
    return templates[0] if templates else None


def _page(
    request: HttpRequest,
    user: User,
    contact: Contact,
    *,
    chosen: str = "",
    values: dict[int, str] | None = None,
    errors: dict[str, str] | None = None,
    skip_form: SkipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    templates = list(templates_to_record(user).order_by("name", "pk"))
    template = _chosen(templates, contact, chosen)
    version = latest_version(template) if template else None
    errors = errors or {}
    questions = (
        question_entries(list(version.questions.all()), values or {}, errors) if version else []
    )
    return render(
        request,
        "satisfaction/survey_contact.html",
        {
            "contact": contact,
            "state": contact_survey(contact.pk, contact.centre_id),
            "templates": templates,
            "template": template,
            "version": version,
            "questions": questions,
            "general_error": errors.get("questions", ""),
            "skip_form": skip_form or SkipForm(),
            "scale_labels": SCALE_LABELS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_survey_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    """GET: the contact's survey, or the form to record one (?survey= picks the survey).
    POST: the answers the customer gave on the phone; a refused form comes back as it was
    filled in, with each refusal under its question."""
    user, contact = _contact_for(request, contact_id)
    if request.method == "GET":
        return _page(request, user, contact, chosen=request.GET.get("survey", "")[:20])
    chosen = request.POST.get("survey", "")[:20]
    templates = list(templates_to_record(user))
    template = _chosen(templates, contact, chosen)
    if template is None:
        raise Forbidden()
    version = latest_version(template)
    values = {q.pk: request.POST.get(f"q{q.pk}", "")[:1000] for q in version.questions.all()}
    try:
        invitation = services.survey_record(
            actor=user, template_id=template.pk, contact_id=contact.pk, values=values
        )
    except DomainError as refused:
        return _page(
            request,
            user,
            contact,
            chosen=str(template.pk),
            values=values,
            errors=refusal_errors(refused),
            status=400,
        )
    if invitation.state == InvitationState.REFUSED:
        messages.error(request, REFUSED.get(invitation.refusal, REFUSED["opted_out"]))
    else:
        messages.success(request, _("The customer's answers are recorded."))
    return redirect("satisfaction_contact_survey", contact_id=contact.pk)


@login_required
@require_http_methods(["POST"])
def contact_survey_skip_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Skip the survey for this contact: the draw passes it by. Safe to repeat."""
    user, contact = _contact_for(request, contact_id)
    form = SkipForm(request.POST)
    if not form.is_valid():
        return _page(request, user, contact, skip_form=form, status=400)
    try:
        services.survey_skip(actor=user, contact_id=contact.pk, reason=form.cleaned_data["reason"])
    except DomainError as refused:
        form.add_error(None, str(refused.message))
        return _page(request, user, contact, skip_form=form, status=400)
    messages.success(request, _("No survey will be sent for this contact."))
    return redirect("satisfaction_contact_survey", contact_id=contact.pk)


# The survey of an outbound list's call (issue 19 point 5) --------------------------------


def _task_for(request: HttpRequest, task_id: int) -> tuple[User, CallbackTask, SurveyTemplate]:
    """The call, for whoever may work it, and its list's survey; a call they may not
    work, like one of another centre, is not found; a list without a survey has none."""
    user = request_user(request)
    if not user.has_perm(WORK_CALLBACKS) or user.centre_id is None:
        raise Forbidden()
    task = callback_task_get_for_user(user, task_id)
    if not may_work(user, task):
        raise NotFound()
    survey_id = task.call_list.survey_id if task.call_list else None
    template = (
        templates_of_centre(user.centre_id).filter(pk=survey_id).first() if survey_id else None
    )
    if template is None:
        raise NotFound()
    return user, task, template


def _task_page(
    request: HttpRequest,
    user: User,
    task: CallbackTask,
    template: SurveyTemplate,
    *,
    values: dict[int, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    version = latest_version(template)
    errors = errors or {}
    return render(
        request,
        "satisfaction/survey_callback.html",
        {
            "task": task,
            "agent": user,
            "state": callback_survey(task.pk, task.centre_id),
            "template": template,
            "version": version,
            "questions": question_entries(list(version.questions.all()), values or {}, errors),
            "general_error": errors.get("questions", ""),
            "scale_labels": SCALE_LABELS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def callback_survey_page(request: HttpRequest, task_id: int) -> HttpResponse:
    """GET: the survey of an outbound list's call, or the form to record it. POST: the
    answers the customer gave on the call, recorded under the calling agent's staff ID;
    a refused form comes back as it was filled in."""
    user, task, template = _task_for(request, task_id)
    if request.method == "GET":
        return _task_page(request, user, task, template)
    version = latest_version(template)
    values = {q.pk: request.POST.get(f"q{q.pk}", "")[:1000] for q in version.questions.all()}
    try:
        invitation = services.survey_record_on_task(actor=user, task_id=task.pk, values=values)
    except DomainError as refused:
        errors = refusal_errors(refused)
        return _task_page(request, user, task, template, values=values, errors=errors, status=400)
    if invitation.state == InvitationState.REFUSED:
        messages.error(request, REFUSED.get(invitation.refusal, REFUSED["opted_out"]))
    else:
        messages.success(request, _("The customer's answers are recorded."))
    return redirect("satisfaction_callback_survey", task_id=task.pk)
