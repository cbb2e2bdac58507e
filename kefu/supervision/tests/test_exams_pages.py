"""The training and exam pages (issue 20 point 2), each role against each (who may take,
keep, write questions, mark), a refused form keeping what was typed, the pages' query
counts pinned."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD
from kefu.supervision.models import Exam, Paper, Question, TrainingSession
from kefu.supervision.services import exams
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.exams_data import an_exam, bank

pytestmark = pytest.mark.django_db

ROLES = ["agent", "expert", "backoffice", "handler", "leader", "qa", "editor", "manager", "admin"]
TAKE = {"agent", "expert", "backoffice", "leader", "admin"}
KEEP = {"qa", "manager", "admin"}
WRITE = KEEP | {"editor"}
MARK = KEEP


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_each_role_against_each_page(world: World) -> None:
    bank(world.users["qa"])
    exam = an_exam(world.users["qa"])
    paper = exams.paper_open(actor=world.users["agent"], exam=exam)
    session = TrainingSession.objects.create(
        centre=world.centre,
        topic="etiquette",
        title="接听礼仪",
        starts_at=timezone.now(),
        minutes=60,
        trainer_name="外聘讲师",
        created_by=world.users["qa"],
    )
    pages: list[tuple[str, set[str]]] = [
        ("/supervision/training/", KEEP),
        (f"/supervision/training/{session.pk}/", KEEP),
        ("/supervision/questions/", WRITE),
        ("/supervision/exams/", TAKE | KEEP),
        (f"/supervision/exams/{exam.pk}/", TAKE | KEEP),
        (f"/supervision/papers/{paper.pk}/", {"agent"} | KEEP),
        ("/supervision/marking/", MARK),
    ]
    for role in ROLES:
        client = _client(role)
        for url, allowed in pages:
            status = client.get(url).status_code
            assert (status == 200) == (role in allowed), (role, url, status)
            assert status in {200, 403, 404}
    other = _client("other-manager")
    assert other.get(f"/supervision/exams/{exam.pk}/").status_code == 404
    assert other.get(f"/supervision/papers/{paper.pk}/").status_code == 404


def test_a_refused_exam_form_keeps_what_was_typed(world: World) -> None:
    bank(world.users["qa"], shorts=0)
    qa = _client("qa")
    form: dict[str, Any] = {
        "kind": "quarterly",
        "title": "第四季度综合考试",
        "topics": ["business"],
        "single": 2,
        "single_points": 2,
        "multiple": 0,
        "multiple_points": 4,
        "true_false": 0,
        "true_false_points": 2,
        "short": 1,
        "short_points": 10,
        "opens_at": "2026-12-10T09:00",
        "closes_at": "2026-12-12T18:00",
        "minutes": 45,
        "pass_mark": 60,
        "partial_rule": "half",
        "certification_days": 365,
    }
    refused = qa.post("/supervision/exams/", form)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "题库题目不足" in page and 'value="第四季度综合考试"' in page
    assert not Exam.objects.exists()
    form["short"] = 0
    made = qa.post("/supervision/exams/", form)
    assert made.status_code == 302
    assert Exam.objects.get().spec == {"single": {"count": 2, "points": "2"}}


def test_a_question_written_on_its_page(world: World) -> None:
    editor = _client("editor")
    form = {
        "topic": "law",
        "kind": "multiple",
        "text": "以下哪些属于消费者权利？",
        "options": "安全权\n知情权\n垄断权",
        "key": "5",
    }
    refused = editor.post("/supervision/questions/", form)
    assert refused.status_code == 400 and "垄断权" in refused.content.decode()
    form["key"] = "1,2"
    assert editor.post("/supervision/questions/", form).status_code == 302
    assert Question.objects.get().key == [0, 1]


def test_taking_a_paper_on_its_page(world: World, django_assert_max_num_queries: Any) -> None:
    bank(world.users["qa"])
    exam = an_exam(world.users["qa"])
    agent = _client("agent")
    taken = agent.post(f"/supervision/exams/{exam.pk}/take/")
    paper = Paper.objects.get()
    assert taken.status_code == 302 and taken["Location"] == f"/supervision/papers/{paper.pk}/"
    assert agent.post(f"/supervision/exams/{exam.pk}/take/")["Location"] == taken["Location"]
    with django_assert_max_num_queries(12):
        page = agent.get(f"/supervision/papers/{paper.pk}/")
    assert 'class="badge time-left"' in page.content.decode()
    saved = agent.post(f"/supervision/papers/{paper.pk}/answer/", {"position": 1, "answer": "0"})
    assert saved.status_code == 200 and paper.questions.get(position=1).answer == [0]
    odd = agent.post(f"/supervision/papers/{paper.pk}/answer/", {"position": 1, "answer": "9"})
    assert odd.status_code == 422
    handed = agent.post(f"/supervision/papers/{paper.pk}/submit/", {"q_1": "0", "q_5": "先致歉"})
    assert handed.status_code == 302
    paper.refresh_from_db()
    assert paper.state == "submitted"
    late = agent.post(f"/supervision/papers/{paper.pk}/answer/", {"position": 1, "answer": "1"})
    assert late.status_code == 409
    qa = _client("qa")
    with django_assert_max_num_queries(12):
        assert "先致歉" in qa.get("/supervision/marking/").content.decode()
    with django_assert_max_num_queries(14):
        assert qa.get(f"/supervision/exams/{exam.pk}/").status_code == 200
