"""The training and exam services (issue 20 point 2; 001 4.4.3): sessions and attendance,
questions from knowledge articles marked for review when the article changes, a paper
drawn once, answers refused after the time is up, automatic and manual marking, the
certification a passed exam grants, and `exam_scores` for the appraisal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.knowledge.models import Article
from kefu.knowledge.services.articles import article_update
from kefu.supervision.models import Paper, PaperState, Question
from kefu.supervision.queries.exams import exam_scores, questions_of
from kefu.supervision.services import exams, training
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.exams_data import an_exam, bank
from kefu.telephony.models import Queue
from kefu.workforce.models import Certification

pytestmark = pytest.mark.django_db


def test_a_session_and_who_came(world: World) -> None:
    qa, agent, leader = world.users["qa"], world.users["agent"], world.users["leader"]
    session = training.session_create(
        actor=qa,
        topic="etiquette",
        title="接听礼仪",
        starts_at=timezone.now(),
        minutes=90,
        trainer_id=qa.pk,
        people=[agent.pk, leader.pk],
    )
    training.attendance_record(
        actor=qa, session=session, present=[agent.pk], added=[world.users["expert"].pk]
    )
    came = dict(session.attendance.values_list("person_id", "present"))
    assert came == {agent.pk: True, leader.pk: False, world.users["expert"].pk: True}
    with pytest.raises(Forbidden):
        training.attendance_record(actor=agent, session=session, present=[])
    with pytest.raises(Invalid):  # someone of another centre
        training.attendance_record(actor=qa, session=session, present=[], added=[world.other.pk])


def test_a_question_is_checked_by_kind(world: World) -> None:
    qa = world.users["qa"]
    with pytest.raises(Invalid) as refused:
        training.question_save(
            actor=qa, topic="law", kind="single", text="?", options=["a", "b"], key=[0, 1]
        )
    assert refused.value.code == "question_key"
    with pytest.raises(Invalid):
        training.question_save(actor=qa, topic="law", kind="true_false", text="?", key="yes")
    with pytest.raises(Forbidden):
        training.question_save(
            actor=world.users["agent"], topic="law", kind="true_false", text="?", key=True
        )


def test_a_question_from_an_article_is_due_for_review_when_it_changes(world: World) -> None:
    editor = world.users["editor"]
    article = Article.objects.create(
        centre=world.centre,
        kind="faq",
        title="峰谷电价怎么申请",
        body="携带身份证到营业厅办理",
        owner=editor,
        author=editor,
    )
    question = training.question_save(
        actor=editor,
        topic="business",
        kind="true_false",
        text="峰谷电价须到营业厅办理",
        key=True,
        article_id=article.pk,
    )
    assert not question.needs_review
    article_update(
        actor=editor, article_id=article.pk, version=article.version, body="可在网上营业厅办理"
    )
    question = questions_of(editor).get(pk=question.pk)
    assert question.article is not None
    assert question.needs_review and question.article.title == "峰谷电价怎么申请"
    question = training.question_reviewed(actor=editor, question=question)
    assert not question.needs_review


def test_an_exam_the_bank_cannot_fill_is_refused(world: World) -> None:
    qa = world.users["qa"]
    bank(qa, shorts=0)
    with pytest.raises(Invalid) as refused:
        an_exam(qa)
    assert refused.value.code == "exam_bank_short"


def test_a_paper_is_drawn_once_and_the_time_limit_is_the_servers(world: World) -> None:
    qa, agent = world.users["qa"], world.users["agent"]
    bank(qa)
    exam = an_exam(qa, minutes=30)
    paper = exams.paper_open(actor=agent, exam=exam)
    drawn = list(paper.questions.values_list("question_id", flat=True))
    again = exams.paper_open(actor=agent, exam=exam)
    assert (
        again.pk == paper.pk
        and list(again.questions.values_list("question_id", flat=True)) == drawn
    )
    assert paper.out_of == Decimal(16)
    assert paper.deadline == paper.started_at + dt.timedelta(minutes=30)
    exams.answer_save(actor=agent, paper=paper, position=1, answer=[0])
    with pytest.raises(Invalid):
        exams.answer_save(actor=agent, paper=paper, position=1, answer=[7])
    late = paper.deadline + dt.timedelta(seconds=1)
    with pytest.raises(Conflict) as refused:
        exams.answer_save(actor=agent, paper=paper, position=2, answer=[0], now=late)
    assert refused.value.code == "paper_time_up"
    # Nobody handed it in: the worker's sweep does, with the answers saved in time; the
    # short answer is empty, so there is nothing to mark by hand.
    assert exams.papers_close_overdue(now=late) == 1
    paper.refresh_from_db()
    assert paper.state == PaperState.MARKED and paper.submitted_at == paper.deadline
    assert paper.questions.get(position=1).points == Decimal(2)
    assert paper.questions.get(position=2).points == 0


def test_a_closed_exam_draws_no_paper(world: World) -> None:
    qa = world.users["qa"]
    bank(qa)
    exam = an_exam(qa, opens=dt.timedelta(hours=1), closes=dt.timedelta(hours=3))
    with pytest.raises(Conflict):
        exams.paper_open(actor=world.users["agent"], exam=exam)
    with pytest.raises(Forbidden):  # handlers take no exams
        exams.paper_open(actor=world.users["handler"], exam=exam)


def _answer_all(paper: Paper, agent: object, short: str) -> None:
    for item in paper.questions.all():
        answer = {"single": [0], "multiple": [0], "true_false": True, "short": short}[item.kind]
        exams.answer_save(actor=agent, paper=paper, position=item.position, answer=answer)  # type: ignore[arg-type]


def test_marking_a_paper_and_the_certification_it_grants(world: World) -> None:
    qa, agent, manager = world.users["qa"], world.users["agent"], world.users["manager"]
    queue = Queue.objects.create(centre=world.centre, name="power-billing", title="电费咨询")
    bank(qa)
    exam = an_exam(qa, certifies_id=queue.pk)
    paper = exams.paper_open(actor=agent, exam=exam)
    _answer_all(paper, agent, "先致歉，再核实读数")
    paper = exams.paper_submit(actor=agent, paper=paper)
    # 2 + 2 single, 2 of 4 for the partial multiple choice, 2 true-or-false: 8, and the
    # short answer waits for a marker.
    assert paper.state == PaperState.SUBMITTED and paper.score is None
    assert exams.paper_submit(actor=agent, paper=paper).version == paper.version  # retried
    written = paper.questions.get(kind="short")
    with pytest.raises(Forbidden):
        exams.answer_mark(actor=agent, item=written, points=Decimal(6))
    with pytest.raises(Invalid):
        exams.answer_mark(actor=qa, item=written, points=Decimal(7))
    exams.answer_mark(actor=qa, item=written, points=Decimal(5), comment="要点齐全")
    paper.refresh_from_db()
    assert (paper.state, paper.score, paper.percent, paper.passed) == (
        PaperState.MARKED,
        Decimal(13),
        Decimal("81.25"),
        True,
    )
    cert = Certification.objects.get(user=agent, queue=queue)
    assert cert.granted_on == timezone.localdate()
    assert cert.expires_on == cert.granted_on + dt.timedelta(days=364)
    # Marked again lower: the paper fails; no second certification is written.
    exams.answer_mark(actor=manager, item=written, points=Decimal(1))
    paper.refresh_from_db()
    assert paper.percent == Decimal("56.25") and paper.passed is False
    assert Certification.objects.filter(user=agent).count() == 1


def test_a_paper_left_empty_is_marked_at_once(world: World) -> None:
    qa, agent = world.users["qa"], world.users["agent"]
    bank(qa)
    paper = exams.paper_submit(actor=agent, paper=exams.paper_open(actor=agent, exam=an_exam(qa)))
    assert (paper.state, paper.score, paper.passed) == (PaperState.MARKED, 0, False)


def test_exam_scores_are_each_persons_mean_and_leave_out_who_sat_none(world: World) -> None:
    qa, agent, expert = world.users["qa"], world.users["agent"], world.users["expert"]
    bank(qa)
    first, second = an_exam(qa, shorts=0), an_exam(qa, shorts=0)
    for exam, answer in ((first, [0]), (second, [1])):
        paper = exams.paper_open(actor=agent, exam=exam)
        for item in paper.questions.filter(kind="single"):
            exams.answer_save(actor=agent, paper=paper, position=item.position, answer=answer)
        exams.paper_submit(actor=agent, paper=paper)
    # The expert opened a paper but it is not marked: not a score.
    exams.paper_open(actor=expert, exam=first)
    today = timezone.localdate()
    scores = exam_scores(world.centre.pk, today, today + dt.timedelta(days=2))
    # 4 of 10 points on the first exam, 0 on the second: (40 + 0) / 2.
    assert scores == {agent.pk: Decimal("20.00")}
    assert exam_scores(world.centre.pk, today - dt.timedelta(days=9), today) == {}


def test_questions_stay_as_drawn_when_the_bank_changes(world: World) -> None:
    qa, agent = world.users["qa"], world.users["agent"]
    bank(qa)
    paper = exams.paper_open(actor=agent, exam=an_exam(qa))
    item = paper.questions.get(position=1)
    question = Question.objects.get(pk=item.question_id)
    training.question_save(
        actor=qa,
        question=question,
        version=question.version,
        topic="business",
        kind="single",
        text="改写后的题目",
        options=["甲", "乙"],
        key=[1],
    )
    item.refresh_from_db()
    assert item.text != "改写后的题目" and item.key == [0]


def test_the_demo_training_and_exams(world: World) -> None:
    """The demo's loader on the tests' small centre (the full demo is test_demo's)."""
    from kefu.supervision.demo.exams import BANK, load_exams
    from kefu.supervision.models import Exam, TrainingSession
    from kefu.workforce.models import CertifiedQueue

    Queue.objects.create(centre=world.centre, name="power-fault", title="故障报修")
    assert load_exams(world.centre) > 4
    assert Question.objects.filter(centre=world.centre).count() == len(BANK) >= 40
    assert TrainingSession.objects.filter(centre=world.centre).count() == 8
    quarter, open_now = Exam.objects.order_by("opens_at")
    assert not quarter.papers.exclude(state=PaperState.MARKED).exists()
    assert quarter.papers.filter(person=world.users["agent"]).exists()
    assert not open_now.papers.filter(person=world.users["agent"]).exists()
    assert open_now.papers.filter(state=PaperState.SUBMITTED).exists()
    assert CertifiedQueue.objects.filter(queue__name="power-fault").exists()
    passed = set(quarter.papers.filter(passed=True).values_list("person_id", flat=True))
    assert set(Certification.objects.values_list("user_id", flat=True)) == passed
    today = timezone.localdate()
    scores = exam_scores(world.centre.pk, today - dt.timedelta(days=60), today)
    assert set(scores) == set(quarter.papers.values_list("person_id", flat=True))
    assert load_exams(world.centre) == 0
