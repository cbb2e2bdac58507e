"""The inspector's queue and scoring page, one score with the agent's response and its
decision, the agent's own scores and the appeals to decide (issue 18 points 3 and 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.contacts.queries import contact_get_for_user
from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.roles import COACH_AGENTS
from kefu.quality.forms import (
    AppealForm,
    ChooseForm,
    CoachingForm,
    DecisionForm,
    ScoreForm,
    SkipForm,
)
from kefu.quality.models import AgentResponse, Answer, AppealState, Evaluation, SampleState
from kefu.quality.queries import (
    appeal_of,
    appeals_to_decide,
    coaching_of,
    evaluation_get_for_user,
    evaluations_visible_to,
    may_second_look,
    queue_of,
    sample_item_get_for_user,
    superseded_by,
    version_in_use,
    version_with_items,
)
from kefu.quality.queries.scoring import answers_of, evidence, prefilled
from kefu.quality.services import evaluations as services
from kefu.quality.services import sampling as sampling_services

MY_SCORES = 50


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """The contacts drawn for the inspector, oldest first, and a contact of their choosing."""
    user = request_user(request)
    items = list(queue_of(user)[:200])
    form = ChooseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = sampling_services.sample_choose(
                    actor=user, contact_id=form.cleaned_data["contact"]
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                return redirect("quality_score_new", item.pk)
        status = 400
    return render(
        request,
        "quality/queue.html",
        {"items": items, "total": queue_of(user).count(), "form": form},
        status=status,
    )


def _scoring_context(user: User, contact_id: int, version_id: int) -> dict[str, Any]:
    contact = contact_get_for_user(user, contact_id)
    version = version_with_items(version_id)
    found = evidence(user, contact)
    return {"contact": contact, "version": version, "evidence": found}


@login_required
def score_new_page(request: HttpRequest, item_id: int) -> HttpResponse:
    """Score a drawn contact: the contact, its calls, its orders, its transcript with the
    automatic hits, and the scorecard with what the checks could answer pre-filled."""
    user = request_user(request)
    item = sample_item_get_for_user(user, item_id)
    if item.state != SampleState.OPEN:
        if item.evaluation_id:
            return redirect("quality_score", item.evaluation_id)
        messages.info(request, _("This contact was skipped."))
        return redirect("quality_queue")
    version = version_in_use(item.plan.scorecard) if item.plan else None
    if version is None:
        raise Forbidden(_("This contact's scorecard has no version in use."))
    context = _scoring_context(user, item.contact_id, version.pk)
    auto = prefilled(context["version"], context["evidence"])
    form = ScoreForm(request.POST or None, version=context["version"], prefilled=auto)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation = services.evaluation_submit(
                    actor=user,
                    sample_item_id=item.pk,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("Score saved: %(score)s") % {"score": evaluation.score})
                following = queue_of(user).exclude(pk=item.pk).first()
                if following is not None:
                    return redirect("quality_score_new", following.pk)
                return redirect("quality_queue")
        status = 400
    context |= {"item": item, "form": form, "prefilled": auto, "skip_form": SkipForm()}
    return render(request, "quality/score_new.html", context, status=status)


@login_required
@require_POST
def skip_view(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request_user(request)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            sampling_services.sample_skip(
                actor=user, item_id=item_id, reason=form.cleaned_data["reason"]
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
            return redirect("quality_score_new", item_id)
        messages.success(request, _("The contact was left unscored."))
        return redirect("quality_queue")
    messages.error(request, _("Say why it is skipped."))
    return redirect("quality_score_new", item_id)


def _by_section(evaluation: Evaluation) -> dict[str, list[Answer]]:
    sections: dict[str, list[Answer]] = {}
    for answer in evaluation.answers.all():
        sections.setdefault(answer.item.section.title, []).append(answer)
    return sections


def _score_context(
    user: User, evaluation: Evaluation, appeal_form: AppealForm | None = None
) -> dict[str, Any]:
    """What the page of one score shows the user, and which of its actions they may take."""
    appeal = appeal_of(evaluation)
    own = evaluation.agent_id == user.pk
    second_look = may_second_look(user, evaluation)
    open_appeal = appeal is not None and appeal.state == AppealState.OPEN
    return {
        "evaluation": evaluation,
        "sections": _by_section(evaluation),
        "appeal": appeal,
        "superseded_by": superseded_by(evaluation),
        "pending": own and evaluation.current and evaluation.response == AgentResponse.PENDING,
        "appeal_form": appeal_form or AppealForm(),
        "may_decide": open_appeal and second_look,
        "may_review": second_look
        and evaluation.current
        and evaluation.calibration_id is None
        and not open_appeal,
        "may_coach": user.has_perm(COACH_AGENTS) and evaluation.calibration_id is None,
        "coaching_form": CoachingForm(initial={"due": timezone.localdate() + dt.timedelta(days=7)}),
        "coaching": list(evaluation.coaching.all()),
        "evidence": evidence(user, evaluation.contact) if not own else None,
    }


@login_required
def score_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """One score: its answers and comments, what superseded it or what it superseded, the
    agent's acknowledgement or appeal and its decision, the leader's coaching."""
    user = request_user(request)
    evaluation = evaluation_get_for_user(user, evaluation_id)
    return render(request, "quality/score.html", _score_context(user, evaluation))


@login_required
@require_POST
def acknowledge_view(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    try:
        services.evaluation_acknowledge(actor=request_user(request), evaluation_id=evaluation_id)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("You acknowledged the score."))
    return redirect("quality_score", evaluation_id)


@login_required
@require_POST
def appeal_view(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    user = request_user(request)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_file(
                actor=user, evaluation_id=evaluation_id, reason=form.cleaned_data["reason"]
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Your appeal was sent."))
            return redirect("quality_score", evaluation_id)
    evaluation = evaluation_get_for_user(user, evaluation_id)
    context = _score_context(user, evaluation, form)
    context["pending"] = True  # the refused appeal's form stays, with what was typed
    return render(request, "quality/score.html", context, status=400)


def _second_look(request: HttpRequest, evaluation_id: int, *, appeal: bool) -> HttpResponse:
    """Decide an appeal (the score stands, or changes) or review a score: the scorecard
    with the score's answers, the evidence, and the reason."""
    user = request_user(request)
    evaluation = evaluation_get_for_user(user, evaluation_id)
    context = _scoring_context(user, evaluation.contact_id, evaluation.version_id)
    previous = answers_of(evaluation.answers.all())
    data = request.POST or None
    form = ScoreForm(data, version=context["version"], previous=previous)
    decision = DecisionForm(data) if appeal else None
    status = 200
    if request.method == "POST":
        valid = form.is_valid() and (decision is None or decision.is_valid())
        if valid:
            try:
                if decision is not None:
                    changed = decision.cleaned_data["outcome"] == "changed"
                    services.appeal_decide(
                        actor=user,
                        evaluation_id=evaluation.pk,
                        decision=decision.cleaned_data["decision"],
                        answers=form.answers() if changed else None,
                    )
                else:
                    services.evaluation_review(
                        actor=user,
                        evaluation_id=evaluation.pk,
                        answers=form.answers(),
                        comment=form.cleaned_data["comment"],
                    )
            except DomainError as refused:
                refuse(decision or form, refused)
            else:
                messages.success(request, _("The decision is recorded."))
                if appeal:
                    return redirect("quality_appeals")
                return redirect("quality_score", evaluation.pk)
        status = 400
    context |= {
        "evaluation": evaluation,
        "appeal": appeal_of(evaluation),
        "form": form,
        "decision_form": decision,
    }
    return render(request, "quality/second_look.html", context, status=status)


@login_required
def decide_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _second_look(request, evaluation_id, appeal=True)


@login_required
def review_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _second_look(request, evaluation_id, appeal=False)


@login_required
@require_POST
def coaching_view(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    form = CoachingForm(request.POST)
    if form.is_valid():
        try:
            services.coaching_add(
                actor=request_user(request), evaluation_id=evaluation_id, **form.cleaned_data
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("The coaching task was set."))
    else:
        messages.error(request, _("Write what to improve and a due date."))
    return redirect("quality_score", evaluation_id)


@login_required
@require_POST
def coaching_acknowledge_view(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        services.coaching_acknowledge(actor=request_user(request), task_id=task_id)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("quality_mine")


@login_required
def mine_page(request: HttpRequest) -> HttpResponse:
    """The agent's own scores, newest first, those waiting for a response on top, and the
    coaching set for them."""
    user = request_user(request)
    scores = list(
        evaluations_visible_to(user)
        .filter(agent=user)
        .select_related("inspector", "version__scorecard")
        .order_by("-submitted_at")[:MY_SCORES]
    )
    waiting = [score for score in scores if score.current and score.response == "pending"]
    counted = [float(score.score) for score in scores if score.current]
    return render(
        request,
        "quality/mine.html",
        {
            "scores": scores,
            "waiting": waiting,
            "mean": sum(counted) / len(counted) if counted else None,
            "coaching": list(coaching_of(user)[:20]),
        },
    )


@login_required
def appeals_page(request: HttpRequest) -> HttpResponse:
    appeals = list(appeals_to_decide(request_user(request))[:200])
    return render(request, "quality/appeals.html", {"appeals": appeals})
