"""The stages an order went through, read from its events: how long each took in working
time and whether it kept its limit. Pure: the events come in as plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy

from kefu.core.workcal import WorkingCalendar
from kefu.tickets import sla

# The stage whose clock runs while an order is in a state.
# What each stage is called on pages and in reports.
STAGE_LABELS = {
    "review": gettext_lazy("Review and dispatch"),
    "take": gettext_lazy("Take"),
    "return": gettext_lazy("Handle and return"),
    "verify": gettext_lazy("Verify"),
    "reply": gettext_lazy("Reply to the customer"),
    "callback": gettext_lazy("Callback"),
    "answer": gettext_lazy("Answer promised to the customer"),
}
STAGE_OF_STATE = {
    "accepted": "review",
    "dispatched": "take",
    "handling": "return",
    "returned": "verify",
    "verified": "reply",
    "replied": "callback",
}
# Actions that restart the stage clock although the state may stay the same.
RESTARTING_ACTIONS = {"reassign", "reject"}
# Actions after which the department in the step's data holds the order (None: the centre).
HOLDER_ACTIONS = {"dispatch", "transfer", "reassign", "handle_in_centre", "field_dispatch"}


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    from_state: str
    to_state: str
    department: str | None = None  # where a dispatch, transfer or reassign sent it


@dataclass(frozen=True)
class ExpertSeatLimits:
    """The limits of the stages an expert seat owns, for the time one holds the order."""

    departments: frozenset[str]  # the expert-seat departments' codes
    calendar: WorkingCalendar
    policy: sla.Policy


def limits_for(
    stage: str,
    holder: str | None,
    calendar: WorkingCalendar,
    policy: sla.Policy | None,
    expert_seat: ExpertSeatLimits | None,
) -> tuple[WorkingCalendar, sla.Policy | None]:
    """The calendar and policy a stage is counted on: the expert seat's for the stages it
    owns while it holds the order, the order's own otherwise."""
    if (
        expert_seat is not None
        and holder in expert_seat.departments
        and stage in expert_seat.policy.limits
    ):
        return expert_seat.calendar, expert_seat.policy
    return calendar, policy


@dataclass(frozen=True)
class StageSpan:
    stage: str
    started_at: datetime
    ended_at: datetime | None  # None while the stage is still running
    used: timedelta  # working time, suspensions left out
    due_at: datetime | None  # None when the policy sets no limit for the stage
    limit: timedelta | None  # the working time the stage is allowed
    on_time: bool | None  # None while running and not yet late, or without a limit


def stage_spans(
    steps: Sequence[Step],
    *,
    calendar: WorkingCalendar,
    policy: sla.Policy | None,
    suspensions: Sequence[tuple[datetime, datetime]] = (),
    now: datetime,
    expert_seat: ExpertSeatLimits | None = None,
) -> list[StageSpan]:
    spans: list[StageSpan] = []
    current: tuple[str, datetime, str | None] | None = None
    holder: str | None = None

    def close(
        stage: str, started_at: datetime, held_by: str | None, ended_at: datetime | None
    ) -> None:
        end = ended_at or now
        counted_on, rules = limits_for(stage, held_by, calendar, policy, expert_seat)
        used = sla.time_used(counted_on, started_at, end, suspensions)
        clock = (
            sla.stage_clock(counted_on, stage, started_at, rules, suspensions)
            if rules is not None
            else None
        )
        due_at = clock.due_at if clock else None
        on_time: bool | None = None
        if due_at is not None:
            if ended_at is not None:
                on_time = sla.on_time(ended_at, due_at)
            elif now >= due_at:
                on_time = False
        limit = sla.time_used(counted_on, started_at, due_at, suspensions) if due_at else None
        spans.append(StageSpan(stage, started_at, ended_at, used, due_at, limit, on_time))

    for step in steps:
        if step.action in HOLDER_ACTIONS:
            holder = step.department
        elif step.to_state == "accepted":  # reopened: back with the centre
            holder = None
        moves = step.to_state != step.from_state or step.action in RESTARTING_ACTIONS
        if step.action == "create":
            moves = True
        elif not moves:
            continue
        if current is not None:
            close(*current, step.at)
            current = None
        stage = STAGE_OF_STATE.get(step.to_state)
        if stage is not None:
            current = (stage, step.at, holder)
    if current is not None:
        close(*current, None)
    return spans


def answer_span(
    *,
    started_at: datetime | None,
    ended_at: datetime | None,
    calendar: WorkingCalendar,
    policy: sla.Policy | None,
    suspensions: Sequence[tuple[datetime, datetime]] = (),
    now: datetime,
) -> StageSpan | None:
    """The promise of an answer (002 第17篇) as a span beside the stages: from the moment
    the customer was owed an answer to the answer, against the policy's `answer` limit;
    None when the policy promises none."""
    if started_at is None or policy is None or "answer" not in policy.limits:
        return None
    clock = sla.stage_clock(calendar, "answer", started_at, policy, suspensions)
    if clock is None:
        return None
    used = sla.time_used(calendar, started_at, ended_at or now, suspensions)
    on_time: bool | None = None
    if ended_at is not None:
        on_time = sla.on_time(ended_at, clock.due_at)
    elif now >= clock.due_at:
        on_time = False
    limit = sla.time_used(calendar, started_at, clock.due_at, suspensions)
    return StageSpan("answer", started_at, ended_at, used, clock.due_at, limit, on_time)
