"""What a solve gives back: plain values a service stores as a rota version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class RotaStatus(StrEnum):
    """OPTIMAL: proven best under the objective's order; FEASIBLE: a rota, not proven
    best within the time limit; INFEASIBLE: the hard rules contradict each other (the
    explanation says which); UNKNOWN: no rota found within the time limit."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


class RuleFamily(StrEnum):
    """The rule families the diagnosis relaxes one at a time."""

    WEEKLY_HOURS = "weekly_hours"
    REST_DAYS = "rest_days"
    CONSECUTIVE_DAYS = "consecutive_days"
    REST_BETWEEN_SHIFTS = "rest_between_shifts"
    NIGHTS = "nights"
    LEAVE = "leave"
    # Not a contract rule: the shift templates' breaks and meal breaks.
    BREAKS = "breaks"


@dataclass(frozen=True)
class PlacedBreak:
    """A break as placed: start minute from the horizon's start, length, paid, meal."""

    start: int
    length: int
    paid: bool
    meal: bool

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Assignment:
    """One agent's shift on one day, with its breaks placed."""

    agent: str
    day: int
    date: dt.date
    shift: str
    start: int
    end: int
    breaks: tuple[PlacedBreak, ...]
    paid_minutes: int


@dataclass(frozen=True)
class Shortfall:
    """A run of consecutive intervals of one skill short of agents."""

    skill: str
    first_interval: int
    last_interval: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    most_agents_short: float
    agent_intervals_short: float
    # The most agents with the skill, not on leave, that some shift could put there.
    most_agents_available: int
    most_agents_required: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class BindingRule:
    """A rule family whose relaxation alone would lower the shortfall (or, for an
    infeasible problem, make a rota possible)."""

    family: RuleFamily
    label: str
    agent_intervals_saved: float


@dataclass(frozen=True)
class Explanation:
    """Why the requirement is not met, for the leader: the runs short, the rules that
    bind, and all of it as Chinese text (through gettext)."""

    shortfalls: tuple[Shortfall, ...]
    binding_rules: tuple[BindingRule, ...]
    text: str


@dataclass(frozen=True)
class RotaResult:
    """A solved rota. Coverage, short and over are per skill per interval, in agents
    (a break of part of an interval counts as that part of an agent)."""

    status: RotaStatus
    assignments: tuple[Assignment, ...]
    coverage: dict[str, tuple[float, ...]]
    short: dict[str, tuple[float, ...]]
    over: dict[str, tuple[float, ...]]
    short_total: float
    over_total: float
    preference_cost: int
    solve_seconds: float
    stage_statuses: tuple[str, ...] = ()
    explanation: Explanation | None = None
    # Variables and constraints of the main model, for the benchmark's report.
    model_size: dict[str, int] = field(default_factory=dict)
