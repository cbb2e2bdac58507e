"""Training and exams through the API (issue 20 point 2): a session and its attendance,
a question written from a knowledge article, an exam set, a paper drawn once, answered,
handed in and marked, and the exam's results; retry-safe creates, strict schemas, and no
5xx for odd answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.knowledge.models import Article
from kefu.supervision.models import Exam, Question, TrainingSession
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.exams_data import bank

pytestmark = pytest.mark.django_db

BASE = "/api/v1/supervision"


@pytest.fixture
def api(world: World) -> Callable[[str], ApiClient]:
    def client(username: str) -> ApiClient:
        return ApiClient(token_for(username))

    return client


def _exam_body(**extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "kind": "quarterly",
        "title": "第四季度综合考试",
        "topics": ["business"],
        "parts": [
            {"kind": "single", "count": 2, "points": "2"},
            {"kind": "multiple", "count": 1, "points": "4"},
            {"kind": "true_false", "count": 1, "points": "2"},
            {"kind": "short", "count": 1, "points": "6"},
        ],
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=3)).isoformat(),
        "minutes": 30,
        **extra,
    }


def test_a_session_and_its_attendance(world: World, api: Callable[[str], ApiClient]) -> None:
    qa = api("qa")
    agent = world.users["agent"]
    body = {
        "topic": "law",
        "title": "消费者权益保护法要点",
        "starts_at": timezone.now().isoformat(),
        "minutes": 60,
        "trainer_name": "市电力公司法务 刘律师",
        "people": [agent.pk, world.users["expert"].pk],
    }
    created = qa.post(f"{BASE}/training", body)
    assert created.status_code == 201, created.content
    session = created.json()
    put = qa.put(f"{BASE}/training/{session['id']}/attendance", {"present": [agent.pk]})
    assert put.status_code == 200
    assert {a["person_id"]: a["present"] for a in put.json()["attendance"]} == {
        agent.pk: True,
        world.users["expert"].pk: False,
    }
    assert api("agent").get(f"{BASE}/training/{session['id']}").status_code == 404
    assert api("agent").post(f"{BASE}/training", body).status_code == 403
    # Retried with its key: one session.
    headers = {**qa.headers, "Idempotency-Key": "training-1"}
    for _ in range(2):
        again = qa.client.post(
            f"{BASE}/training", data=body, content_type="application/json", headers=headers
        )
        assert again.status_code == 201
    assert TrainingSession.objects.count() == 2


def test_a_question_from_an_article(world: World, api: Callable[[str], ApiClient]) -> None:
    editor = world.users["editor"]
    article = Article.objects.create(
        centre=world.centre, kind="faq", title="电费缴纳渠道", body="…", owner=editor, author=editor
    )
    body = {
        "topic": "business",
        "kind": "multiple",
        "text": "以下哪些是电费缴纳渠道？",
        "options": ["营业厅", "网上国网", "上门收现金"],
        "key": [1, 0],
        "article_id": article.pk,
    }
    created = api("editor").post(f"{BASE}/questions", body)
    assert created.status_code == 201, created.content
    question = created.json()
    assert question["key"] == [0, 1] and question["article_title"] == "电费缴纳渠道"
    assert not question["needs_review"]
    Article.objects.filter(pk=article.pk).update(version=article.version + 1)
    listed = api("qa").get(f"{BASE}/questions", needs_review="true").json()["items"]
    assert [q["id"] for q in listed] == [question["id"]]
    reviewed = api("editor").post(f"{BASE}/questions/{question['id']}/reviewed")
    assert reviewed.json()["needs_review"] is False
    # A wrong key for a single choice, an unknown field: 422, no 5xx.
    bad = {**body, "kind": "single"}
    assert api("editor").post(f"{BASE}/questions", bad).status_code == 422
    assert api("editor").post(f"{BASE}/questions", {**body, "score": 1}).status_code == 422
    assert api("agent").post(f"{BASE}/questions", body).status_code == 403
    assert api("agent").get(f"{BASE}/questions").json()["items"] == []


def test_an_exam_taken_and_marked(world: World, api: Callable[[str], ApiClient]) -> None:
    bank(world.users["qa"])
    qa, agent = api("qa"), api("agent")
    created = qa.post(f"{BASE}/exams", _exam_body())
    assert created.status_code == 201, created.content
    exam = created.json()
    assert exam["out_of"] == "16.00" or float(exam["out_of"]) == 16
    opened = agent.post(f"{BASE}/exams/{exam['id']}/paper")
    assert opened.status_code == 201
    paper = opened.json()
    assert agent.post(f"{BASE}/exams/{exam['id']}/paper").json()["questions"] == paper["questions"]
    assert 0 < paper["seconds_left"] <= 30 * 60
    path = f"{BASE}/papers/{paper['id']}"
    for question in paper["questions"]:
        answer = {"single": [0], "multiple": [0, 2], "true_false": False, "short": "先致歉"}
        saved = agent.put(
            f"{path}/answers/{question['position']}", {"answer": answer[question["kind"]]}
        )
        assert saved.status_code == 200, saved.content
    for odd in ([0, "x"], {"a": 1}, [True], 3):
        assert agent.put(f"{path}/answers/1", {"answer": odd}).status_code == 422
    assert agent.put(f"{path}/answers/99", {"answer": [0]}).status_code == 404
    assert api("expert").get(path).status_code == 404
    submitted = agent.post(f"{path}/submit")
    assert submitted.json()["state"] == "submitted"
    assert agent.put(f"{path}/answers/1", {"answer": [1]}).status_code == 409
    short = next(q for q in paper["questions"] if q["kind"] == "short")
    mark = f"{path}/answers/{short['position']}/mark"
    assert agent.put(mark, {"points": "6"}).status_code == 404
    assert qa.put(mark, {"points": "7"}).status_code == 422
    marked = qa.put(mark, {"points": "4", "comment": "致歉到位，未说明时限"})
    assert marked.status_code == 200, marked.content
    # 2 + 2 + 4 + 0 (false is wrong) + 4 = 12 of 16.
    assert marked.json()["state"] == "marked" and float(marked.json()["percent"]) == 75
    mine = agent.get(path).json()
    assert mine["passed"] is True and mine["questions"][0]["points"] is not None
    results = qa.get(f"{BASE}/exams/{exam['id']}/results").json()
    assert (results["sat"], results["marked"], results["passed"]) == (1, 1, 1)
    assert agent.get(f"{BASE}/exams/{exam['id']}/results").status_code == 404


def test_exam_creates_are_retry_safe_and_strict(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    bank(world.users["qa"])
    qa = api("qa")
    headers = {**qa.headers, "Idempotency-Key": "exam-q4"}
    body = _exam_body()
    for _ in range(2):
        response = qa.client.post(
            f"{BASE}/exams", data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 201
    assert Exam.objects.count() == 1
    assert qa.post(f"{BASE}/exams", _exam_body(minutes=0)).status_code == 422
    assert qa.post(f"{BASE}/exams", _exam_body(topics=["cooking"])).status_code == 422
    assert qa.post(f"{BASE}/exams", _exam_body(secret=1)).status_code == 422
    short = qa.post(f"{BASE}/exams", _exam_body(parts=[{"kind": "short", "count": 9, "points": 5}]))
    assert short.status_code == 422 and short.json()["code"] == "exam_bank_short"
    assert Question.objects.count() == 8
