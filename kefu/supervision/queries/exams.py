"""Reads of training and exams (issue 20 point 2): who may do what, the access-checked
getters (one per entity, used by the API and the pages alike), the lists, an exam's
results, and `exam_scores`, each person's mean exam score over a period for the
appraisal."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import MANAGE_TRAINING, MARK_EXAMS, TAKE_EXAMS, WRITE_QUESTIONS
from kefu.supervision.models import (
    Exam,
    ExamQuestionKind,
    Paper,
    PaperQuestion,
    PaperState,
    Question,
    TrainingSession,
)


def may_take(user: User) -> bool:
    return user.has_perm(TAKE_EXAMS)


def may_manage(user: User) -> bool:
    return user.has_perm(MANAGE_TRAINING)


def may_write_questions(user: User) -> bool:
    return user.has_perm(WRITE_QUESTIONS)


def may_mark(user: User) -> bool:
    return user.has_perm(MARK_EXAMS)


def may_see_exams(user: User) -> bool:
    return may_take(user) or may_manage(user) or may_mark(user)


# --------------------------------------------------------------------------- training


def sessions_of(user: User) -> QuerySet[TrainingSession]:
    """The centre's sessions for those who keep training; none for others."""
    if not may_manage(user) or user.centre_id is None:
        return TrainingSession.objects.none()
    return (
        TrainingSession.objects.filter(centre_id=user.centre_id)
        .select_related("trainer")
        .annotate(
            expected=Count("attendance"),
            came=Count("attendance", filter=Q(attendance__present=True)),
        )
    )


def session_get_for_user(user: User, session_id: int) -> TrainingSession:
    found = sessions_of(user).filter(pk=session_id).prefetch_related("attendance__person").first()
    if found is None:
        raise NotFound()
    return found


def walk_in_candidates(session: TrainingSession, text: str, limit: int = 30) -> list[User]:
    """The centre's active people not on the session's list whose name, user name or team
    holds `text` (nobody for an empty search): whom a keeper may add as a walk-in."""
    text = text.strip()
    if not text:
        return []
    found = Q(full_name__icontains=text) | Q(username__icontains=text)
    return list(
        User.objects.filter(centre_id=session.centre_id, is_active=True)
        .filter(found | Q(team__name__icontains=text))
        .exclude(pk__in=session.attendance.values("person_id"))
        .select_related("team")
        .order_by("full_name", "username", "pk")[:limit]
    )


def questions_of(user: User) -> QuerySet[Question]:
    """The centre's question bank for those who write questions or keep exams."""
    if not (may_write_questions(user) or may_manage(user)) or user.centre_id is None:
        return Question.objects.none()
    return Question.objects.filter(centre_id=user.centre_id).select_related("article")


def question_get_for_user(user: User, question_id: int) -> Question:
    found = questions_of(user).filter(pk=question_id).first()
    if found is None:
        raise NotFound()
    return found


# ------------------------------------------------------------------------------- exams


def exams_of(user: User) -> QuerySet[Exam]:
    """Every exam of the user's centre for whoever takes, keeps or marks exams."""
    if not may_see_exams(user) or user.centre_id is None:
        return Exam.objects.none()
    return Exam.objects.filter(centre_id=user.centre_id).select_related("certifies")


def exam_get_for_user(user: User, exam_id: int) -> Exam:
    found = exams_of(user).filter(pk=exam_id).first()
    if found is None:
        raise NotFound()
    return found


def is_open(exam: Exam, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return exam.opens_at <= now < exam.closes_at


def papers_of(user: User) -> QuerySet[Paper]:
    """A person's own papers; every paper of the centre for a marker or a keeper."""
    papers = Paper.objects.select_related("exam", "person")
    if user.centre_id is None:
        return papers.none()
    if may_mark(user) or may_manage(user):
        return papers.filter(exam__centre_id=user.centre_id)
    return papers.filter(person=user)


def paper_get_for_user(user: User, paper_id: int) -> Paper:
    found = papers_of(user).filter(pk=paper_id).first()
    if found is None:
        raise NotFound()
    return found


def paper_questions(paper: Paper) -> list[PaperQuestion]:
    return list(paper.questions.select_related("marked_by").order_by("position"))


def my_paper(user: User, exam: Exam) -> Paper | None:
    return Paper.objects.filter(exam=exam, person=user).first()


def exam_papers(exam: Exam) -> QuerySet[Paper]:
    """The exam's papers with their people, best first."""
    return (
        Paper.objects.filter(exam=exam)
        .select_related("person")
        .annotate(
            to_mark=Count(
                "questions",
                filter=Q(questions__points__isnull=True, questions__kind=ExamQuestionKind.SHORT),
            )
        )
        .order_by("state", "-percent", "person__full_name", "pk")
    )


@dataclass(frozen=True)
class ExamSummary:
    sat: int
    marked: int
    passed: int
    mean: Decimal | None


def exam_summary(exam: Exam) -> ExamSummary:
    """How many sat, were marked and passed, and the marked papers' mean percentage (exact:
    summed here, not by the database's floating average)."""
    sat = Paper.objects.filter(exam=exam).count()
    marked: list[tuple[Decimal, bool | None]] = [
        (percent, passed)
        for percent, passed in Paper.objects.filter(
            exam=exam, state=PaperState.MARKED, percent__isnull=False
        )
        .values_list("percent", "passed")
        .order_by()
        if percent is not None
    ]
    mean = (
        (sum((percent for percent, _passed in marked), Decimal(0)) / len(marked)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        if marked
        else None
    )
    return ExamSummary(sat, len(marked), sum(1 for _percent, passed in marked if passed), mean)


def to_mark(user: User) -> QuerySet[PaperQuestion]:
    """Written answers waiting for a marker, oldest paper first (not the marker's own)."""
    if not may_mark(user) or user.centre_id is None:
        return PaperQuestion.objects.none()
    return (
        PaperQuestion.objects.filter(
            paper__exam__centre_id=user.centre_id,
            paper__state=PaperState.SUBMITTED,
            kind=ExamQuestionKind.SHORT,
            points__isnull=True,
        )
        .exclude(paper__person=user)
        .select_related("paper__exam", "paper__person")
        .order_by("paper__submitted_at", "paper_id", "position")
    )


def answer_get_for_marker(user: User, answer_id: int) -> PaperQuestion:
    if not may_mark(user):
        raise NotFound()
    found = (
        PaperQuestion.objects.filter(pk=answer_id, paper__exam__centre_id=user.centre_id)
        .select_related("paper__exam", "paper__person")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def exam_scores(centre_id: int, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """For each person who sat at least one marked exam of the centre whose window closed
    between `start` and `end` (both included, local days), their mean score as a
    percentage (two decimals). People who sat none are absent, never 0 (issue 20: a
    person with no exam is not ranked as 0). For the appraisal (issue 20 point 3)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for person_id, share in Paper.objects.filter(
        exam__centre_id=centre_id,
        exam__closes_at__gte=since,
        exam__closes_at__lt=until,
        state=PaperState.MARKED,
        percent__isnull=False,
    ).values_list("person_id", "percent"):
        if share is not None:
            scores[person_id].append(share)
    return {
        person_id: (sum(shares, Decimal(0)) / len(shares)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for person_id, shares in scores.items()
    }
