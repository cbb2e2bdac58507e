"""The work-order loop as a table: which action moves an order from which state to which.

Pure: the service layer asks this module whether an action is allowed and where it
leads, and enforces the answer inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class TicketState(StrEnum):
    ACCEPTED = "accepted"  # 受理: recorded by the agent, waiting for the back office
    DISPATCHED = "dispatched"  # 派单: sent to a department, not taken yet
    HANDLING = "handling"  # 处理中: a department (or the centre) works on it
    RETURNED = "returned"  # 回单: the result is back, waiting for verification
    VERIFIED = "verified"  # 结果审核通过: ready to tell the customer
    REPLIED = "replied"  # 已回复: the customer has the answer, callback due
    CLOSED = "closed"  # 办结
    CANCELLED = "cancelled"  # 撤单
    MERGED = "merged"  # 合并到另一张工单


# The API names each enum after its class, so the class name is unique across the apps.
State = TicketState


class TicketAction(StrEnum):
    DISPATCH = "dispatch"
    TRANSFER = "transfer"  # 转专席: the front line passes the order to an expert seat
    HANDLE_IN_CENTRE = "handle_in_centre"
    TAKE = "take"
    RETURN = "return"
    VERIFY = "verify"
    REJECT = "reject"
    REPLY = "reply"
    CALLBACK = "callback"
    CLOSE = "close"
    URGE = "urge"
    ESCALATE = "escalate"
    SUSPEND = "suspend"
    RESUME = "resume"
    REASSIGN = "reassign"
    MERGE = "merge"
    CANCEL = "cancel"
    # The expert seat's own steps (专席, 000 第8篇): see EXPERT_ACTIONS below.
    ANSWER_CLOSE = "answer_close"
    SEND_BACK = "send_back"
    FIELD_DISPATCH = "field_dispatch"
    WARN_MAINTENANCE = "warn_maintenance"
    # 提交组长或主管处理 (002 第17篇 18-19): a complaint about a staff member's attitude.
    REFER = "refer"
    # A department's own steps and the back office's answers to them (issue 15, 19–20).
    DECLINE = "decline"  # 退单: a wrongly dispatched order goes back to the back office
    PASS_ON = "pass_on"  # noqa: S105  转交: to a colleague of the same department
    REQUEST_EXTENSION = "request_extension"  # 延期申请
    GRANT_EXTENSION = "grant_extension"
    REFUSE_EXTENSION = "refuse_extension"
    SEND_TO_AGENT = "send_to_agent"  # 退回补充: an incomplete acceptance back to its agent
    SUPPLEMENT = "supplement"  # 补充受理: the agent completes it


Action = TicketAction


class CallbackOutcome(StrEnum):
    """回访结果: what the callback found."""

    SATISFIED = "satisfied"  # 满意
    FAIRLY_SATISFIED = "fairly_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意
    UNREACHABLE = "unreachable"  # 联系不上


# Outcomes that count as a satisfied customer, and the one that reopens the order.
SATISFIED_OUTCOMES = frozenset({CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY_SATISFIED})
# A customer not reached is called again, within the callback's own limit; after this many
# attempts the order is closed as unreachable, counted neither satisfied nor dissatisfied.
CALLBACK_ATTEMPTS = 3


OPEN_STATES = frozenset(
    {
        State.ACCEPTED,
        State.DISPATCHED,
        State.HANDLING,
        State.RETURNED,
        State.VERIFIED,
        State.REPLIED,
    }
)

# Actions that move the order along the loop: (from, to).
FORWARD: dict[Action, tuple[State, State]] = {
    Action.DISPATCH: (State.ACCEPTED, State.DISPATCHED),
    Action.TRANSFER: (State.ACCEPTED, State.DISPATCHED),
    Action.REFER: (State.ACCEPTED, State.DISPATCHED),
    Action.HANDLE_IN_CENTRE: (State.ACCEPTED, State.HANDLING),
    Action.TAKE: (State.DISPATCHED, State.HANDLING),
    Action.RETURN: (State.HANDLING, State.RETURNED),
    Action.VERIFY: (State.RETURNED, State.VERIFIED),
    Action.REPLY: (State.VERIFIED, State.REPLIED),
    Action.CLOSE: (State.REPLIED, State.CLOSED),
}
# Actions allowed in any open state that leave the state as it is.
IN_PLACE = frozenset({Action.URGE, Action.ESCALATE, Action.SUSPEND, Action.RESUME})
# The states in which an order is with a department (or expert seat) to work on: its
# holder's own steps happen only here. After the return, the check is the centre's, and a
# department can no longer stop its clock.
WITH_HOLDER = frozenset({State.DISPATCHED, State.HANDLING})
# What may still happen while the clock is stopped.
WHILE_SUSPENDED = frozenset(
    {Action.RESUME, Action.URGE, Action.ESCALATE, Action.MERGE, Action.CANCEL}
)

# Whose work each action is (DESIGN.md's role table). The admin may do everything.
ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.DISPATCH: frozenset({"backoffice"}),
    Action.TRANSFER: frozenset({"agent", "backoffice"}),
    Action.HANDLE_IN_CENTRE: frozenset({"backoffice"}),
    Action.TAKE: frozenset({"handler", "backoffice", "expert", "leader", "manager"}),
    Action.RETURN: frozenset({"handler", "backoffice", "expert", "leader", "manager"}),
    Action.VERIFY: frozenset({"backoffice"}),
    Action.REJECT: frozenset({"backoffice"}),
    Action.REPLY: frozenset({"backoffice"}),
    Action.CALLBACK: frozenset({"backoffice"}),
    Action.CLOSE: frozenset({"backoffice"}),
    Action.URGE: frozenset({"agent", "expert", "backoffice"}),
    Action.ESCALATE: frozenset({"backoffice", "leader", "manager"}),
    Action.SUSPEND: frozenset({"backoffice", "handler", "expert", "leader", "manager"}),
    Action.RESUME: frozenset({"backoffice", "handler", "expert", "leader", "manager"}),
    Action.REASSIGN: frozenset({"backoffice"}),
    Action.MERGE: frozenset({"backoffice"}),
    Action.CANCEL: frozenset({"leader", "manager"}),
    Action.ANSWER_CLOSE: frozenset({"expert"}),
    Action.SEND_BACK: frozenset({"expert"}),
    Action.FIELD_DISPATCH: frozenset({"expert"}),
    Action.WARN_MAINTENANCE: frozenset({"expert"}),
    Action.REFER: frozenset({"agent", "backoffice"}),
    Action.DECLINE: frozenset({"handler"}),
    Action.PASS_ON: frozenset({"handler", "expert"}),
    Action.REQUEST_EXTENSION: frozenset({"handler", "expert"}),
    Action.GRANT_EXTENSION: frozenset({"backoffice"}),
    Action.REFUSE_EXTENSION: frozenset({"backoffice"}),
    Action.SEND_TO_AGENT: frozenset({"backoffice"}),
    Action.SUPPLEMENT: frozenset({"agent"}),
}
# The third urge of an order raises it above the centre's routine.
URGES_TO_ESCALATE = 3

# ------------------------------------------------------------------ the expert seat's steps
# 000 第8篇 (宽带专席): the expert seat is where the customer's problem ends. Within 10
# minutes of taking an order the expert answers the customer, and closes the order, sends
# it back to the front line, dispatches it to a department (field staff, 上门服务), or warns
# maintenance of a regional fault (预警). Only while an expert seat holds the order in
# handling, and only its own experts (HOLDER_WORK).
EXPERT_ACTIONS = frozenset(
    {Action.ANSWER_CLOSE, Action.SEND_BACK, Action.FIELD_DISPATCH, Action.WARN_MAINTENANCE}
)
EXPERT_TARGETS: dict[Action, State | None] = {
    Action.ANSWER_CLOSE: State.CLOSED,  # answered on the spot: the loop ends here
    Action.SEND_BACK: State.ACCEPTED,  # back to the front line, which reviews it again
    Action.FIELD_DISPATCH: State.DISPATCHED,  # to a department's field staff
    Action.WARN_MAINTENANCE: None,  # a warning to maintenance; the expert keeps the order
}


def _expert_next_state(action: Action, situation: Situation) -> State:
    if not situation.expert_seat or situation.state != State.HANDLING:
        raise TransitionRefused(action, situation)
    return EXPERT_TARGETS[action] or situation.state


@dataclass(frozen=True)
class Situation:
    """What the table needs to know about an order."""

    state: State
    suspended: bool = False
    has_department: bool = True
    callback_required: bool = True
    extension_pending: bool = False
    incomplete: bool = False
    callback_attempts: int = 0
    # Whether the department holding the order is an expert seat (专席).
    expert_seat: bool = False
    # Only a complaint is referred to the team leaders.
    complaint: bool = False


class TransitionRefused(Exception):
    def __init__(self, action: str, situation: Situation) -> None:
        self.action = action
        self.situation = situation
        super().__init__(f"{action} is not allowed in state {situation.state}")


def _department_step(action: Action, situation: Situation) -> State | None:
    """Where a department's own step, or the back office's answer to it, leads; None when
    `action` is not one of them. Raises TransitionRefused when it is, but not now."""
    state = situation.state
    if action == Action.DECLINE:
        if state in WITH_HOLDER and situation.has_department:
            return State.ACCEPTED
    elif action in {Action.PASS_ON, Action.REQUEST_EXTENSION}:
        if state == State.HANDLING and not (
            action == Action.REQUEST_EXTENSION and situation.extension_pending
        ):
            return state
    elif action in {Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION}:
        if situation.extension_pending:
            return state
    elif action == Action.SEND_TO_AGENT:
        if state == State.ACCEPTED and not situation.incomplete:
            return state
    elif action == Action.SUPPLEMENT:
        if state == State.ACCEPTED and situation.incomplete:
            return state
    else:
        return None
    raise TransitionRefused(action, situation)


def _callback(situation: Situation, satisfied: bool | None, outcome: str | None) -> State:
    """After the callback: closed when the customer is satisfied, back to the start when
    not, still waiting while they cannot be reached (closed after the last attempt)."""
    if outcome == CallbackOutcome.UNREACHABLE:
        if situation.callback_attempts + 1 >= CALLBACK_ATTEMPTS:
            return State.CLOSED
        return State.REPLIED
    if outcome is not None:
        satisfied = outcome in SATISFIED_OUTCOMES
    if satisfied is None:
        raise TransitionRefused(Action.CALLBACK, situation)
    return State.CLOSED if satisfied else State.ACCEPTED


def next_state(
    action: Action,
    situation: Situation,
    *,
    satisfied: bool | None = None,
    outcome: str | None = None,
) -> State:
    """The state `action` leads to, or TransitionRefused. A callback gives either
    `outcome` (a CallbackOutcome) or, the older way, `satisfied`."""
    state = situation.state
    if state not in OPEN_STATES:
        raise TransitionRefused(action, situation)
    if situation.suspended and action not in WHILE_SUSPENDED:
        raise TransitionRefused(action, situation)
    if (action == Action.SUSPEND and situation.suspended) or (
        action == Action.RESUME and not situation.suspended
    ):
        raise TransitionRefused(action, situation)
    if action in IN_PLACE:
        if action == Action.SUSPEND and state == State.RETURNED:
            raise TransitionRefused(action, situation)  # the centre's check is not stopped
        return state
    if action in EXPERT_ACTIONS:
        return _expert_next_state(action, situation)
    step = _department_step(action, situation)
    if step is not None:
        return step
    if action == Action.CLOSE and situation.callback_required:
        raise TransitionRefused(action, situation)
    if action == Action.REFER and not situation.complaint:
        raise TransitionRefused(action, situation)
    if action in FORWARD:
        source, target = FORWARD[action]
        if state != source:
            raise TransitionRefused(action, situation)
        return target
    if action == Action.REJECT and state == State.RETURNED:
        # Rework goes back to whoever did the work: the department, or the centre itself.
        return State.DISPATCHED if situation.has_department else State.HANDLING
    if action == Action.CALLBACK and state == State.REPLIED:
        return _callback(situation, satisfied, outcome)
    if action == Action.REASSIGN and state in {State.DISPATCHED, State.HANDLING}:
        return State.DISPATCHED
    if action == Action.MERGE:
        return State.MERGED
    if action == Action.CANCEL:
        return State.CANCELLED
    raise TransitionRefused(action, situation)


def allowed_actions(situation: Situation) -> list[Action]:
    """Every action the table allows now, in the order of the loop."""
    return list(_allowed_in(situation))


@lru_cache(maxsize=4096)
def _allowed_in(situation: Situation) -> tuple[Action, ...]:
    # The table is fixed and a situation has few values: a list of orders asks the same
    # few questions again and again.
    allowed = []
    for action in Action:
        try:
            next_state(action, situation, satisfied=True)
        except TransitionRefused:
            continue
        allowed.append(action)
    return tuple(allowed)


def may_act(role: str | None, action: Action) -> bool:
    return role == "admin" or (role is not None and role in ACTION_ROLES[action])


# The work of whoever holds the order. A department's handlers and an expert seat's
# agents do it only while the order is with their own unit; the back office only while
# the centre handles the order itself (no department holds it).
HOLDER_WORK = frozenset(
    {
        Action.TAKE,
        Action.RETURN,
        Action.SUSPEND,
        Action.RESUME,
        Action.DECLINE,
        Action.PASS_ON,
        Action.REQUEST_EXTENSION,
        *EXPERT_ACTIONS,
    }
)
UNIT_ROLES = frozenset({"handler", "expert"})
CENTRE_WORK = frozenset({Action.TAKE, Action.RETURN})


# The team leaders and supervisors hold only the complaints referred to them.
LEADER_ROLES = frozenset({"leader", "manager"})
LEADER_WORK = frozenset({Action.TAKE, Action.RETURN, Action.SUSPEND, Action.RESUME})


def may_act_on(
    role: str | None,
    action: Action,
    *,
    own_unit: int | None,
    held_by: int | None,
    state: str | None = None,
    with_leaders: bool = False,
) -> bool:
    """`may_act` for one order: `own_unit` is the user's department (or expert seat),
    `held_by` the department that holds the order now, if any, `state` its state, and
    `with_leaders` whether the centre's team leaders hold it. A unit does its holder's work
    only while the order is with it (dispatched or handling), so it cannot suspend an
    order it has returned."""
    if not may_act(role, action):
        return False
    if role in UNIT_ROLES and action in HOLDER_WORK:
        with_unit = state is None or state in WITH_HOLDER
        return own_unit is not None and held_by == own_unit and with_unit
    if role in LEADER_ROLES and action in LEADER_WORK:
        return with_leaders
    if role == "backoffice" and action in CENTRE_WORK:
        return held_by is None and not with_leaders
    return True
