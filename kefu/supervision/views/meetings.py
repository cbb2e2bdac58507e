"""Weekly review meetings' pages (周例会; issue 20 point 6; seed 000 第1篇, 002 第14篇
全体员工 3): the meetings one may see with a form to hold a new one and the caller's own
open action items; a meeting's page with its minutes and decisions, its action items
(overdue marked, the owner marks done) and the open items of earlier meetings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateInput, refuse
from kefu.core.http import posted_version, request_user
from kefu.core.models import User
from kefu.core.roles import LEADER, MANAGER
from kefu.supervision.models import Meeting
from kefu.supervision.queries import work_reports as queries
from kefu.supervision.services import meetings as services
from kefu.supervision.views.signing import signing_context

PER_PAGE = 20


def _staff(user: User) -> list[tuple[str, str]]:
    people = User.objects.filter(centre_id=user.centre_id, is_active=True).order_by(
        "full_name", "username"
    )
    return [(str(person.pk), str(person)) for person in people]


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=100)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    attendees = forms.TypedMultipleChoiceField(
        label=_("Attendees"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = _staff(user)  # type: ignore[attr-defined]
        if editing:
            del self.fields["team"]
        else:
            teams = queries.teams_of(user.centre_id)
            if user.role == LEADER:
                teams = [team for team in teams if team.pk == user.team_id]
            self.fields["team"].choices = [  # type: ignore[attr-defined]
                ("", _("The whole centre"))
            ] + [(str(team.pk), team.name) for team in teams]


class ActionForm(forms.Form):
    description = forms.CharField(label=_("What is to be done"), max_length=500)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *_staff(user)]  # type: ignore[attr-defined]


class DoneForm(forms.Form):
    note = forms.CharField(label=_("How it was done"), max_length=500, required=False)


@login_required
def meetings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_write(user) and not queries.may_hold_meetings(user):
        raise Forbidden()
    return _list(request, user)


def _list(
    request: HttpRequest, user: User, form: MeetingForm | None = None, status: int = 200
) -> HttpResponse:
    meetings = queries.meetings_of(user).order_by("-held_on", "-pk")
    may_hold = queries.may_hold_meetings(user)
    if may_hold and form is None:
        form = MeetingForm(
            user=user,
            initial={
                "held_on": timezone.localdate(),
                "title": _("Weekly review meeting"),
                "team": user.team_id if user.role == LEADER else None,
            },
        )
    return render(
        request,
        "supervision/meetings/list.html",
        {
            "meetings": Paginator(meetings, PER_PAGE).get_page(request.GET.get("page")),
            "form": form if may_hold else None,
            "my_actions": queries.open_actions_of(user),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def meeting_new_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method != "POST":
        return redirect("supervision_meetings")
    form = MeetingForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=user,
                held_on=data["held_on"],
                title=data["title"],
                team_id=data["team"],
                attendee_ids=data["attendees"],
                minutes=data["minutes"],
                decisions=data["decisions"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("supervision_meeting", meeting.pk)
    return _list(request, user, form, status=400)


def _may_change(user: User, meeting: Meeting) -> bool:
    return queries.may_hold_meetings(user) and (meeting.chair_id == user.pk or user.role == MANAGER)


def _page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: MeetingForm | None = None,
    action_form: ActionForm | None = None,
    correction_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    meeting = queries.meeting_detail(meeting)
    may_change = _may_change(user, meeting)
    signed = signing_context(user, meeting, may_change, correction_form)
    if signed["signing"].frozen:
        form = None
    elif may_change and form is None:
        form = MeetingForm(
            user=user,
            editing=True,
            initial={
                "held_on": meeting.held_on,
                "title": meeting.title,
                "attendees": [person.pk for person in meeting.attendees.all()],
                "minutes": meeting.minutes,
                "decisions": meeting.decisions,
            },
        )
    return render(
        request,
        "supervision/meetings/meeting.html",
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.all()),
            "actions": list(meeting.actions.all()),
            "carried": queries.carried_over(meeting),
            "form": form if may_change else None,
            **signed,
            "action_form": (action_form or ActionForm(user=user)) if may_change else None,
            "today": timezone.localdate(),
            "user_id": user.pk,
        },
        status=status,
    )


def meeting_page_with(
    request: HttpRequest, meeting: Meeting, *, correction_form: Any, status: int
) -> HttpResponse:
    """The meeting's page with a refused correction form kept as typed."""
    return _page(request, meeting, correction_form=correction_form, status=status)


@login_required
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _page(request, queries.meeting_get_for_user(request_user(request), meeting_id))


@login_required
def meeting_edit_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = request_user(request)
    meeting = queries.meeting_get_for_user(user, meeting_id)
    if request.method != "POST":
        return redirect("supervision_meeting", meeting.pk)
    form = MeetingForm(request.POST, user=user, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_edit(
                actor=user,
                meeting=meeting,
                version=posted_version(request),
                held_on=data["held_on"],
                title=data["title"],
                attendee_ids=data["attendees"],
                minutes=data["minutes"],
                decisions=data["decisions"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect("supervision_meeting", meeting.pk)
    return _page(request, meeting, form=form, status=400)


@login_required
def action_add_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = request_user(request)
    meeting = queries.meeting_get_for_user(user, meeting_id)
    if request.method != "POST":
        return redirect("supervision_meeting", meeting.pk)
    form = ActionForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_add(
                actor=user,
                meeting=meeting,
                description=data["description"],
                owner_id=data["owner"],
                due_on=data["due_on"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Action item added."))
            return redirect("supervision_meeting", meeting.pk)
    return _page(request, meeting, action_form=form, status=400)


@login_required
def action_done_view(request: HttpRequest, action_id: int) -> HttpResponse:
    user = request_user(request)
    item = queries.action_get_for_user(user, action_id)
    back = request.POST.get("next") or ""
    if request.method == "POST":
        form = DoneForm(request.POST)
        if form.is_valid():
            try:
                services.action_done(actor=user, item=item, note=form.cleaned_data["note"])
            except DomainError as refused:
                messages.error(request, str(refused.message))
            else:
                messages.success(request, _("Marked done."))
    if back == "list":
        return redirect("supervision_meetings")
    return redirect("supervision_meeting", item.meeting_id)
