"""The person page's exam results and latest quarterly appraisal (issue 20 points 2-4), on
the page and at GET /api/v1/supervision/people/{id}: one person's read is that person's
row of the whole (the exam's results, the centre's appraisal); who may see it is who may
open the page; a paper links only for those who may open it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import User
from kefu.supervision.models import Exam, Paper, PaperState
from kefu.supervision.queries.assessment import appraisal_of
from kefu.supervision.queries.exams import exam_papers
from kefu.supervision.queries.people import exam_results, latest_quarter, person_appraisal
from kefu.supervision.services.appraisal import appraisal_rules_set
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db

BASE = "/api/v1/supervision/people"


def _exam(world: World, title: str, closes: dt.datetime) -> Exam:
    return Exam.objects.create(
        centre=world.centre,
        kind="quarterly",
        title=title,
        topics=["business"],
        spec={"single": {"count": 1, "points": "10"}},
        opens_at=closes - dt.timedelta(days=2),
        closes_at=closes,
        minutes=30,
        created_by=world.users["qa"],
    )


def _paper(exam: Exam, person: User, percent: str | None) -> Paper:
    share = None if percent is None else Decimal(percent)
    marked = share is not None
    return Paper.objects.create(
        exam=exam,
        person=person,
        seed=1,
        started_at=exam.opens_at,
        deadline=exam.opens_at + dt.timedelta(minutes=30),
        submitted_at=exam.opens_at + dt.timedelta(minutes=20),
        state=PaperState.MARKED if marked else PaperState.SUBMITTED,
        out_of=Decimal(10),
        score=share / 10 if share is not None else None,
        percent=share,
        passed=share >= exam.pass_mark if share is not None else None,
        marked_at=exam.closes_at if marked else None,
    )


@pytest.fixture
def exams(world: World) -> dict[str, Exam]:
    """Last quarter's exam sat by four (expert 90 %, agent and a handler 80 %, backoffice
    55 %: the agent shares rank 2) and this week's, the agent's paper awaiting marking."""
    _first, last = latest_quarter()
    closes = timezone.make_aware(dt.datetime.combine(last - dt.timedelta(days=5), dt.time(17)))
    quarterly = _exam(world, "季度综合考试", closes)
    u = world.users
    _paper(quarterly, u["agent"], "80")
    _paper(quarterly, u["expert"], "90")
    _paper(quarterly, u["backoffice"], "55")
    _paper(quarterly, u["handler"], "80")  # a handler is not appraised, still ranked here
    recent = _exam(world, "业务知识测验", timezone.now() + dt.timedelta(days=1))
    _paper(recent, u["agent"], None)
    return {"quarterly": quarterly, "recent": recent}


def test_exam_results_are_the_persons_rows_of_each_exams_results(
    world: World, exams: dict[str, Exam]
) -> None:
    agent = world.users["agent"]
    results = exam_results(agent, agent)
    assert [r.title for r in results] == ["业务知识测验", "季度综合考试"]
    recent, quarterly = results
    assert (recent.state, recent.percent, recent.passed, recent.rank) == (
        "submitted",
        None,
        None,
        None,
    )
    # The exam's own results list best first: 90, 80, 80, 55; the agent shares rank 2.
    papers = exam_papers(exams["quarterly"])
    mine = next(p for p in papers if p.person_id == agent.pk)
    assert (quarterly.percent, quarterly.passed) == (mine.percent, mine.passed) == (80, True)
    assert (quarterly.rank, quarterly.ranked) == (2, 4)
    failed = exam_results(world.users["manager"], world.users["backoffice"])[0]
    assert (failed.rank, failed.passed, failed.may_open) == (4, False, True)
    # A team leader opens the page of their team's agent, not the marked paper.
    assert not exam_results(world.users["leader"], agent)[0].may_open


def test_ones_appraisal_is_their_row_of_the_centres(world: World, exams: dict[str, Exam]) -> None:
    first, last = latest_quarter()
    whole = appraisal_of(world.centre, first, last)
    for role in ("agent", "expert", "backoffice"):
        person = world.users[role]
        found = person_appraisal(person)
        assert found is not None and (found.first, found.last) == (first, last)
        assert found.item == next(a for a in whole.people if a.key == person.pk)
    agent = person_appraisal(world.users["agent"])
    assert agent is not None
    # Only the exam has a figure: its weight is rescaled to 100, the rest left out.
    assert (agent.item.total, agent.item.rank, agent.ranked) == (Decimal("80.00"), 2, 3)
    assert {p.code for p in agent.item.parts if p.score is None} == {
        "answered",
        "aht",
        "qa",
        "attendance",
        "complaints",
    }
    assert person_appraisal(world.users["handler"]) is None  # not in a measured role
    # A change of weights is seen at once, though the quarter's appraisal is cached.
    weights = {"answered": 10, "aht": 10, "qa": 30, "exam": 20, "attendance": 20, "complaints": 10}
    appraisal_rules_set(actor=world.users["manager"], weights=weights, appeal_days=3, version=None)
    again = person_appraisal(world.users["agent"])
    assert again is not None
    assert next(p for p in again.item.parts if p.code == "exam").weight == 20


def test_the_api_shows_them_to_whoever_may_open_the_page(
    world: World, exams: dict[str, Exam]
) -> None:
    agent = world.users["agent"]
    mine = ApiClient(token_for("agent")).get(f"{BASE}/{agent.pk}")
    assert mine.status_code == 200
    body = mine.json()
    assert [(e["title"], e["rank"], e["ranked"], e["may_open"]) for e in body["exams"]] == [
        ("业务知识测验", None, 0, True),
        ("季度综合考试", 2, 4, True),
    ]
    assert body["exams"][1]["percent"] == "80.00" and body["exams"][1]["passed"] is True
    appraised = body["appraisal"]
    assert (appraised["total"], appraised["rank"], appraised["ranked"]) == ("80.00", 2, 3)
    parts = {p["component"]: p for p in appraised["parts"]}
    assert parts["exam"]["score"] == "80.00" and parts["exam"]["applied_weight"] == "100.00"
    assert parts["qa"]["value"] is None and parts["qa"]["score"] is None
    leader = ApiClient(token_for("leader")).get(f"{BASE}/{agent.pk}").json()
    assert leader["appraisal"] == appraised and not leader["exams"][1]["may_open"]
    # Whoever may not open the page sees nothing of it.
    expert = f"{BASE}/{world.users['expert'].pk}"
    assert ApiClient(token_for("agent")).get(expert).status_code == 404
    assert ApiClient(token_for("leader")).get(expert).status_code == 404
    outside = ApiClient(token_for("other-manager")).get(f"{BASE}/{agent.pk}")
    assert outside.status_code == 404
    handler = ApiClient(token_for("handler")).get(f"{BASE}/{world.users['handler'].pk}").json()
    assert handler["appraisal"] is None and handler["exams"][0]["rank"] == 2


def test_the_page_shows_both_sections(
    world: World, exams: dict[str, Exam], django_assert_max_num_queries: Any
) -> None:
    client = Client()
    assert client.login(username="manager", password=PASSWORD)
    client.get(f"/supervision/people/{world.users['agent'].pk}/")  # the quarter cached
    # A fixed number of reads, whatever the number of papers and exams.
    with django_assert_max_num_queries(26):
        page = client.get(f"/supervision/people/{world.users['agent'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "考试成绩" in text and "季度综合考试" in text and "待阅卷" in text
    paper = exams["quarterly"].papers.get(person__username="agent")
    assert f"/supervision/papers/{paper.pk}/" in text
    assert "最近一次季度考评" in text and "80.00" in text and "无数据" in text
    leader = Client()
    assert leader.login(username="leader", password=PASSWORD)
    text = leader.get(f"/supervision/people/{world.users['agent'].pk}/").content.decode()
    assert "季度综合考试" in text and "/supervision/papers/" not in text
