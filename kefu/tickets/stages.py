"""The stages an order went through, read from its events: how long each took in working
time and whether it kept its limit. Pure: the events come in as plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kefu.core.workcal import WorkingCalendar
from kefu.tickets import sla

# The stage whose clock runs while an order is in a state.
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


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    from_state: str
    to_state: str


@dataclass(frozen=True)
class StageSpan:
    stage: str
    started_at: datetime
    ended_at: datetime | None  # None while the stage is still running
    used: timedelta  # working time, suspensions left out
    due_at: datetime | None  # None when the policy sets no limit for the stage
    on_time: bool | None  # None while running and not yet late, or without a limit


def stage_spans(
    steps: Sequence[Step],
    *,
    calendar: WorkingCalendar,
    policy: sla.Policy | None,
    suspensions: Sequence[tuple[datetime, datetime]] = (),
    now: datetime,
) -> list[StageSpan]:
    spans: list[StageSpan] = []
    current: tuple[str, datetime] | None = None

    def close(stage: str, started_at: datetime, ended_at: datetime | None) -> None:
        end = ended_at or now
        used = sla.time_used(calendar, started_at, end, suspensions)
        clock = (
            sla.stage_clock(calendar, stage, started_at, policy, suspensions)
            if policy is not None
            else None
        )
        due_at = clock.due_at if clock else None
        on_time: bool | None = None
        if due_at is not None:
            if ended_at is not None:
                on_time = sla.on_time(ended_at, due_at)
            elif now >= due_at:
                on_time = False
        spans.append(StageSpan(stage, started_at, ended_at, used, due_at, on_time))

    for step in steps:
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
            current = (stage, step.at)
    if current is not None:
        close(*current, None)
    return spans
