"""Certification per queue by hand (持证上岗, seed 000 第3篇: 通过技能培训考试, 持证上岗;
issue 20 point 2), at supervision/certification/: which of the centre's queues require a
certification (the rota puts nobody uncertified on them), granting a person one by hand
and revoking one, and the history of every certification, those exams granted included.
The rows live in workforce (`workforce.services.certification`); this page belongs to the
keepers of training, who keep the exams that grant them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateInput, refuse
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.supervision.queries import exams as queries
from kefu.telephony.models import Queue
from kefu.workforce.queries.certification import certifications_of, holds, required_queues
from kefu.workforce.services import certification as services

#: How many certifications the history lists.
SHOWN = 200


class GrantForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    queue = forms.TypedChoiceField(label=_("Queue"), coerce=int)
    granted_on = forms.DateField(label=_("Granted on"), widget=DateInput())
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=services.MAX_DAYS, initial=365
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=200,
        help_text=_("E.g. a certificate earned at another centre."),
    )

    def __init__(self, *args: Any, people: list[User], queues: list[Queue], **kwargs: Any):
        super().__init__(*args, **kwargs)
        # A centre's hundreds of people, grouped by team (the people of no team last).
        teams: dict[str, list[tuple[int, str]]] = {}
        for person in people:
            team = person.team.name if person.team else str(_("No team"))
            teams.setdefault(team, []).append((person.pk, str(person)))
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", "—"), *teams.items()]
        cast(forms.ChoiceField, self.fields["queue"]).choices = [
            ("", "—"),
            *((q.pk, q.title or q.name) for q in queues),
        ]


def _keeper(request: HttpRequest) -> tuple[User, int]:
    """The keeper of training and their centre."""
    user = request_user(request)
    if not queries.may_manage(user) or user.centre_id is None:
        raise Forbidden()
    return user, user.centre_id


def _queues(user: User) -> list[Queue]:
    return list(Queue.objects.filter(centre_id=user.centre_id).order_by("title", "name"))


@login_required
def certification_page(request: HttpRequest) -> HttpResponse:
    user, centre_id = _keeper(request)
    queues = _queues(user)
    people = list(
        User.objects.filter(centre_id=user.centre_id, is_active=True)
        .select_related("team")
        .order_by(F("team__name").asc(nulls_last=True), "full_name", "username")
    )
    form = GrantForm(
        request.POST or None,
        people=people,
        queues=queues,
        initial={"granted_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.certification_grant_by_hand(
                actor=user,
                user_id=data["person"],
                queue_id=data["queue"],
                granted_on=data["granted_on"],
                days=data["days"],
                reason=data["reason"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The certification is granted."))
            return redirect("supervision_certification")
    required = required_queues(centre_id)
    history = certifications_of(centre_id)
    queue = request.GET.get("queue", "")
    if queue.isdigit():
        history = history.filter(queue_id=int(queue))
    today = timezone.localdate()
    return render(
        request,
        "supervision/certification/page.html",
        {
            "queues": [(q, required.get(q.pk)) for q in queues],
            "history": [(c, holds(c, today)) for c in history[:SHOWN]],
            "chosen_queue": int(queue) if queue.isdigit() else None,
            "form": form,
            "today": today,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def queue_requirement_view(request: HttpRequest, queue_id: int) -> HttpResponse:
    """Mark a queue as requiring certification, or lift the requirement."""
    user, _centre = _keeper(request)
    required = request.POST.get("required") == "1"
    services.queue_certification_set(actor=user, queue_id=queue_id, required=required)
    messages.success(
        request,
        _("The queue now requires a certification.")
        if required
        else _("The queue no longer requires a certification."),
    )
    return redirect("supervision_certification")


@login_required
@require_POST
def certification_revoke_view(request: HttpRequest, certification_id: int) -> HttpResponse:
    user, _centre = _keeper(request)
    try:
        services.certification_revoke(
            actor=user,
            certification_id=certification_id,
            reason=request.POST.get("reason", "")[:200],
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The certification is revoked."))
    return redirect("supervision_certification")
