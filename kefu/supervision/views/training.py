"""Training sessions and the question bank (issue 20 point 2; 001 4.4.3.1): the
sessions, planning one with the people expected, recording who came; the bank by topic,
writing a question (from a knowledge article if wanted: its title links to it), and the
questions due for review because their article changed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.knowledge.models import Article
from kefu.supervision.exam_forms import QuestionBankForm, QuestionEditForm, SessionForm
from kefu.supervision.models import ExamQuestionKind, TrainingTopic
from kefu.supervision.queries import exams as queries
from kefu.supervision.services import training as services

SHOWN = 100


def _staff(user: User) -> list[User]:
    return list(
        User.objects.filter(centre_id=user.centre_id, is_active=True).order_by("full_name", "pk")
    )


@login_required
def sessions_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_manage(user):
        raise Forbidden()
    form = SessionForm(request.POST or None, staff=_staff(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=user,
                topic=data["topic"],
                title=data["title"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                trainer_id=data["trainer"],
                trainer_name=data["trainer_name"],
                place=data["place"],
                people=data["people"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The training session is planned."))
            return redirect("supervision_session", session.pk)
    sessions = list(queries.sessions_of(user).order_by("-starts_at", "-pk")[:SHOWN])
    return render(
        request,
        "supervision/exams/sessions.html",
        {"sessions": sessions, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    user = request_user(request)
    session = queries.session_get_for_user(user, session_id)
    if request.method == "POST":
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        try:
            services.attendance_record(actor=user, session=session, present=present)
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("Attendance is recorded."))
        return redirect("supervision_session", session.pk)
    attendance = sorted(session.attendance.all(), key=lambda a: (str(a.person), a.pk))
    search = request.GET.get("q", "")[:60]
    return render(
        request,
        "supervision/exams/session.html",
        {
            "session": session,
            "attendance": attendance,
            "search": search,
            "candidates": queries.walk_in_candidates(session, search),
        },
    )


@login_required
@require_POST
def attendees_add_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """Add the people picked from the search as walk-ins, listed once as attended."""
    user = request_user(request)
    session = queries.session_get_for_user(user, session_id)
    people = [int(v) for v in request.POST.getlist("people") if v.isdigit()]
    try:
        added = services.attendees_add(actor=user, session=session, people=people)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            ngettext("%(n)d person added as attended.", "%(n)d people added as attended.", added)
            % {"n": added},
        )
    return redirect("supervision_session", session.pk)


def _articles(user: User) -> list[tuple[int, str]]:
    return list(
        Article.objects.filter(centre_id=user.centre_id)
        .order_by("title")
        .values_list("pk", "title")[:500]
    )


@login_required
def questions_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not (queries.may_write_questions(user) or queries.may_manage(user)):
        raise Forbidden()
    initial = {}
    if request.GET.get("article", "").isdigit():
        initial["article"] = int(request.GET["article"])
    form = QuestionBankForm(request.POST or None, articles=_articles(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_save(
                actor=user,
                topic=data["topic"],
                kind=data["kind"],
                text=data["text"],
                options=data["option_list"],
                key=data["key_value"],
                article_id=data["article"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The question is added to the bank."))
            return redirect("supervision_questions")
    questions = list(queries.questions_of(user).order_by("topic", "kind", "pk"))
    topic = request.GET.get("topic")
    if topic in TrainingTopic.values:
        questions = [q for q in questions if q.topic == topic]
    review = [q for q in questions if q.needs_review]
    if request.GET.get("review"):
        questions = review
    counts = {
        label: sum(1 for q in questions if q.topic == value)
        for value, label in TrainingTopic.choices
    }
    return render(
        request,
        "supervision/exams/questions.html",
        {
            "questions": questions,
            "review": review,
            "counts": counts,
            "topics": TrainingTopic.choices,
            "topic": topic,
            "kinds": dict(ExamQuestionKind.choices),
            "form": form,
            "may_write": queries.may_write_questions(user),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def question_reviewed_view(request: HttpRequest, question_id: int) -> HttpResponse:
    user = request_user(request)
    question = queries.question_get_for_user(user, question_id)
    services.question_reviewed(actor=user, question=question)
    messages.success(request, _("The question is marked as reviewed."))
    return redirect("supervision_questions")


@login_required
def question_edit_page(request: HttpRequest, question_id: int) -> HttpResponse:
    """Change a question of the bank: text, options, answer, topic, source article, in use.
    Saving it reviews it against its article (the "article changed" mark goes)."""
    user = request_user(request)
    if not queries.may_write_questions(user):
        raise Forbidden()
    question = queries.question_get_for_user(user, question_id)
    form = QuestionEditForm(
        request.POST or None,
        articles=_articles(user),
        initial=QuestionEditForm.initial_of(question),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_save(
                actor=user,
                question=question,
                version=data["version"],
                topic=data["topic"],
                kind=data["kind"],
                text=data["text"],
                options=data["option_list"],
                key=data["key_value"],
                article_id=data["article"],
                active=data["active"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("supervision_questions")
    return render(
        request,
        "supervision/exams/question_edit.html",
        {"question": question, "form": form},
        status=400 if form.is_bound else 200,
    )
