"""A contact's score from the answers (issue 18 point 1): weights, not-applicable items on
neither side, a fatal item scoring 0 (VICIdial's instant-kill), the 监听分值 of 002 第7篇
out of 100; and the answers the automatic checks pre-fill (point 3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.quality import scoring
from kefu.quality.scoring import NA, NO, YES, ItemRule, ScoringError

CARD = [
    ItemRule(1, 10),
    ItemRule(2, 10, allow_na=True),
    ItemRule(3, 30),
    ItemRule(4, 50),
    ItemRule(5, 0, fatal=True),
]


def test_the_score_is_the_weight_met_over_the_weight_that_applied() -> None:
    result = scoring.score(CARD, {1: YES, 2: NA, 3: NO, 4: YES, 5: YES})
    # 10 + 50 met of 10 + 30 + 50 applicable: 60 / 90.
    assert result.score == Decimal("66.7")
    assert (result.met, result.applicable, result.fatal) == (60, 90, False)


def test_every_item_met_is_100_and_not_applicable_counts_on_neither_side() -> None:
    assert scoring.score(CARD, {1: YES, 2: NA, 3: YES, 4: YES, 5: YES}).score == 100
    assert scoring.score(CARD, {1: YES, 2: YES, 3: YES, 4: YES, 5: YES}).score == 100


def test_a_fatal_item_not_met_scores_the_contact_zero_whatever_the_rest() -> None:
    result = scoring.score(CARD, {1: YES, 2: YES, 3: YES, 4: YES, 5: NO})
    assert (result.score, result.fatal) == (0, True)


@pytest.mark.parametrize(
    ("answers", "code", "items"),
    [
        ({1: YES, 2: YES, 3: YES, 4: YES}, "unanswered", (5,)),
        ({1: YES, 2: YES, 3: YES, 4: YES, 5: "maybe"}, "unanswered", (5,)),
        ({1: NA, 2: YES, 3: YES, 4: YES, 5: YES}, "not_applicable_refused", (1,)),
        ({1: YES, 2: YES, 3: YES, 4: YES, 5: YES, 9: YES}, "unknown_item", (9,)),
    ],
)
def test_answers_that_do_not_fit_the_scorecard_are_refused(
    answers: dict[int, str], code: str, items: tuple[int, ...]
) -> None:
    with pytest.raises(ScoringError) as error:
        scoring.score(CARD, answers)
    assert (error.value.code, error.value.items) == (code, items)


def test_a_scorecard_with_nothing_applicable_has_no_score() -> None:
    card = [ItemRule(1, 10, allow_na=True), ItemRule(2, 10, allow_na=True)]
    with pytest.raises(ScoringError) as error:
        scoring.score(card, {1: NA, 2: NA})
    assert error.value.code == "nothing_applicable"


def test_the_automatic_checks_prefill_the_items_they_answer() -> None:
    prefilled = scoring.prefill(
        {1: "greeting_missing", 4: "closing_missing", 5: "forbidden_phrase", 3: ""},
        ["forbidden_phrase", "silence"],
    )
    assert prefilled == {1: YES, 4: YES, 5: NO}
