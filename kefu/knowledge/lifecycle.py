"""The editorial life of a knowledge article as a table. Pure: the services ask it whether
an action is allowed and where it leads.

An article has a working copy and, once approved, a live version that agents read. The
state is the working copy's: editing a published article starts a new draft while the
live version keeps serving agents until the draft is approved in its turn.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum


class ArticleState(StrEnum):
    DRAFT = "draft"  # 草稿: being written or reworked
    IN_REVIEW = "in_review"  # 待审核: frozen until a reviewer decides
    PUBLISHED = "published"  # 已发布: the working copy is the live version
    WITHDRAWN = "withdrawn"  # 已撤回: taken off by an editor
    EXPIRED = "expired"  # 已过期: past its expiry date (the sweep)


# The API names each enum after its class, so the class name is unique across the apps.
State = ArticleState


class ArticleAction(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    RECALL = "recall"  # 撤回: the writer takes a change back from review to the draft


Action = ArticleAction


# action: (the states it may start from, the state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.SUBMIT: (frozenset({State.DRAFT}), State.IN_REVIEW),
    Action.APPROVE: (frozenset({State.IN_REVIEW}), State.PUBLISHED),
    Action.REJECT: (frozenset({State.IN_REVIEW}), State.DRAFT),
    Action.WITHDRAW: (frozenset({State.PUBLISHED, State.IN_REVIEW, State.DRAFT}), State.WITHDRAWN),
    Action.EXPIRE: (frozenset({State.PUBLISHED}), State.EXPIRED),
    Action.RECALL: (frozenset({State.IN_REVIEW}), State.DRAFT),
}
# Where editing the working copy leaves it: a draft again, except while under review.
EDITABLE = frozenset({State.DRAFT, State.PUBLISHED, State.WITHDRAWN, State.EXPIRED})


class TransitionRefused(Exception):
    def __init__(self, action: str, state: State) -> None:
        self.action, self.state = action, state
        super().__init__(f"{action} is not allowed in state {state}")


class ReviewerIsAuthor(Exception):
    """The four-eyes rule: whoever wrote any part of the working copy since the last
    published version may not approve it."""


class RecallerIsNotWriter(Exception):
    """Only whoever wrote a change takes it back from review; a reviewer sends it back."""


def next_state(action: Action, state: State) -> State:
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise TransitionRefused(action, state)
    return target


def check_reviewer(action: Action, *, writer_ids: Collection[int], reviewer_id: int) -> None:
    """`writer_ids`: everyone who changed the working copy since it was last published."""
    if action == Action.APPROVE and reviewer_id in writer_ids:
        raise ReviewerIsAuthor()
    if action == Action.RECALL and reviewer_id not in writer_ids:
        raise RecallerIsNotWriter()


def allowed_actions(state: State) -> list[Action]:
    """What may happen to an article in `state`, expiry (the sweep's) left out."""
    return [
        action
        for action, (sources, _target) in TRANSITIONS.items()
        if state in sources and action != Action.EXPIRE
    ]


# What a writer of the change may not do to it (the four-eyes rule), and what only a
# writer may do.
NOT_FOR_WRITERS = frozenset({Action.APPROVE, Action.REJECT})
ONLY_FOR_WRITERS = frozenset({Action.RECALL})


def actions_for(state: State, *, writer: bool) -> list[Action]:
    """What one editor may do to an article in `state`: its writer recalls a change from
    review but neither approves nor rejects it; another editor does not recall it."""
    return [
        action
        for action in allowed_actions(state)
        if action not in (NOT_FOR_WRITERS if writer else ONLY_FOR_WRITERS)
    ]
