"""Training and exams over the API at /api/v1/supervision/ (issue 20 point 2; 001 4.4.3):
training sessions and their attendance, the question bank, exams, one's own paper (drawn
once, answered as one goes, handed in; the server keeps the time limit), marking written
answers, and an exam's results. Creates answer 201 and so honour `Idempotency-Key`
(kefu.core.idempotency); opening a paper twice returns the same paper."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from kefu.core.errors import NotFound
from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.core.validation import Instant
from kefu.supervision.models import (
    Exam,
    ExamKind,
    ExamQuestionKind,
    Paper,
    PaperQuestion,
    PaperState,
    PartialRule,
    Question,
    TrainingSession,
    TrainingTopic,
)
from kefu.supervision.queries import exams as queries
from kefu.supervision.services import exams as services
from kefu.supervision.services import training

router = Router(tags=["supervision"])

# An answer: the chosen options' indexes, true or false, or a written answer.
Answer = list[StrictInt] | StrictBool | str | None


# ------------------------------------------------------------------------------ training


class SupervisionTrainingIn(StrictSchema):
    topic: TrainingTopic
    title: str = Field(min_length=1, max_length=100)
    starts_at: Instant
    minutes: int = Field(ge=1, le=1440)
    trainer_id: Id | None = Field(None, description="A member of staff; or `trainer_name`.")
    trainer_name: str = Field("", max_length=60)
    place: str = Field("", max_length=100)
    note: str = Field("", max_length=2000)
    people: list[Id] = Field(default_factory=list, max_length=500)


class SupervisionAttendanceIn(StrictSchema):
    present: list[Id] = Field(max_length=500, description="Who of the people expected came.")
    added: list[Id] = Field(
        default_factory=list, max_length=500, description="Who came without being expected."
    )


class SupervisionAttendeeOut(Out):
    person_id: int
    name: str
    present: bool


class SupervisionTrainingOut(Out):
    id: int
    topic: TrainingTopic
    title: str
    starts_at: dt.datetime
    minutes: int
    trainer_id: int | None
    trainer_name: str
    place: str
    note: str
    attendance: list[SupervisionAttendeeOut]


def _session(session: TrainingSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "topic": session.topic,
        "title": session.title,
        "starts_at": session.starts_at,
        "minutes": session.minutes,
        "trainer_id": session.trainer_id,
        "trainer_name": session.trainer_name or (str(session.trainer) if session.trainer else ""),
        "place": session.place,
        "note": session.note,
        "attendance": [
            {"person_id": a.person_id, "name": str(a.person), "present": a.present}
            for a in session.attendance.all()
        ],
    }


@router.get("/training", response=Page[SupervisionTrainingOut])
def list_sessions(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    sessions = queries.sessions_of(request_user(request)).prefetch_related("attendance__person")
    return page(sessions.order_by("-starts_at", "-pk"), params, _session)


@router.get("/training/{int:session_id}", response={200: SupervisionTrainingOut, **errors(404)})
def get_session(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    return _session(queries.session_get_for_user(request_user(request), session_id))


@router.post("/training", response={201: SupervisionTrainingOut, **errors(403, 422)})
def create_session(request: HttpRequest, payload: SupervisionTrainingIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    session = training.session_create(
        actor=user,
        topic=payload.topic.value,
        title=payload.title,
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        trainer_id=payload.trainer_id,
        trainer_name=payload.trainer_name,
        place=payload.place,
        note=payload.note,
        people=payload.people,
    )
    return Status(201, _session(queries.session_get_for_user(user, session.pk)))


@router.put(
    "/training/{int:session_id}/attendance",
    response={200: SupervisionTrainingOut, **errors(403, 404, 422)},
)
def record_attendance(
    request: HttpRequest, session_id: Id, payload: SupervisionAttendanceIn
) -> dict[str, Any]:
    """Who came (the others expected are recorded absent); the same request twice
    records the same."""
    user = request_user(request)
    session = queries.session_get_for_user(user, session_id)
    training.attendance_record(
        actor=user, session=session, present=payload.present, added=payload.added
    )
    return _session(queries.session_get_for_user(user, session_id))


# ------------------------------------------------------------------------------ questions


class SupervisionQuestionBankIn(StrictSchema):
    topic: TrainingTopic
    kind: ExamQuestionKind
    text: str = Field(min_length=1, max_length=1000)
    options: list[str] = Field(default_factory=list, max_length=8)
    key: list[StrictInt] | StrictBool | str = Field(
        description="The right options' indexes (from 0), true or false, or the reference "
        "answer of a short-answer question."
    )
    article_id: Id | None = Field(None, description="The knowledge article it comes from.")
    active: bool = True


class SupervisionQuestionChangeIn(SupervisionQuestionBankIn):
    version: Version


class SupervisionQuestionBankOut(Out):
    id: int
    topic: TrainingTopic
    kind: ExamQuestionKind
    text: str
    options: list[str]
    key: list[int] | bool | str
    article_id: int | None
    article_title: str | None
    needs_review: bool = Field(description="Its article changed after it was written.")
    active: bool
    version: int


class SupervisionQuestionFilter(StrictSchema):
    topic: TrainingTopic | None = None
    kind: ExamQuestionKind | None = None
    needs_review: bool | None = None


def _question(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "topic": question.topic,
        "kind": question.kind,
        "text": question.text,
        "options": question.options,
        "key": question.key,
        "article_id": question.article_id,
        "article_title": question.article.title if question.article else None,
        "needs_review": question.needs_review,
        "active": question.active,
        "version": question.version,
    }


@router.get("/questions", response=Page[SupervisionQuestionBankOut])
def list_questions(
    request: HttpRequest, params: Query[PageParams], filters: Query[SupervisionQuestionFilter]
) -> dict[str, Any]:
    questions = queries.questions_of(request_user(request))
    if filters.topic:
        questions = questions.filter(topic=filters.topic.value)
    if filters.kind:
        questions = questions.filter(kind=filters.kind.value)
    if filters.needs_review is not None:
        listed = [q for q in questions.order_by("pk") if q.needs_review == filters.needs_review]
        return page(
            questions.filter(pk__in=[q.pk for q in listed]).order_by("pk"), params, _question
        )
    return page(questions.order_by("pk"), params, _question)


@router.get(
    "/questions/{int:question_id}", response={200: SupervisionQuestionBankOut, **errors(404)}
)
def get_question(request: HttpRequest, question_id: Id) -> dict[str, Any]:
    return _question(queries.question_get_for_user(request_user(request), question_id))


@router.post("/questions", response={201: SupervisionQuestionBankOut, **errors(403, 422)})
def create_question(
    request: HttpRequest, payload: SupervisionQuestionBankIn
) -> Status[dict[str, Any]]:
    question = training.question_save(
        actor=request_user(request),
        topic=payload.topic.value,
        kind=payload.kind.value,
        text=payload.text,
        options=payload.options,
        key=payload.key,
        article_id=payload.article_id,
        active=payload.active,
    )
    return Status(201, _question(question))


@router.put(
    "/questions/{int:question_id}",
    response={200: SupervisionQuestionBankOut, **errors(403, 404, 409, 422)},
)
def change_question(
    request: HttpRequest, question_id: Id, payload: SupervisionQuestionChangeIn
) -> dict[str, Any]:
    """Change a question (with the version read); papers drawn keep it as it was."""
    user = request_user(request)
    question = training.question_save(
        actor=user,
        question=queries.question_get_for_user(user, question_id),
        version=payload.version,
        topic=payload.topic.value,
        kind=payload.kind.value,
        text=payload.text,
        options=payload.options,
        key=payload.key,
        article_id=payload.article_id,
        active=payload.active,
    )
    return _question(question)


@router.post(
    "/questions/{int:question_id}/reviewed",
    response={200: SupervisionQuestionBankOut, **errors(403, 404)},
)
def review_question(request: HttpRequest, question_id: Id) -> dict[str, Any]:
    """The question still holds after its article changed."""
    user = request_user(request)
    question = queries.question_get_for_user(user, question_id)
    return _question(training.question_reviewed(actor=user, question=question))


# ---------------------------------------------------------------------------------- exams


class SupervisionExamPartIn(StrictSchema):
    kind: ExamQuestionKind
    count: int = Field(ge=1, le=200)
    points: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)


class SupervisionExamIn(StrictSchema):
    kind: ExamKind
    title: str = Field(min_length=1, max_length=100)
    topics: list[TrainingTopic] = Field(min_length=1, max_length=4)
    parts: list[SupervisionExamPartIn] = Field(min_length=1, max_length=4)
    opens_at: Instant
    closes_at: Instant
    minutes: int = Field(ge=1, le=600)
    pass_mark: Decimal = Field(Decimal(60), gt=0, le=100, max_digits=5, decimal_places=2)
    partial_rule: PartialRule = PartialRule.HALF
    certifies_id: Id | None = Field(None, description="The queue passing it certifies for.")
    certification_days: int = Field(365, ge=1, le=3650)


class SupervisionExamPartOut(Out):
    kind: ExamQuestionKind
    count: int
    points: Decimal


class SupervisionExamOut(Out):
    id: int
    kind: ExamKind
    title: str
    topics: list[TrainingTopic]
    parts: list[SupervisionExamPartOut]
    out_of: Decimal
    opens_at: dt.datetime
    closes_at: dt.datetime
    minutes: int
    pass_mark: Decimal
    partial_rule: PartialRule
    certifies_id: int | None
    certification_days: int


def _exam(exam: Exam) -> dict[str, Any]:
    parts = services.spec_parts(exam.spec)
    return {
        "id": exam.pk,
        "kind": exam.kind,
        "title": exam.title,
        "topics": exam.topics,
        "parts": [{"kind": k, "count": p.count, "points": p.points} for k, p in parts.items()],
        "out_of": sum((p.points * p.count for p in parts.values()), Decimal(0)),
        "opens_at": exam.opens_at,
        "closes_at": exam.closes_at,
        "minutes": exam.minutes,
        "pass_mark": exam.pass_mark,
        "partial_rule": exam.partial_rule,
        "certifies_id": exam.certifies_id,
        "certification_days": exam.certification_days,
    }


@router.get("/exams", response=Page[SupervisionExamOut])
def list_exams(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page(queries.exams_of(request_user(request)).order_by("-opens_at", "-pk"), params, _exam)


@router.get("/exams/{int:exam_id}", response={200: SupervisionExamOut, **errors(404)})
def get_exam(request: HttpRequest, exam_id: Id) -> dict[str, Any]:
    return _exam(queries.exam_get_for_user(request_user(request), exam_id))


@router.post("/exams", response={201: SupervisionExamOut, **errors(403, 422)})
def create_exam(request: HttpRequest, payload: SupervisionExamIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    exam = services.exam_create(
        actor=user,
        kind=payload.kind.value,
        title=payload.title,
        topics=[t.value for t in payload.topics],
        spec={p.kind.value: (p.count, p.points) for p in payload.parts},
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        minutes=payload.minutes,
        pass_mark=payload.pass_mark,
        partial_rule=payload.partial_rule.value,
        certifies_id=payload.certifies_id,
        certification_days=payload.certification_days,
    )
    return Status(201, _exam(exam))


# --------------------------------------------------------------------------------- papers


class SupervisionPaperQuestionOut(Out):
    position: int
    kind: ExamQuestionKind
    text: str
    options: list[str]
    worth: Decimal
    answer: list[int] | bool | str | None
    points: Decimal | None = Field(description="Shown once the paper is marked.")
    comment: str


class SupervisionPaperOut(Out):
    id: int
    exam_id: int
    person_id: int
    state: PaperState
    started_at: dt.datetime
    deadline: dt.datetime = Field(description="Answers are refused from this moment.")
    seconds_left: int
    submitted_at: dt.datetime | None
    score: Decimal | None
    out_of: Decimal
    percent: Decimal | None
    passed: bool | None
    questions: list[SupervisionPaperQuestionOut]


class SupervisionAnswerIn(StrictSchema):
    answer: Answer = Field(
        description="The chosen options' indexes, true or false, or the written answer."
    )


class SupervisionMarkIn(StrictSchema):
    points: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    comment: str = Field("", max_length=300)


class SupervisionExamResultOut(Out):
    paper_id: int
    person_id: int
    name: str
    state: PaperState
    score: Decimal | None
    out_of: Decimal
    percent: Decimal | None
    passed: bool | None
    to_mark: int


class SupervisionExamResultsOut(Out):
    exam_id: int
    sat: int
    marked: int
    passed: int
    mean_percent: Decimal | None
    results: list[SupervisionExamResultOut]


def _paper(paper: Paper) -> dict[str, Any]:
    marked = paper.state == PaperState.MARKED
    left = int((paper.deadline - timezone.now()).total_seconds())
    return {
        "id": paper.pk,
        "exam_id": paper.exam_id,
        "person_id": paper.person_id,
        "state": paper.state,
        "started_at": paper.started_at,
        "deadline": paper.deadline,
        "seconds_left": max(0, left) if paper.state == PaperState.TAKING else 0,
        "submitted_at": paper.submitted_at,
        "score": paper.score,
        "out_of": paper.out_of,
        "percent": paper.percent,
        "passed": paper.passed,
        "questions": [_item(item, marked) for item in queries.paper_questions(paper)],
    }


def _item(item: PaperQuestion, marked: bool) -> dict[str, Any]:
    return {
        "position": item.position,
        "kind": item.kind,
        "text": item.text,
        "options": item.options,
        "worth": item.worth,
        "answer": item.answer,
        "points": item.points if marked else None,
        "comment": item.comment if marked else "",
    }


@router.post(
    "/exams/{int:exam_id}/paper", response={201: SupervisionPaperOut, **errors(403, 404, 409)}
)
def open_paper(request: HttpRequest, exam_id: Id) -> Status[dict[str, Any]]:
    """One's own paper: drawn the first time, the same paper every time after."""
    user = request_user(request)
    paper = services.paper_open(actor=user, exam=queries.exam_get_for_user(user, exam_id))
    return Status(201, _paper(paper))


@router.get("/papers/{int:paper_id}", response={200: SupervisionPaperOut, **errors(404)})
def get_paper(request: HttpRequest, paper_id: Id) -> dict[str, Any]:
    return _paper(queries.paper_get_for_user(request_user(request), paper_id))


@router.put(
    "/papers/{int:paper_id}/answers/{int:position}",
    response={200: SupervisionPaperQuestionOut, **errors(404, 409, 422)},
)
def save_answer(
    request: HttpRequest, paper_id: Id, position: Id, payload: SupervisionAnswerIn
) -> dict[str, Any]:
    """Save one answer; 409 once the time is up or the paper is handed in."""
    user = request_user(request)
    item = services.answer_save(
        actor=user,
        paper=queries.paper_get_for_user(user, paper_id),
        position=position,
        answer=payload.answer,
    )
    return _item(item, False)


@router.post("/papers/{int:paper_id}/submit", response={200: SupervisionPaperOut, **errors(404)})
def submit_paper(request: HttpRequest, paper_id: Id) -> dict[str, Any]:
    """Hand the paper in (again: nothing changes)."""
    user = request_user(request)
    paper = services.paper_submit(actor=user, paper=queries.paper_get_for_user(user, paper_id))
    return _paper(queries.paper_get_for_user(user, paper.pk))


@router.put(
    "/papers/{int:paper_id}/answers/{int:position}/mark",
    response={200: SupervisionExamResultOut, **errors(403, 404, 409, 422)},
)
def mark_answer(
    request: HttpRequest, paper_id: Id, position: Id, payload: SupervisionMarkIn
) -> dict[str, Any]:
    """A marker gives a written answer its points; the paper's result once all are."""
    user = request_user(request)
    if not queries.may_mark(user):
        raise NotFound()
    paper = queries.paper_get_for_user(user, paper_id)
    item = paper.questions.filter(position=position).first()
    if item is None:
        raise NotFound()
    services.answer_mark(actor=user, item=item, points=payload.points, comment=payload.comment)
    paper = queries.paper_get_for_user(user, paper_id)
    return _result(paper, 0)


def _result(paper: Paper, to_mark: int) -> dict[str, Any]:
    return {
        "paper_id": paper.pk,
        "person_id": paper.person_id,
        "name": str(paper.person),
        "state": paper.state,
        "score": paper.score,
        "out_of": paper.out_of,
        "percent": paper.percent,
        "passed": paper.passed,
        "to_mark": to_mark,
    }


@router.get(
    "/exams/{int:exam_id}/results", response={200: SupervisionExamResultsOut, **errors(404)}
)
def exam_results(request: HttpRequest, exam_id: Id) -> dict[str, Any]:
    """Each person's result and the exam's (for markers and the keepers of exams)."""
    user = request_user(request)
    exam = queries.exam_get_for_user(user, exam_id)
    if not (queries.may_mark(user) or queries.may_manage(user)):
        raise NotFound()
    papers = queries.exam_papers(exam)
    summary = queries.exam_summary(exam)
    return {
        "exam_id": exam.pk,
        "sat": summary.sat,
        "marked": summary.marked,
        "passed": summary.passed,
        "mean_percent": summary.mean,
        "results": [_result(p, getattr(p, "to_mark", 0)) for p in papers],
    }
