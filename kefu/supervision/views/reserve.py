"""绿苗计划, the shift-leader reserve's pages (issue 20; seed 003 第二部分(八)1): the
selections of each half year with the manager's form to open one; a selection's page
(applying, nominating, the candidates with their figures and panel scores, closing, and
the evaluation of the current shift leaders); a candidate's page (their figures, the
panel's scores, the score form and the manager's decision); the reserve pool."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import posted_version, request_user
from kefu.core.models import User
from kefu.core.roles import JOIN_RESERVE, LEADER
from kefu.supervision import reserve_rules
from kefu.supervision.models import CandidateDecision, ReserveCandidate, ReserveSelection
from kefu.supervision.queries import reserve as queries
from kefu.supervision.services import reserve as services

DASH = "—"


def _num(value: float | Decimal | None, places: int = 1) -> str:
    return DASH if value is None else f"{float(value):.{places}f}"


def _share(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def figure_cells(item: queries.Measured) -> dict[str, str]:
    """A person's figures as the pages show them (— for no data, never 0)."""
    values = item.figures.values if item.figures else {}
    answered = values.get("answered")
    appraisal = _num(item.appraisal)
    if item.appraisal_rank is not None:
        appraisal += f" (#{item.appraisal_rank})"
    return {
        "answered": DASH if answered is None else str(int(answered)),
        "aht": DASH if values.get("aht_seconds") is None else f"{values['aht_seconds']:.0f}s",
        "monitoring": _num(values.get("monitoring_score")),
        "attendance": _share(values.get("attendance")),
        "appraisal": appraisal,
        "exams": _num(item.exams),
    }


def _need_see(user: User) -> None:
    if not queries.may_see(user):
        raise Forbidden()


def _halves(today: dt.date) -> list[tuple[str, str]]:
    current = reserve_rules.half_of(today)
    following = reserve_rules.half_of(current[1] + dt.timedelta(days=1))[0]
    return [
        (first.isoformat(), reserve_rules.half_label(first)) for first in (current[0], following)
    ]


class OpenForm(forms.Form):
    half_start = forms.ChoiceField(label=_("Half year"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["half_start"].choices = _halves(timezone.localdate())  # type: ignore[attr-defined]


class ApplyForm(forms.Form):
    statement = forms.CharField(
        label=_("Why you stand (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NominateForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    statement = forms.CharField(label=_("Why"), max_length=2000, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app, codename = JOIN_RESERVE.split(".")
        people = User.objects.filter(
            centre_id=user.centre_id,
            is_active=True,
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app,
        )
        if not queries.may_manage(user):
            people = people.filter(team_id=user.team_id) if user.team_id else people.none()
        people = people.exclude(groups__name=LEADER).distinct().order_by("full_name", "username")
        self.fields["person"].choices = [("", DASH)] + [  # type: ignore[attr-defined]
            (str(p.pk), str(p)) for p in people
        ]


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class DecideForm(forms.Form):
    admit = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "1",
        choices=[("1", _("Admit to the reserve")), ("0", _("Do not admit"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RateForm(forms.Form):
    leader = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)


# ----------------------------------------------------------------------------- index


@login_required
def reserve_page(
    request: HttpRequest, form: OpenForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    _need_see(user)
    selections = list(queries.selections_of(user))
    current = next((s for s in selections if s.state == "open"), None)
    counts: dict[int, dict[str, int]] = {}
    for selection in selections:
        rows = selection.candidates.values_list("decision", flat=True)
        counts[selection.pk] = {
            "candidates": len(rows),
            "admitted": sum(1 for d in rows if d == CandidateDecision.ADMITTED),
        }
    return render(
        request,
        "supervision/reserve/index.html",
        {
            "selections": [
                {
                    "selection": s,
                    "half": reserve_rules.half_label(s.half_start),
                    **counts[s.pk],
                }
                for s in selections
            ],
            "open_form": (form or OpenForm())
            if queries.may_manage(user) and current is None
            else None,
            "current": current,
            "current_half": reserve_rules.half_label(current.half_start) if current else "",
            "may_see_pool": queries.may_score(user),
            "pool_size": queries.pool_of(user.centre_id).count() if queries.may_score(user) else 0,
        },
        status=status,
    )


@login_required
def selection_open_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method != "POST":
        return redirect("supervision_reserve")
    form = OpenForm(request.POST)
    if form.is_valid():
        try:
            selection, created = services.selection_open(
                actor=user,
                half_start=dt.date.fromisoformat(form.cleaned_data["half_start"]),
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            if created:
                messages.success(request, _("Selection opened."))
            return redirect("supervision_reserve_selection", selection.pk)
    return reserve_page(request, form=form, status=400)


# ------------------------------------------------------------------------- selection


def _selection(
    request: HttpRequest,
    selection: ReserveSelection,
    *,
    apply_form: ApplyForm | None = None,
    nominate_form: NominateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    is_open = selection.state == "open"
    panel = queries.may_score(user) or queries.may_manage(user)
    rows = queries.candidate_rows(user, selection)
    mine = next((row for row in rows if row.candidate.person_id == user.pk), None)
    may_apply = (
        is_open and mine is None and queries.may_join(user) and user.role != LEADER and not panel
    )
    evaluation = queries.evaluation_of(selection) if (panel or is_open) else []
    if not queries.may_manage(user):
        evaluation = [row for row in evaluation if row.leader.pk == user.pk]
    my_leader = queries.leader_to_rate(user) if is_open else None
    return render(
        request,
        "supervision/reserve/selection.html",
        {
            "selection": selection,
            "half": reserve_rules.half_label(selection.half_start),
            "is_open": is_open,
            "panel": panel,
            "manager": queries.may_manage(user),
            "rows": [{"row": row, "cells": figure_cells(row.measured)} for row in rows],
            "pending": sum(1 for r in rows if r.candidate.decision == CandidateDecision.PENDING),
            "mine": mine,
            "apply_form": (apply_form or ApplyForm()) if may_apply else None,
            "nominate_form": (nominate_form or NominateForm(user=user))
            if is_open and queries.may_score(user)
            else None,
            "evaluation": evaluation,
            "min_ratings": reserve_rules.MIN_RATINGS,
            "my_leader": my_leader,
            "my_rating": queries.my_rating(user, selection, my_leader) if my_leader else None,
        },
        status=status,
    )


@login_required
def selection_page(request: HttpRequest, selection_id: int) -> HttpResponse:
    user = request_user(request)
    _need_see(user)
    return _selection(request, queries.selection_get_for_user(user, selection_id))


@login_required
def selection_apply_view(request: HttpRequest, selection_id: int) -> HttpResponse:
    user = request_user(request)
    _need_see(user)
    selection = queries.selection_get_for_user(user, selection_id)
    if request.method != "POST":
        return redirect("supervision_reserve_selection", selection.pk)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_apply(
                actor=user, selection=selection, statement=form.cleaned_data["statement"]
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Your application is in."))
            return redirect("supervision_reserve_selection", selection.pk)
    return _selection(request, selection, apply_form=form, status=400)


@login_required
def selection_nominate_view(request: HttpRequest, selection_id: int) -> HttpResponse:
    user = request_user(request)
    _need_see(user)
    selection = queries.selection_get_for_user(user, selection_id)
    if request.method != "POST":
        return redirect("supervision_reserve_selection", selection.pk)
    form = NominateForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.candidate_nominate(
                actor=user,
                selection=selection,
                person_id=form.cleaned_data["person"],
                statement=form.cleaned_data["statement"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Nominated."))
            return redirect("supervision_reserve_selection", selection.pk)
    return _selection(request, selection, nominate_form=form, status=400)


@login_required
def selection_close_view(request: HttpRequest, selection_id: int) -> HttpResponse:
    user = request_user(request)
    _need_see(user)
    selection = queries.selection_get_for_user(user, selection_id)
    if request.method == "POST":
        try:
            services.selection_close(
                actor=user, selection=selection, version=posted_version(request)
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("Selection closed: the reserve pool is renewed."))
    return redirect("supervision_reserve_selection", selection.pk)


@login_required
def leader_rate_view(request: HttpRequest, selection_id: int) -> HttpResponse:
    user = request_user(request)
    _need_see(user)
    selection = queries.selection_get_for_user(user, selection_id)
    if request.method == "POST":
        form = RateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("A score lies between 0 and 100."))
        else:
            try:
                services.leader_rate(
                    actor=user,
                    selection=selection,
                    leader_id=form.cleaned_data["leader"],
                    score=form.cleaned_data["score"],
                )
            except DomainError as refused:
                messages.error(request, str(refused.message))
            else:
                messages.success(request, _("Rating saved."))
    return redirect("supervision_reserve_selection", selection.pk)


# ------------------------------------------------------------------------- candidate


def _candidate(
    request: HttpRequest,
    candidate: ReserveCandidate,
    *,
    score_form: ScoreForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    selection = candidate.selection
    is_open = selection.state == "open"
    pending = candidate.decision == CandidateDecision.PENDING
    panel, count, mine = queries.panel_of(user, candidate)
    measured = queries.measured(selection.centre, {candidate.person_id})[candidate.person_id]
    may_score = is_open and pending and queries.may_score(user) and candidate.person_id != user.pk
    return render(
        request,
        "supervision/reserve/candidate.html",
        {
            "candidate": candidate,
            "selection": selection,
            "half": reserve_rules.half_label(selection.half_start),
            "panel": panel,
            "count": count,
            "cells": figure_cells(measured),
            "figure_days": queries.FIGURE_DAYS,
            "scores": queries.panel_scores(candidate)
            if queries.may_score(user) or queries.may_manage(user)
            else [],
            "score_form": (score_form or ScoreForm(initial={"score": mine})) if may_score else None,
            "decide_form": (decide_form or DecideForm())
            if is_open and pending and queries.may_manage(user)
            else None,
        },
        status=status,
    )


@login_required
def candidate_page(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = request_user(request)
    return _candidate(request, queries.candidate_get_for_user(user, candidate_id))


@login_required
def candidate_score_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = request_user(request)
    candidate = queries.candidate_get_for_user(user, candidate_id)
    if request.method != "POST":
        return redirect("supervision_reserve_candidate", candidate.pk)
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_score(
                actor=user,
                candidate=candidate,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Score saved."))
            return redirect("supervision_reserve_candidate", candidate.pk)
    return _candidate(request, candidate, score_form=form, status=400)


@login_required
def candidate_decide_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = request_user(request)
    candidate = queries.candidate_get_for_user(user, candidate_id)
    if request.method != "POST":
        return redirect("supervision_reserve_candidate", candidate.pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_decide(
                actor=user,
                candidate=candidate,
                version=posted_version(request),
                admit=form.cleaned_data["admit"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("supervision_reserve_selection", candidate.selection_id)
    return _candidate(request, candidate, decide_form=form, status=400)


# ------------------------------------------------------------------------------ pool


@login_required
def pool_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_score(user):
        raise Forbidden()
    members = list(queries.pool_of(user.centre_id))
    centre = user.centre
    figures = queries.measured(centre, {m.person_id for m in members}) if members and centre else {}
    return render(
        request,
        "supervision/reserve/pool.html",
        {
            "members": [
                {
                    "member": m,
                    "admitted_half": reserve_rules.half_label(m.admitted_by_selection.half_start),
                    "confirmed_half": reserve_rules.half_label(m.confirmed_by_selection.half_start),
                    "cells": figure_cells(figures[m.person_id]),
                }
                for m in members
            ],
            "lapsed": [
                {
                    "member": m,
                    "confirmed_half": reserve_rules.half_label(m.confirmed_by_selection.half_start),
                }
                for m in queries.lapsed_of(user.centre_id)[:50]
            ],
            "figure_days": queries.FIGURE_DAYS,
        },
    )
