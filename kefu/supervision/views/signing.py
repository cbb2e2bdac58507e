"""Signing a meeting's minutes on its page (002 第14篇 全体员工 3): who signed and when,
who has not, the attendee's sign button, and once frozen the chair's correction form with
a reason in place of the editing form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError
from kefu.core.forms import refuse
from kefu.core.http import posted_version, request_user
from kefu.core.models import User
from kefu.supervision.models import Meeting
from kefu.supervision.queries import signing as queries
from kefu.supervision.queries import work_reports as report_queries
from kefu.supervision.services import signing as services


class CorrectionForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)


def signing_context(
    user: User, meeting: Meeting, may_change: bool, correction_form: CorrectionForm | None = None
) -> dict[str, Any]:
    """What the meeting page shows of the signing."""
    signing = queries.signing_of(meeting)
    mine = next((row for row in signing.rows if row.person.pk == user.pk), None)
    if may_change and signing.frozen and correction_form is None:
        correction_form = CorrectionForm(
            initial={"minutes": meeting.minutes, "decisions": meeting.decisions}
        )
    return {
        "signing": signing,
        "may_sign": mine is not None and mine.signed_at is None and bool(meeting.minutes.strip()),
        "correction_form": correction_form if may_change and signing.frozen else None,
    }


@login_required
def minutes_sign_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = request_user(request)
    meeting = report_queries.meeting_get_for_user(user, meeting_id)
    if request.method == "POST":
        try:
            services.minutes_sign(actor=user, meeting=meeting)
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("You signed the minutes."))
    return redirect("supervision_meeting", meeting.pk)


@login_required
def minutes_correct_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    from kefu.supervision.views.meetings import meeting_page_with

    user = request_user(request)
    meeting = report_queries.meeting_get_for_user(user, meeting_id)
    if request.method != "POST":
        return redirect("supervision_meeting", meeting.pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.minutes_correct(
                actor=user,
                meeting=meeting,
                version=posted_version(request),
                minutes=data["minutes"],
                decisions=data["decisions"],
                reason=data["reason"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Minutes corrected: the signing starts again."))
            return redirect("supervision_meeting", meeting.pk)
    return meeting_page_with(request, meeting, correction_form=form, status=400)
