"""The transition table, exhaustively: every action from every state."""

from __future__ import annotations

import pytest

from kefu.tickets.lifecycle import (
    ACTION_ROLES,
    CALLBACK_ATTEMPTS,
    OPEN_STATES,
    Action,
    Situation,
    State,
    TransitionRefused,
    allowed_actions,
    may_act,
    next_state,
)

LOOP = [
    (Action.DISPATCH, State.ACCEPTED, State.DISPATCHED),
    (Action.TAKE, State.DISPATCHED, State.HANDLING),
    (Action.RETURN, State.HANDLING, State.RETURNED),
    (Action.VERIFY, State.RETURNED, State.VERIFIED),
    (Action.REPLY, State.VERIFIED, State.REPLIED),
]


@pytest.mark.parametrize(("action", "source", "target"), LOOP)
def test_the_loop_moves_one_step_at_a_time(action: Action, source: State, target: State) -> None:
    assert next_state(action, Situation(source)) == target
    for other in State:
        if other != source:
            with pytest.raises(TransitionRefused):
                next_state(action, Situation(other))


def test_callback_closes_or_reopens() -> None:
    replied = Situation(State.REPLIED)
    assert next_state(Action.CALLBACK, replied, satisfied=True) == State.CLOSED
    assert next_state(Action.CALLBACK, replied, satisfied=False) == State.ACCEPTED
    with pytest.raises(TransitionRefused):
        next_state(Action.CALLBACK, replied)


def test_close_without_callback_only_when_the_policy_needs_none() -> None:
    with pytest.raises(TransitionRefused):
        next_state(Action.CLOSE, Situation(State.REPLIED, callback_required=True))
    assert (
        next_state(Action.CLOSE, Situation(State.REPLIED, callback_required=False)) == State.CLOSED
    )


def test_reject_sends_the_work_back_to_whoever_did_it() -> None:
    assert next_state(Action.REJECT, Situation(State.RETURNED)) == State.DISPATCHED
    in_centre = Situation(State.RETURNED, has_department=False)
    assert next_state(Action.REJECT, in_centre) == State.HANDLING
    assert next_state(Action.HANDLE_IN_CENTRE, Situation(State.ACCEPTED)) == State.HANDLING


@pytest.mark.parametrize("state", sorted(OPEN_STATES))
def test_urge_escalate_suspend_keep_the_state(state: State) -> None:
    for action in (Action.URGE, Action.ESCALATE, Action.SUSPEND):
        if action == Action.SUSPEND and state == State.RETURNED:
            continue  # issue 15, 19: the centre's check of a returned order never freezes
        assert next_state(action, Situation(state)) == state
    assert next_state(Action.RESUME, Situation(state, suspended=True)) == state
    assert next_state(Action.CANCEL, Situation(state)) == State.CANCELLED
    assert next_state(Action.MERGE, Situation(state)) == State.MERGED


def test_suspend_twice_or_resume_a_running_order_is_refused() -> None:
    with pytest.raises(TransitionRefused):
        next_state(Action.SUSPEND, Situation(State.HANDLING, suspended=True))
    with pytest.raises(TransitionRefused):
        next_state(Action.RESUME, Situation(State.HANDLING))


def test_a_suspended_order_only_resumes_urges_escalates_merges_or_cancels() -> None:
    suspended = Situation(State.HANDLING, suspended=True)
    assert set(allowed_actions(suspended)) == {
        Action.RESUME,
        Action.URGE,
        Action.ESCALATE,
        Action.MERGE,
        Action.CANCEL,
    }


def test_reassign_only_while_at_a_department() -> None:
    for state in (State.DISPATCHED, State.HANDLING):
        assert next_state(Action.REASSIGN, Situation(state)) == State.DISPATCHED
    for state in (State.ACCEPTED, State.RETURNED, State.VERIFIED, State.REPLIED):
        with pytest.raises(TransitionRefused):
            next_state(Action.REASSIGN, Situation(state))


@pytest.mark.parametrize("state", [State.CLOSED, State.CANCELLED, State.MERGED])
def test_finished_orders_accept_nothing(state: State) -> None:
    assert allowed_actions(Situation(state)) == []


def test_allowed_actions_in_each_open_state() -> None:
    common = {Action.URGE, Action.ESCALATE, Action.SUSPEND, Action.MERGE, Action.CANCEL}
    expected = {
        State.ACCEPTED: {
            Action.DISPATCH,
            Action.TRANSFER,
            Action.HANDLE_IN_CENTRE,
            Action.SEND_TO_AGENT,
        },
        State.DISPATCHED: {Action.TAKE, Action.REASSIGN, Action.DECLINE},
        State.HANDLING: {
            Action.RETURN,
            Action.REASSIGN,
            Action.DECLINE,
            Action.PASS_ON,
            Action.REQUEST_EXTENSION,
        },
        State.RETURNED: {Action.VERIFY, Action.REJECT},
        State.VERIFIED: {Action.REPLY},
        State.REPLIED: {Action.CALLBACK},
    }
    for state, specific in expected.items():
        allowed = specific | common
        if state == State.RETURNED:
            allowed -= {Action.SUSPEND}
        assert set(allowed_actions(Situation(state))) == allowed, state


def test_the_department_steps_wait_for_their_moment() -> None:
    """Issue 15, 19–20: one extension request at a time, answered only while it waits; an
    acceptance is completed only after it was sent back; 退单 only from a department."""
    asked = Situation(State.HANDLING, extension_pending=True)
    assert Action.REQUEST_EXTENSION not in allowed_actions(asked)
    assert {Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION} <= set(allowed_actions(asked))
    incomplete = Situation(State.ACCEPTED, incomplete=True)
    assert Action.SUPPLEMENT in allowed_actions(incomplete)
    assert Action.SEND_TO_AGENT not in allowed_actions(incomplete)
    with pytest.raises(TransitionRefused):
        next_state(Action.DECLINE, Situation(State.HANDLING, has_department=False))


def test_a_callback_outcome_decides_where_the_order_goes() -> None:
    replied = Situation(State.REPLIED)
    assert next_state(Action.CALLBACK, replied, outcome="fairly_satisfied") == State.CLOSED
    assert next_state(Action.CALLBACK, replied, outcome="dissatisfied") == State.ACCEPTED
    assert next_state(Action.CALLBACK, replied, outcome="unreachable") == State.REPLIED
    last = Situation(State.REPLIED, callback_attempts=CALLBACK_ATTEMPTS - 1)
    assert next_state(Action.CALLBACK, last, outcome="unreachable") == State.CLOSED


def test_every_action_belongs_to_some_role_and_admin_may_do_all() -> None:
    assert set(ACTION_ROLES) == set(Action)
    for action in Action:
        assert may_act("admin", action)
        assert not may_act("editor", action)
        assert not may_act(None, action)
    assert may_act("handler", Action.TAKE) and not may_act("handler", Action.DISPATCH)
    assert may_act("leader", Action.CANCEL) and not may_act("agent", Action.CANCEL)


def test_only_a_complaint_is_referred_to_the_team_leaders() -> None:
    """002 第17篇 18-19: a complaint about a staff member goes to a leader or supervisor."""
    complaint = Situation(State.ACCEPTED, complaint=True)
    assert next_state(Action.REFER, complaint) == State.DISPATCHED
    assert Action.REFER in allowed_actions(complaint)
    with pytest.raises(TransitionRefused):
        next_state(Action.REFER, Situation(State.ACCEPTED))
    with pytest.raises(TransitionRefused):
        next_state(Action.REFER, Situation(State.RETURNED, complaint=True))
