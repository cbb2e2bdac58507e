from __future__ import annotations

import pytest

from kefu.knowledge.lifecycle import (
    EDITABLE,
    Action,
    RecallerIsNotWriter,
    ReviewerIsAuthor,
    State,
    TransitionRefused,
    actions_for,
    allowed_actions,
    check_reviewer,
    next_state,
)


def test_an_article_goes_from_draft_through_review_to_published() -> None:
    state = next_state(Action.SUBMIT, State.DRAFT)
    assert state == State.IN_REVIEW
    assert next_state(Action.APPROVE, state) == State.PUBLISHED
    assert next_state(Action.REJECT, state) == State.DRAFT


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (Action.APPROVE, State.DRAFT),
        (Action.SUBMIT, State.IN_REVIEW),
        (Action.SUBMIT, State.PUBLISHED),
        (Action.EXPIRE, State.DRAFT),
        (Action.WITHDRAW, State.EXPIRED),
        (Action.REJECT, State.PUBLISHED),
    ],
)
def test_refused_transitions(action: Action, state: State) -> None:
    with pytest.raises(TransitionRefused):
        next_state(action, state)


def test_only_published_articles_expire_and_review_freezes_the_text() -> None:
    assert next_state(Action.EXPIRE, State.PUBLISHED) == State.EXPIRED
    assert State.IN_REVIEW not in EDITABLE
    assert Action.EXPIRE not in allowed_actions(State.PUBLISHED)
    assert allowed_actions(State.IN_REVIEW) == [
        Action.APPROVE,
        Action.REJECT,
        Action.WITHDRAW,
        Action.RECALL,
    ]


def test_the_writer_of_a_change_recalls_it_and_another_editor_reviews_it() -> None:
    """Issue 15, point 25: the author was offered 审核通过并发布 and refused on click."""
    assert actions_for(State.IN_REVIEW, writer=True) == [Action.WITHDRAW, Action.RECALL]
    assert actions_for(State.IN_REVIEW, writer=False) == [
        Action.APPROVE,
        Action.REJECT,
        Action.WITHDRAW,
    ]
    assert next_state(Action.RECALL, State.IN_REVIEW) == State.DRAFT
    with pytest.raises(RecallerIsNotWriter):
        check_reviewer(Action.RECALL, writer_ids={1}, reviewer_id=2)
    check_reviewer(Action.RECALL, writer_ids={1}, reviewer_id=1)


def test_the_reviewer_must_not_be_the_author() -> None:
    with pytest.raises(ReviewerIsAuthor):
        check_reviewer(Action.APPROVE, writer_ids={7}, reviewer_id=7)
    with pytest.raises(ReviewerIsAuthor):  # wrote a part, if only the tags
        check_reviewer(Action.APPROVE, writer_ids={7, 8}, reviewer_id=8)
    check_reviewer(Action.APPROVE, writer_ids={7}, reviewer_id=8)
    check_reviewer(Action.REJECT, writer_ids={7}, reviewer_id=7)  # sending back one's own is fine
