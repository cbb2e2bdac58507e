"""Exams (issue 20 point 2; 001 4.4.3.2): the list (open exams to take, one's results,
and for the keepers every exam and a new one), an exam's page with its results, taking it
(the paper drawn once, answers saved as one goes, the time left shown; the server keeps
the time limit), and the marking of written answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import Conflict, DomainError, Forbidden, Invalid
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.supervision.exam_forms import ExamForm, MarkForm
from kefu.supervision.models import ExamQuestionKind, Paper, PaperQuestion, PaperState
from kefu.supervision.queries import exams as queries
from kefu.supervision.services import exams as services
from kefu.telephony.models import Queue

#: The exam page's filters of its papers: written answers waiting, failed, passed.
PAPER_FILTERS = {
    "to_mark": Q(state=PaperState.SUBMITTED),
    "failed": Q(state=PaperState.MARKED, passed=False),
    "passed": Q(state=PaperState.MARKED, passed=True),
}
PAPER_FILTER_LABELS = (
    ("", _("All")),
    ("to_mark", _("To mark")),
    ("failed", pgettext_lazy("exam", "Failed")),
    ("passed", _("Passed")),
)


def _queues(centre_id: int | None) -> list[tuple[int, str]]:
    return [
        (pk, title or name)
        for pk, name, title in Queue.objects.filter(centre_id=centre_id)
        .order_by("name")
        .values_list("pk", "name", "title")
    ]


@login_required
def exams_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_see_exams(user):
        raise Forbidden()
    manage = queries.may_manage(user)
    form = None
    if manage:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = ExamForm(
            request.POST or None,
            queues=_queues(user.centre_id),
            initial={"opens_at": now, "closes_at": now + dt.timedelta(days=7), "topics": []},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                exam = services.exam_create(
                    actor=user,
                    kind=data["kind"],
                    title=data["title"],
                    topics=data["topics"],
                    spec=form.spec(),
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    minutes=data["minutes"],
                    pass_mark=data["pass_mark"],
                    partial_rule=data["partial_rule"],
                    certifies_id=data["certifies"],
                    certification_days=data["certification_days"],
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("The exam is set."))
                return redirect("supervision_exam", exam.pk)
    elif request.method == "POST":
        raise Forbidden()
    exams = list(queries.exams_of(user).order_by("-opens_at", "-pk")[:100])
    mine = {p.exam_id: p for p in Paper.objects.filter(person=user, exam__in=exams)}
    now = timezone.now()
    return render(
        request,
        "supervision/exams/exams.html",
        {
            "exams": exams,
            "mine": mine,
            "now": now,
            "may_take": queries.may_take(user),
            "manage": manage,
            "to_mark": queries.to_mark(user).count() if queries.may_mark(user) else None,
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
def exam_page(request: HttpRequest, exam_id: int) -> HttpResponse:
    user = request_user(request)
    exam = queries.exam_get_for_user(user, exam_id)
    see_all = queries.may_manage(user) or queries.may_mark(user)
    show = request.GET.get("show", "")
    papers = queries.exam_papers(exam) if see_all else Paper.objects.none()
    if show in PAPER_FILTERS:
        papers = papers.filter(PAPER_FILTERS[show])
    # A page of papers at a time: a quarterly exam of a 500-agent centre has hundreds.
    page, query = page_of(request, papers)
    parts = services.spec_parts(exam.spec)
    return render(
        request,
        "supervision/exams/exam.html",
        {
            "exam": exam,
            "parts": [(dict(ExamQuestionKind.choices)[k], p) for k, p in parts.items()],
            "out_of": sum((p.points * p.count for p in parts.values()), Decimal(0)),
            "page": page,
            "query": query,
            "show": show,
            "filters": PAPER_FILTER_LABELS,
            "summary": queries.exam_summary(exam) if see_all else None,
            "see_all": see_all,
            "mine": queries.my_paper(user, exam),
            "open": queries.is_open(exam),
            "may_take": queries.may_take(user),
        },
    )


@login_required
@require_POST
def exam_take_view(request: HttpRequest, exam_id: int) -> HttpResponse:
    user = request_user(request)
    exam = queries.exam_get_for_user(user, exam_id)
    try:
        paper = services.paper_open(actor=user, exam=exam)
    except Conflict as refused:
        messages.error(request, str(refused.message))
        return redirect("supervision_exam", exam.pk)
    return redirect("supervision_paper", paper.pk)


def _answer_from(item: PaperQuestion, values: list[str]) -> Any:
    if item.kind == ExamQuestionKind.SHORT:
        return values[0] if values else ""
    if item.kind == ExamQuestionKind.TRUE_FALSE:
        return {"true": True, "false": False}.get(values[0]) if values else None
    return [int(v) for v in values if v.isdigit()]


@login_required
def paper_page(request: HttpRequest, paper_id: int) -> HttpResponse:
    user = request_user(request)
    paper = queries.paper_get_for_user(user, paper_id)
    items = queries.paper_questions(paper)
    own = paper.person_id == user.pk
    taking = own and paper.state == PaperState.TAKING and timezone.now() < paper.deadline
    return render(
        request,
        "supervision/exams/paper.html",
        {
            "paper": paper,
            "exam": paper.exam,
            "items": items,
            "taking": taking,
            "marked": paper.state == PaperState.MARKED,
            "seconds_left": max(0, int((paper.deadline - timezone.now()).total_seconds())),
        },
    )


@login_required
@require_POST
def paper_answer_view(request: HttpRequest, paper_id: int) -> HttpResponse:
    """One answer saved as the person goes (the page's script posts each change)."""
    user = request_user(request)
    paper = queries.paper_get_for_user(user, paper_id)
    position = request.POST.get("position", "")
    item = paper.questions.filter(position=int(position)).first() if position.isdigit() else None
    if item is None or paper.person_id != user.pk:
        return JsonResponse({"code": "not_found", "message": str(_("Not found."))}, status=404)
    try:
        services.answer_save(
            actor=user,
            paper=paper,
            position=item.position,
            answer=_answer_from(item, request.POST.getlist("answer")),
        )
    except (Conflict, Invalid) as refused:
        status = 409 if isinstance(refused, Conflict) else 422
        return JsonResponse({"code": refused.code, "message": str(refused.message)}, status=status)
    return JsonResponse({"saved": item.position})


@login_required
@require_POST
def paper_submit_view(request: HttpRequest, paper_id: int) -> HttpResponse:
    """Hand in: the answers on the page are saved first (those the time allows)."""
    user = request_user(request)
    paper = queries.paper_get_for_user(user, paper_id)
    if paper.person_id != user.pk:
        raise Forbidden()
    if paper.state == PaperState.TAKING:
        for item in queries.paper_questions(paper):
            values = request.POST.getlist(f"q_{item.position}")
            try:
                services.answer_save(
                    actor=user,
                    paper=paper,
                    position=item.position,
                    answer=_answer_from(item, values),
                )
            except Conflict:
                break  # the time is up: what was saved in time counts
            except Invalid:
                continue
        paper = services.paper_submit(actor=user, paper=paper)
    if paper.state == PaperState.MARKED:
        messages.success(request, _("Your paper is handed in and marked."))
    else:
        messages.success(
            request, _("Your paper is handed in; the written answers wait for a marker.")
        )
    return redirect("supervision_paper", paper.pk)


@login_required
def marking_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_mark(user):
        raise Forbidden()
    answers = list(queries.to_mark(user)[:50])
    return render(
        request, "supervision/exams/marking.html", {"answers": answers, "form": MarkForm()}
    )


@login_required
@require_POST
def answer_mark_view(request: HttpRequest, answer_id: int) -> HttpResponse:
    user = request_user(request)
    item = queries.answer_get_for_marker(user, answer_id)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            services.answer_mark(
                actor=user,
                item=item,
                points=form.cleaned_data["points"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The answer is marked."))
            return redirect("supervision_marking")
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("supervision_marking")
