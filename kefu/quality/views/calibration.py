"""Calibration pages (issue 18 point 5): the sessions, a new one, a session where each
inspector scores its contacts blind, and its results once shown."""

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
from kefu.core.models import User
from kefu.core.roles import QA
from kefu.quality.forms import ScoreForm
from kefu.quality.queries import scorecards_of, version_with_items
from kefu.quality.queries.calibration import (
    may_run,
    outcome,
    scores_in,
    session_get_for_user,
    sessions_of,
)
from kefu.quality.queries.scoring import evidence
from kefu.quality.services import calibration as services


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    scorecard = forms.ChoiceField(label=_("Scorecard"))
    contacts = forms.CharField(
        label=_("Contact numbers"),
        max_length=400,
        help_text=_("Separated by commas or spaces, at most 20."),
    )
    inspectors = forms.MultipleChoiceField(
        label=_("Inspectors"), widget=forms.CheckboxSelectMultiple
    )
    reference = forms.ChoiceField(label=_("Reference scorer"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [
            (str(person.pk), str(person))
            for person in User.objects.filter(
                centre_id=user.centre_id, groups__name=QA, is_active=True
            ).order_by("username")
        ]
        self.fields["scorecard"].choices = [  # type: ignore[attr-defined]
            (str(card.pk), card.name) for card in scorecards_of(user).filter(active=True)
        ]
        self.fields["inspectors"].choices = people  # type: ignore[attr-defined]
        self.fields["reference"].choices = people  # type: ignore[attr-defined]

    def clean_contacts(self) -> list[int]:
        raw = self.cleaned_data["contacts"].replace("，", ",").replace(",", " ").split()
        try:
            numbers = [int(value) for value in raw]
        except ValueError:
            raise forms.ValidationError(_("Enter contact numbers only.")) from None
        if not 1 <= len(numbers) <= services.MAX_CONTACTS:
            raise forms.ValidationError(_("Choose 1 to 20 of the centre's contacts."))
        return numbers


@login_required
def calibrations_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    sessions = list(sessions_of(user)[:50])
    form = SessionForm(request.POST or None, user=user) if may_run(user) else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Forbidden()
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.calibration_create(
                    actor=user,
                    title=data["title"],
                    scorecard_id=int(data["scorecard"]),
                    contact_ids=data["contacts"],
                    inspector_ids=[int(value) for value in data["inspectors"]],
                    reference_id=int(data["reference"]),
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The calibration session is open."))
                return redirect("quality_calibration", session.pk)
        status = 400
    return render(
        request, "quality/calibrations.html", {"sessions": sessions, "form": form}, status=status
    )


@login_required
def calibration_page(request: HttpRequest, session_id: int) -> HttpResponse:
    user = request_user(request)
    session = session_get_for_user(user, session_id)
    mine = {score.contact_id: score for score in scores_in(session, user)}
    context: dict[str, Any] = {
        "session": session,
        "contacts": [(contact, mine.get(contact.pk)) for contact in session.contacts.all()],
        "taking_part": any(person.pk == user.pk for person in session.inspectors.all()),
        "may_run": may_run(user),
    }
    if session.state == "revealed":
        found = outcome(session)
        context["outcome"] = found
        context["item_rows"] = [
            (found.items.get(item, ""), spread) for item, spread in found.compared.items.items()
        ]
        context["inspector_rows"] = [
            (found.names.get(person, ""), figures)
            for person, figures in found.compared.inspectors.items()
        ]
    return render(request, "quality/calibration.html", context)


@login_required
def calibration_score_page(request: HttpRequest, session_id: int, contact_id: int) -> HttpResponse:
    """Score one of the session's contacts blind: nobody else's score is shown."""
    user = request_user(request)
    session = session_get_for_user(user, session_id)
    contact = session.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise Forbidden()
    version = version_with_items(session.version_id)
    form = ScoreForm(request.POST or None, version=version)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.calibration_score(
                    actor=user,
                    session_id=session.pk,
                    contact_id=contact.pk,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("Your blind score is saved."))
                return redirect("quality_calibration", session.pk)
        status = 400
    return render(
        request,
        "quality/calibration_score.html",
        {
            "session": session,
            "contact": contact,
            "version": version,
            "form": form,
            "evidence": evidence(user, contact),
        },
        status=status,
    )


@login_required
@require_POST
def calibration_reveal_view(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        services.calibration_reveal(actor=request_user(request), session_id=session_id)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("quality_calibration", session_id)
