"""The pure modules of training and exams (issue 20 point 2): drawing a person's paper
(`papers`) and marking answers (`marking`), partial and empty answers included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision import marking, papers
from kefu.supervision.papers import Candidate, Part

TOPICS = ["etiquette", "law", "business"]
BANK = [
    Candidate(n, kind, TOPICS[n % 3])
    for n, kind in enumerate(
        ["single"] * 12 + ["multiple"] * 9 + ["true_false"] * 9 + ["short"] * 3
    )
]
SPEC = {
    "single": Part(6, Decimal(2)),
    "multiple": Part(3, Decimal(4)),
    "true_false": Part(3, Decimal(1)),
    "short": Part(1, Decimal(10)),
}


def test_a_paper_holds_the_spec_in_kind_order() -> None:
    paper = papers.draw(BANK, TOPICS, SPEC, seed=7)
    assert [d.kind for d in paper] == ["single"] * 6 + ["multiple"] * 3 + ["true_false"] * 3 + [
        "short"
    ]
    assert len({d.question_id for d in paper}) == len(paper)
    kinds = {q.id: q.kind for q in BANK}
    assert all(kinds[d.question_id] == d.kind for d in paper)
    assert papers.out_of(SPEC) == Decimal(12 + 12 + 3 + 10)


def test_the_same_seed_draws_the_same_paper_and_others_differ() -> None:
    assert papers.draw(BANK, TOPICS, SPEC, seed=11) == papers.draw(BANK, TOPICS, SPEC, seed=11)
    drawn = {
        tuple(d.question_id for d in papers.draw(BANK, TOPICS, SPEC, seed=s)) for s in range(20)
    }
    assert len(drawn) > 10


def test_each_topic_is_asked_when_the_bank_allows() -> None:
    topic = {q.id: q.topic for q in BANK}
    paper = papers.draw(BANK, TOPICS, SPEC, seed=3)
    singles = [topic[d.question_id] for d in paper if d.kind == "single"]
    assert sorted(singles) == sorted(TOPICS * 2)


def test_only_the_exams_topics_are_drawn() -> None:
    topic = {q.id: q.topic for q in BANK}
    paper = papers.draw(BANK, ["law"], {"single": Part(4, Decimal(1))}, seed=5)
    assert {topic[d.question_id] for d in paper} == {"law"}


def test_a_bank_too_small_is_refused() -> None:
    spec = {"short": Part(4, Decimal(5))}
    assert papers.shortfall(BANK, TOPICS, spec) == [("short", 4, 3)]
    with pytest.raises(papers.NotEnoughQuestions):
        papers.draw(BANK, TOPICS, spec, seed=1)


@given(seed=st.integers(min_value=0, max_value=2**62))
def test_any_seed_draws_distinct_questions(seed: int) -> None:
    paper = papers.draw(BANK, TOPICS, SPEC, seed=seed)
    assert len(paper) == 13 and len({d.question_id for d in paper}) == 13


FOUR = Decimal(4)


def test_single_choice_and_true_false() -> None:
    assert marking.mark_objective("single", [2], [2], FOUR) == FOUR
    assert marking.mark_objective("single", [2], [1], FOUR) == 0
    assert marking.mark_objective("true_false", False, False, FOUR) == FOUR
    assert marking.mark_objective("true_false", False, True, FOUR) == 0


@pytest.mark.parametrize(
    ("rule", "answer", "points"),
    [
        ("half", [0, 2, 3], FOUR),
        ("half", [0, 2], Decimal(2)),  # 少选得一半分
        ("half", [0, 1], Decimal(0)),  # a wrong option: nothing
        ("none", [0, 2], Decimal(0)),
        ("proportional", [0], Decimal("1.33")),
        ("proportional", [0, 2], Decimal("2.67")),
        ("proportional", [0, 1, 2, 3], Decimal(0)),
    ],
)
def test_multiple_choice_by_the_rule_for_partial_answers(
    rule: str, answer: list[int], points: Decimal
) -> None:
    assert marking.mark_objective("multiple", [0, 2, 3], answer, FOUR, rule) == points


@pytest.mark.parametrize("kind", ["single", "multiple", "true_false"])
@pytest.mark.parametrize("empty", [None, []])
def test_an_empty_answer_earns_nothing(kind: str, empty: object) -> None:
    key = True if kind == "true_false" else [0]
    assert marking.mark_objective(kind, key, empty, FOUR) == 0


def test_only_a_written_short_answer_needs_a_marker() -> None:
    assert marking.needs_marker("short", "先致歉，再核实")
    assert not marking.needs_marker("short", "   ")
    assert not marking.needs_marker("short", None)
    assert not marking.needs_marker("single", [1])


def test_the_result_against_the_pass_mark() -> None:
    assert marking.result([Decimal(30), Decimal(30)], Decimal(100), Decimal(60)) == (
        Decimal(60),
        Decimal("60.00"),
        True,
    )
    assert marking.result([Decimal("59.9")], Decimal(100), Decimal(60))[2] is False
