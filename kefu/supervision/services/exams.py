"""Exams, from the paper spec to the results (issue 20 point 2; 001 4.4.3.2 每季度组织全体
客服人员进行一次综合性的考试; 000 第3篇 通过技能培训考试, 持证上岗).

- `exam_create`: a paper spec (topics, how many questions of each kind and their points),
  a window, a time limit, a pass mark, the rule for partial multiple-choice answers, and
  the queue passing it certifies for; refused when the bank cannot fill the paper.
- `paper_open`: the person's paper, drawn at random (`papers.draw`, with a seed of the
  person's own) the first time and kept: opening it again never redraws. The clock starts
  then; the time is up after the time limit or when the window closes, whichever is first.
- `answer_save`: one answer, saved as the person goes; refused once the time is up or the
  paper is handed in: the server keeps the time limit, not the browser.
- `paper_submit`: handed in (or, once the time is up, closed by `papers_close_overdue`):
  the objective questions are marked automatically (`marking`); a paper with no short
  answer to mark is marked at once.
- `answer_mark`: a marker (QA, a manager) gives a short answer its points; the last one
  marks the paper: its score, percentage and pass or fail. Passing an exam that
  certifies a queue grants the person the certification (workforce).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import MANAGE_TRAINING, MARK_EXAMS, TAKE_EXAMS
from kefu.core.services.audit import audit_record
from kefu.supervision import marking, papers
from kefu.supervision.models import (
    Exam,
    ExamKind,
    ExamQuestionKind,
    Paper,
    PaperQuestion,
    PaperState,
    PartialRule,
    Question,
    TrainingTopic,
)
from kefu.telephony.models import Queue
from kefu.workforce.services.certification import certification_grant

MAX_QUESTIONS = 200
LONGEST_WINDOW = dt.timedelta(days=92)


def _require(actor: User, permission: str) -> int:
    """The actor's centre, once the actor may do this."""
    if not (actor.is_superuser or actor.has_perm(permission)):
        raise Forbidden()
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    return actor.centre_id


def bank_of(centre_id: int) -> list[papers.Candidate]:
    return [
        papers.Candidate(qid, kind, topic)
        for qid, kind, topic in Question.objects.filter(centre_id=centre_id, active=True)
        .order_by("pk")
        .values_list("pk", "kind", "topic")
    ]


def spec_parts(spec: Mapping[str, Any]) -> dict[str, papers.Part]:
    return {
        kind: papers.Part(int(part["count"]), Decimal(str(part["points"])))
        for kind, part in spec.items()
        if int(part["count"]) > 0
    }


@transaction.atomic
def exam_create(
    *,
    actor: User,
    kind: str,
    title: str,
    topics: Sequence[str],
    spec: Mapping[str, tuple[int, Decimal]],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    minutes: int,
    pass_mark: Decimal = Decimal(60),
    partial_rule: str = PartialRule.HALF,
    certifies_id: int | None = None,
    certification_days: int = 365,
) -> Exam:
    """Set an exam. `spec`: `{kind: (count, points each)}`."""
    centre_id = _require(actor, MANAGE_TRAINING)
    if kind not in ExamKind.values:
        raise Invalid(_("There is no such kind of exam."), code="exam_kind_unknown")
    if not title.strip():
        raise Invalid(_("An exam needs a title."), code="exam_title", detail={"field": "title"})
    topics = list(dict.fromkeys(topics))
    if not topics or any(t not in TrainingTopic.values for t in topics):
        raise Invalid(_("Choose the topics."), code="topic_unknown", detail={"field": "topics"})
    parts = {k: v for k, v in spec.items() if v[0] > 0}
    if (
        not parts
        or any(k not in ExamQuestionKind.values for k in parts)
        or sum(c for c, _p in parts.values()) > MAX_QUESTIONS
        or any(not Decimal(0) < p <= Decimal(100) for _c, p in parts.values())
    ):
        raise Invalid(
            _("A paper holds 1 to 200 questions, each worth more than 0 and at most 100."),
            code="exam_spec",
            detail={"field": "spec"},
        )
    if not closes_at > opens_at or closes_at - opens_at > LONGEST_WINDOW:
        raise Invalid(
            _("The exam closes after it opens, within 92 days."),
            code="exam_window",
            detail={"field": "closes_at"},
        )
    if not 0 < minutes <= 600:
        raise Invalid(
            _("The time limit is 1 to 600 minutes."),
            code="exam_minutes",
            detail={"field": "minutes"},
        )
    if not Decimal(0) < pass_mark <= Decimal(100):
        raise Invalid(_("The pass mark is a percentage."), code="exam_pass_mark")
    if partial_rule not in PartialRule.values:
        raise Invalid(_("There is no such rule."), code="exam_partial_rule")
    if (
        certifies_id is not None
        and not Queue.objects.filter(pk=certifies_id, centre_id=actor.centre_id).exists()
    ):
        raise Invalid(
            _("There is no such queue."), code="queue_unknown", detail={"field": "certifies"}
        )
    spec_json = {k: {"count": c, "points": str(p)} for k, (c, p) in parts.items()}
    short = papers.shortfall(bank_of(centre_id), topics, spec_parts(spec_json))
    if short:
        labels = dict(ExamQuestionKind.choices)
        raise Invalid(
            _("The question bank is short: %(what)s.")
            % {
                "what": "；".join(
                    str(_("%(kind)s %(wanted)d wanted, %(available)d in the bank"))
                    % {"kind": labels[k], "wanted": w, "available": a}
                    for k, w, a in short
                )
            },
            code="exam_bank_short",
            detail={"field": "spec"},
        )
    exam = Exam.objects.create(
        centre_id=centre_id,
        kind=kind,
        title=title.strip()[:100],
        topics=topics,
        spec=spec_json,
        opens_at=opens_at,
        closes_at=closes_at,
        minutes=minutes,
        pass_mark=pass_mark,
        partial_rule=partial_rule,
        certifies_id=certifies_id,
        certification_days=max(1, min(certification_days, 3650)),
        created_by=actor,
    )
    audit_record(actor=actor, action="exam.create", obj=exam, after={"spec": spec_json})
    return exam


@transaction.atomic
def paper_open(*, actor: User, exam: Exam, now: dt.datetime | None = None) -> Paper:
    """The actor's paper for the exam: drawn the first time (within the window), the same
    paper every time after."""
    _require(actor, TAKE_EXAMS)
    if exam.centre_id != actor.centre_id:
        raise NotFound()
    Exam.objects.select_for_update().filter(pk=exam.pk).first()  # one draw at a time
    existing = Paper.objects.filter(exam=exam, person=actor).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    if now < exam.opens_at:
        raise Conflict(_("The exam has not opened yet."), code="exam_not_open")
    if now >= exam.closes_at:
        raise Conflict(_("The exam has closed."), code="exam_closed")
    parts = spec_parts(exam.spec)
    seed = secrets.randbits(62)
    try:
        drawn = papers.draw(bank_of(exam.centre_id), exam.topics, parts, seed)
    except papers.NotEnoughQuestions as short:
        raise Conflict(
            _("The question bank no longer fills this paper; tell the exam's keeper."),
            code="exam_bank_short",
        ) from short
    questions = Question.objects.in_bulk([d.question_id for d in drawn])
    paper = Paper.objects.create(
        exam=exam,
        person=actor,
        seed=seed,
        started_at=now,
        deadline=min(now + dt.timedelta(minutes=exam.minutes), exam.closes_at),
        out_of=papers.out_of(parts),
    )
    PaperQuestion.objects.bulk_create(
        PaperQuestion(
            paper=paper,
            question_id=d.question_id,
            position=n,
            kind=d.kind,
            text=questions[d.question_id].text,
            options=questions[d.question_id].options,
            key=questions[d.question_id].key,
            worth=d.points,
        )
        for n, d in enumerate(drawn, start=1)
    )
    audit_record(actor=actor, action="paper.draw", obj=paper, after={"seed": seed})
    return paper


def _clean_answer(item: PaperQuestion, answer: Any) -> Any:
    """The answer in the question's shape, or `Invalid`."""
    if marking.is_empty(answer):
        return None
    if item.kind == ExamQuestionKind.TRUE_FALSE:
        if isinstance(answer, bool):
            return answer
    elif item.kind in (ExamQuestionKind.SINGLE, ExamQuestionKind.MULTIPLE):
        if (
            isinstance(answer, list)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in answer)
            and all(0 <= i < len(item.options) for i in answer)
            and len(set(answer)) == len(answer)
            and (item.kind == ExamQuestionKind.MULTIPLE or len(answer) == 1)
        ):
            return sorted(answer)
    elif isinstance(answer, str) and len(answer) <= 2000:
        return answer.strip()
    raise Invalid(_("This answer does not fit the question."), code="answer_shape")


def _locked_paper(paper: Paper) -> Paper:
    return Paper.objects.select_for_update().select_related("exam").get(pk=paper.pk)


@transaction.atomic
def answer_save(
    *,
    actor: User,
    paper: Paper,
    position: int,
    answer: Any,
    now: dt.datetime | None = None,
) -> PaperQuestion:
    """Save one answer of the actor's own paper; refused once the time is up."""
    if paper.person_id != actor.pk:
        raise NotFound()
    paper = _locked_paper(paper)
    now = now or timezone.now()
    if paper.state != PaperState.TAKING:
        raise Conflict(_("This paper is handed in."), code="paper_submitted")
    if now >= paper.deadline:
        raise Conflict(_("The time is up: answers are no longer taken."), code="paper_time_up")
    item = PaperQuestion.objects.filter(paper=paper, position=position).first()
    if item is None:
        raise NotFound()
    item.answer = _clean_answer(item, answer)
    item.answered_at = now
    item.save(update_fields=["answer", "answered_at"])
    return item


def _result(paper: Paper, items: Sequence[PaperQuestion], actor: User | None) -> None:
    """Mark the paper when no answer is left to mark: score, percentage, pass, and the
    certification an exam grants."""
    if any(item.points is None for item in items):
        return
    exam = paper.exam
    score, share, passed = marking.result(
        [item.points for item in items if item.points is not None], paper.out_of, exam.pass_mark
    )
    first_time = paper.marked_at is None
    paper.state = PaperState.MARKED
    paper.score, paper.percent, paper.passed = score, share, passed
    paper.marked_at = timezone.now()
    if passed and first_time and exam.certifies_id is not None:
        granted = timezone.localdate(paper.submitted_at or paper.marked_at)
        certification_grant(
            user=paper.person,
            queue_id=exam.certifies_id,
            granted_on=granted,
            days=exam.certification_days,
            source=exam.title,
        )
    audit_record(
        actor=actor,
        action="paper.marked",
        obj=paper,
        after={"score": str(score), "percent": str(share), "passed": passed},
    )


def _hand_in(paper: Paper, at: dt.datetime, actor: User | None) -> None:
    items = list(paper.questions.all())
    for item in items:
        if item.kind in marking.OBJECTIVE:
            item.points = marking.mark_objective(
                item.kind, item.key, item.answer, item.worth, paper.exam.partial_rule
            )
        elif not marking.needs_marker(item.kind, item.answer):
            item.points = Decimal(0)
    PaperQuestion.objects.bulk_update(items, ["points"])
    paper.state = PaperState.SUBMITTED
    paper.submitted_at = at
    _result(paper, items, actor)
    paper.version += 1
    paper.save()


@transaction.atomic
def paper_submit(*, actor: User, paper: Paper, now: dt.datetime | None = None) -> Paper:
    """Hand in the actor's paper (also after the time is up: the answers saved in time
    count); the objective questions are marked at once."""
    if paper.person_id != actor.pk:
        raise NotFound()
    paper = _locked_paper(paper)
    if paper.state != PaperState.TAKING:
        return paper  # handed in already: a retried submit changes nothing
    now = now or timezone.now()
    _hand_in(paper, min(now, paper.deadline), actor)
    audit_record(actor=actor, action="paper.submit", obj=paper)
    return paper


@transaction.atomic
def papers_close_overdue(now: dt.datetime | None = None) -> int:
    """Hand in every paper whose time is up and that nobody handed in (the worker runs
    this every few minutes); returns how many."""
    now = now or timezone.now()
    closed = 0
    for paper in (
        Paper.objects.select_for_update()
        .select_related("exam", "person")
        .filter(state=PaperState.TAKING, deadline__lte=now)
    ):
        _hand_in(paper, paper.deadline, None)
        closed += 1
    return closed


@transaction.atomic
def answer_mark(
    *, actor: User, item: PaperQuestion, points: Decimal, comment: str = ""
) -> PaperQuestion:
    """A marker gives a written answer its points (0 to the question's worth); marking
    the last one marks the paper. A marked paper's answers may be marked again (a
    correction), which marks the paper again."""
    _require(actor, MARK_EXAMS)
    paper = _locked_paper(item.paper)
    if paper.exam.centre_id != actor.centre_id:
        raise NotFound()
    if paper.person_id == actor.pk:
        raise Forbidden(_("Nobody marks their own paper."), code="paper_own")
    if paper.state == PaperState.TAKING:
        raise Conflict(_("This paper is not handed in yet."), code="paper_not_submitted")
    item = PaperQuestion.objects.get(pk=item.pk)
    if item.kind != ExamQuestionKind.SHORT:
        raise Invalid(_("Objective questions are marked automatically."), code="answer_objective")
    if not Decimal(0) <= points <= item.worth:
        raise Invalid(
            _("Give between 0 and the question's points."),
            code="answer_points",
            detail={"field": "points"},
        )
    before = item.points
    item.points, item.marked_by, item.comment = points, actor, comment[:300]
    item.save(update_fields=["points", "marked_by", "comment"])
    if paper.state == PaperState.MARKED and before is not None:
        paper.state = PaperState.SUBMITTED  # marked again below, with the new points
    items = list(paper.questions.all())
    _result(paper, items, actor)
    paper.version += 1
    paper.save()
    audit_record(
        actor=actor,
        action="paper.answer_mark",
        obj=paper,
        before={"points": str(before) if before is not None else None},
        after={"position": item.position, "points": str(points)},
    )
    return item
