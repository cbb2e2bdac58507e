"""What a rota is planned from: plain, immutable values a service builds from the models.

Times are whole minutes. A shift template's start is minutes after local midnight of the
day it belongs to (a night shift belongs to the day it starts); placed shifts and breaks
in a result are minutes after the horizon's first local midnight. The centre's time zone
turns those into wall-clock times (`Horizon.moment`); China keeps no daylight saving, so
a day is always 1,440 minutes.

The monthly rota (排班表) that each agent works by, with swaps and leave approved by the
leader: 002 第15篇 3.1.1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
DAYS_PER_WEEK = 7


class ShiftKind(StrEnum):
    """What the night rules look at: a night shift may follow a night shift, a morning
    shift may not follow a night shift on the next day."""

    MORNING = "morning"
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"


class RotaInputError(ValueError):
    """The problem itself is malformed (a programming error in the caller, not a rota
    that cannot be met)."""


@dataclass(frozen=True)
class Break:
    """A break the solver places inside its window: it may start from `earliest` to
    `latest` minutes after the shift's start. Unpaid breaks do not count as working time."""

    length: int
    earliest: int
    latest: int
    paid: bool = True
    meal: bool = False

    def __post_init__(self) -> None:
        if self.length <= 0 or self.earliest < 0 or self.latest < self.earliest:
            raise RotaInputError(f"bad break window {self}")


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift agents can be given: start (minutes after midnight), length in minutes,
    its kind, and its breaks in time order with windows that do not overlap (so any
    placement of one break leaves every placement of the others possible)."""

    code: str
    start: int
    length: int
    kind: ShiftKind = ShiftKind.DAY
    breaks: tuple[Break, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 < self.length <= 16 * 60:
            raise RotaInputError(f"shift {self.code}: start or length out of range")
        end_of_previous = 0
        for brk in self.breaks:
            if brk.earliest < end_of_previous or brk.latest + brk.length > self.length:
                raise RotaInputError(f"shift {self.code}: break windows overlap or overrun")
            end_of_previous = brk.latest + brk.length

    @property
    def end(self) -> int:
        """Minutes after the start day's midnight (past 1,440 for a shift that ends the
        next day)."""
        return self.start + self.length

    @property
    def paid_minutes(self) -> int:
        return self.length - sum(brk.length for brk in self.breaks if not brk.paid)


@dataclass(frozen=True)
class Contract:
    """An agent's hard rules. Weeks are the horizon's 7-day blocks from its first day; a
    shorter last block gets the weekly figures pro rata. An approved leave day counts
    towards the weekly minimum as an average working day (min ÷ working days a week)."""

    min_minutes_per_week: int = 0
    max_minutes_per_week: int = 40 * 60
    rest_days_per_week: int = 2
    max_consecutive_days: int = 6
    min_rest_minutes: int = 11 * 60
    max_consecutive_nights: int = 4
    # Nights come in runs: a run of nights, once started, lasts at least this many days
    # (cut short only by the horizon's end).
    min_consecutive_nights: int = 1
    no_morning_after_night: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.min_minutes_per_week <= self.max_minutes_per_week:
            raise RotaInputError("weekly minimum above maximum")
        if not 0 <= self.rest_days_per_week <= DAYS_PER_WEEK:
            raise RotaInputError("rest days per week out of range")
        if self.max_consecutive_days < 1 or self.max_consecutive_nights < 0:
            raise RotaInputError("consecutive limits out of range")
        if self.min_consecutive_nights < 1 or self.min_rest_minutes < 0:
            raise RotaInputError("night run or rest out of range")


@dataclass(frozen=True)
class History:
    """How the agent's last rota ended, so the rules hold across the horizon's start.
    `last_shift_end` is minutes relative to the horizon's start: negative, or positive
    for a night shift of the day before that runs into the first day (whose coverage
    belongs to the last rota, not to this one)."""

    days_worked_in_a_row: int = 0
    nights_in_a_row: int = 0
    last_shift_end: int | None = None
    last_shift_kind: ShiftKind | None = None


@dataclass(frozen=True)
class Agent:
    """An agent: the queues and expert seats (skills) they may take, their contract, the
    days of approved leave (no shift at all those days), and optionally the only shift
    templates they may work."""

    id: str
    skills: frozenset[str]
    contract: Contract = field(default_factory=Contract)
    leave: frozenset[dt.date] = frozenset()
    history: History = field(default_factory=History)
    shifts: frozenset[str] | None = None


@dataclass(frozen=True)
class Preference:
    """A wish the solver keeps when it costs no coverage. With `shift` None it is a day
    off on `day`; with a shift code it is that shift on `day`, or on every day worked
    when `day` is None. `weight` is the cost of each day it is not met."""

    agent: str
    weight: int
    day: dt.date | None = None
    shift: str | None = None

    def __post_init__(self) -> None:
        if self.weight <= 0 or (self.day is None and self.shift is None):
            raise RotaInputError(f"bad preference {self}")


@dataclass(frozen=True)
class Horizon:
    """The days planned (local dates in the centre's zone) and the interval length."""

    start: dt.date
    days: int
    interval_minutes: int = 30
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if self.days < 1 or self.interval_minutes not in (15, 30):
            raise RotaInputError("the horizon needs days and 15- or 30-minute intervals")

    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def intervals(self) -> int:
        return self.days * self.intervals_per_day

    @property
    def minutes(self) -> int:
        return self.days * MINUTES_PER_DAY

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def moment(self, minute: int) -> dt.datetime:
        """The wall-clock time `minute` minutes after the horizon's first midnight."""
        midnight = dt.datetime.combine(self.start, dt.time(), tzinfo=ZoneInfo(self.timezone))
        return midnight + dt.timedelta(minutes=minute)


@dataclass(frozen=True)
class RotaProblem:
    """Everything one solve needs. `requirements` maps a skill to the agents needed on
    the phones in each interval of the horizon; `skill_names` gives the words the
    explanation uses for a skill."""

    horizon: Horizon
    requirements: Mapping[str, Sequence[int]]
    templates: Sequence[ShiftTemplate]
    agents: Sequence[Agent]
    preferences: Sequence[Preference] = ()
    skill_names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for skill, curve in self.requirements.items():
            if len(curve) != self.horizon.intervals or min(curve, default=0) < 0:
                raise RotaInputError(f"requirement of {skill} does not fit the horizon")
        codes = [template.code for template in self.templates]
        if len(set(codes)) != len(codes) or not codes:
            raise RotaInputError("shift template codes must be present and unique")
        ids = [agent.id for agent in self.agents]
        if len(set(ids)) != len(ids):
            raise RotaInputError("agent ids must be unique")
        known = set(ids)
        for preference in self.preferences:
            if preference.agent not in known or (
                preference.shift is not None and preference.shift not in codes
            ):
                raise RotaInputError(f"preference for an unknown agent or shift {preference}")

    def skill_name(self, skill: str) -> str:
        return self.skill_names.get(skill, skill)

    def allowed(self, agent: Agent, day: int) -> list[int]:
        """Indexes of the templates `agent` may work on `day` (none on leave)."""
        if self.horizon.date(day) in agent.leave:
            return []
        return [
            index
            for index, template in enumerate(self.templates)
            if agent.shifts is None or template.code in agent.shifts
        ]


def weeks(days: int) -> list[range]:
    """The horizon's 7-day blocks from its first day."""
    return [range(first, min(days, first + DAYS_PER_WEEK)) for first in range(0, days, 7)]


def week_bounds(contract: Contract, length: int, leave_days: int) -> tuple[int, int, int]:
    """(least paid minutes, most paid minutes, most working days) for a block of
    `length` days holding `leave_days` days of approved leave."""
    most = -(-contract.max_minutes_per_week * length // DAYS_PER_WEEK)
    least = contract.min_minutes_per_week * length // DAYS_PER_WEEK
    working_days = DAYS_PER_WEEK - contract.rest_days_per_week
    if working_days > 0:
        least -= leave_days * contract.min_minutes_per_week // working_days
    rest = contract.rest_days_per_week * length // DAYS_PER_WEEK
    return max(0, least), most, length - rest
