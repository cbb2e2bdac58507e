"""Time limits of work-order stages: which policy applies and when each stage is due.

Pure (no ORM): the service layer loads policies and calendars, asks this module for
deadlines and statuses, and stores the answers. All working-time arithmetic is
delegated to kefu.core.workcal, so suspensions, official holidays and make-up working
days are handled in one place.

Comparing a warning with its limit without a calendar
    ``validate_policy`` only sees ISO strings, and how long a working day is depends on
    the calendar (7.5 h on office hours, 24 h on 24x7). So warning and limit are compared
    as (working days, working time) pairs, days first, then time: "PT1H30M" before
    "PT2H", "P1DT2H" before "P2D", "PT20H" before "P1D". The last one is not really
    earlier on office hours; ``stage_deadline`` therefore also caps warn_at at due_at, so
    a warning can never fall after its deadline whatever the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from kefu.core.workcal import (
    WorkingCalendar,
    add_duration,
    parse_iso_duration,
    working_time_between,
)

__all__ = [
    "EXPERT_SEAT_STAGES",
    "KINDS",
    "STAGES",
    "STATUSES",
    "TIERS",
    "URGENCIES",
    "Policy",
    "StageClock",
    "StageLimit",
    "on_time",
    "select_policy",
    "stage_clock",
    "stage_deadline",
    "status_at",
    "time_used",
    "validate_policy",
]

# review: accepted -> dispatched or taken into handling in the centre; take: dispatched ->
# taken; return: handling -> result returned; verify: returned -> verified; reply:
# verified -> customer told; callback: replied -> closed by the callback; overall:
# created -> closed; answer: created (or reopened) -> the customer has the answer (the
# reply, or the expert seat's answer), the promise a complaint is given (002 第17篇 20:
# "2小时之内（简单投诉）/24小时之内（复杂投诉）给您明确的答复"), whatever the stages on the
# way took and however long the callback after it takes.
STAGES = ("review", "take", "return", "verify", "reply", "callback", "overall", "answer")
# The stages an expert seat (专席) owns when an order is transferred to it: taking the
# transfer and answering. An expert-seat policy sets only these; the order's own policy
# keeps the customer's overall promise and every other stage.
EXPERT_SEAT_STAGES = ("take", "return")
KINDS = (
    "consultation",
    "query",
    "business",
    "complaint",
    "suggestion",
    "fault",
    "praise",
    "help",
)
TIERS = ("special", "vip", "high_value", "general")
URGENCIES = ("normal", "urgent", "very_urgent")
STATUSES = ("ok", "warning", "overdue")

Suspensions = Iterable[tuple[datetime, datetime]]


@dataclass(frozen=True)
class StageLimit:
    """A stage's limit and the point at which people are warned, both ISO 8601 durations."""

    limit: str
    warning: str


@dataclass(frozen=True)
class Policy:
    """Time limits for the work orders matching every non-None criterion."""

    key: str
    kind: str | None = None
    category: str | None = None
    tier: str | None = None
    urgency: str | None = None
    calendar: str = "workhours"
    # Defaulted only because dataclass fields after a default need one; hash=False keeps
    # the frozen policy hashable although a mapping is not.
    limits: Mapping[str, StageLimit] = field(default_factory=dict, hash=False)
    callback_required: bool = True
    # Applies to the expert-seat stages while an expert seat holds the order, and never
    # as an order's own policy.
    expert_seat: bool = False

    def __post_init__(self) -> None:
        # A read-only copy, so editing the caller's dict later cannot change a policy that
        # was validated already. Non-mappings are left for validate_policy to report.
        if isinstance(self.limits, Mapping):
            object.__setattr__(self, "limits", MappingProxyType(dict(self.limits)))


@dataclass(frozen=True)
class StageClock:
    """When a stage started, when people are warned, and when it is due."""

    stage: str
    started_at: datetime
    warn_at: datetime
    due_at: datetime


# ------------------------------------------------------------------------ validation


def _parse(text: object, what: str) -> tuple[int, timedelta]:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be an ISO 8601 duration string, got {text!r}")
    try:
        return parse_iso_duration(text)
    except ValueError as error:
        raise ValueError(f"{what}: {error}") from error


def _check_choice(value: object, allowed: tuple[str, ...], what: str, key: str) -> None:
    if value is not None and value not in allowed:
        raise ValueError(
            f"policy {key!r}: unknown {what} {value!r}; expected one of {', '.join(allowed)}"
            " or None for any"
        )


def validate_policy(policy: Policy) -> None:
    """Raise ValueError describing the first problem found in ``policy``.

    A warning equal to its limit is accepted (it simply never shows, since a stage at its
    deadline is overdue); a zero limit is not, as it would make every order overdue on
    arrival. A callback limit on a policy without callbacks is rejected as contradictory.
    """
    key = policy.key
    if not isinstance(key, str) or not key.strip():
        raise ValueError(f"a policy needs a non-empty key, got {key!r}")
    _check_choice(policy.kind, KINDS, "kind", key)
    _check_choice(policy.tier, TIERS, "tier", key)
    _check_choice(policy.urgency, URGENCIES, "urgency", key)
    if policy.category is not None and (
        not isinstance(policy.category, str) or not policy.category.strip()
    ):
        raise ValueError(
            f"policy {key!r}: category must be a non-empty code or None, got {policy.category!r}"
        )
    if not isinstance(policy.calendar, str) or not policy.calendar.strip():
        raise ValueError(
            f"policy {key!r}: calendar must be a calendar name, got {policy.calendar!r}"
        )
    if not isinstance(policy.limits, Mapping):
        raise ValueError(
            f"policy {key!r}: limits must be a mapping of stage to StageLimit,"
            f" got {type(policy.limits).__name__}"
        )
    for stage, stage_limit in policy.limits.items():
        if stage not in STAGES:
            raise ValueError(
                f"policy {key!r}: unknown stage {stage!r}; expected one of {', '.join(STAGES)}"
            )
        if not isinstance(stage_limit, StageLimit):
            raise ValueError(
                f"policy {key!r}, stage {stage!r}: expected a StageLimit, got {stage_limit!r}"
            )
        where = f"policy {key!r}, stage {stage!r}"
        limit = _parse(stage_limit.limit, f"{where}: limit")
        warning = _parse(stage_limit.warning, f"{where}: warning")
        if limit == (0, timedelta(0)):
            raise ValueError(f"{where}: limit {stage_limit.limit!r} is zero")
        # Days first, then time: see the module docstring for why this is the rule.
        if warning > limit:
            raise ValueError(
                f"{where}: warning {stage_limit.warning!r} comes after the limit"
                f" {stage_limit.limit!r} (compared as working days first, then working time)"
            )
    if not policy.callback_required and "callback" in policy.limits:
        raise ValueError(f"policy {key!r}: has a callback limit but callback_required is False")
    if policy.expert_seat:
        others = sorted(set(policy.limits) - set(EXPERT_SEAT_STAGES))
        if others or not policy.limits:
            raise ValueError(
                f"policy {key!r}: an expert-seat policy sets limits for"
                f" {' and '.join(EXPERT_SEAT_STAGES)} only, got {', '.join(others) or 'none'}"
            )


# ------------------------------------------------------------------------- selection


def _rank(
    policy: Policy,
    kind: str | None,
    category_path: Sequence[str],
    tier: str | None,
    urgency: str | None,
) -> tuple[int, int, bool, bool, bool] | None:
    """Larger is more specific; None when the policy does not match."""
    if policy.kind is not None and policy.kind != kind:
        return None
    if policy.tier is not None and policy.tier != tier:
        return None
    if policy.urgency is not None and policy.urgency != urgency:
        return None
    nearness = 0
    if policy.category is not None:
        if policy.category not in category_path:
            return None
        # The ticket's own code scores len(path), its parent one less, ...; 0 is left for
        # policies without a category, which the precedence rule would rank lower anyway.
        nearness = len(category_path) - list(category_path).index(policy.category)
    has = (
        policy.category is not None,
        policy.kind is not None,
        policy.tier is not None,
        policy.urgency is not None,
    )
    return sum(has), nearness, has[1], has[2], has[3]


def select_policy(
    policies: Iterable[Policy],
    *,
    kind: str | None,
    category_path: Sequence[str],
    tier: str | None,
    urgency: str | None,
    expert_seat: bool = False,
) -> Policy | None:
    """The most specific policy matching the order, or None when none matches.

    Only expert-seat policies are candidates with ``expert_seat``, and only the others
    without it. Order of comparison: number of constrained fields; nearness of the
    category in ``category_path`` (the order's own code first, then its ancestors);
    precedence of the constrained fields, category > kind > tier > urgency; finally the
    smallest ``key``, so the result never depends on the order the policies were loaded in.
    """
    if isinstance(category_path, str):
        # A bare code would be searched character by character; fail loudly instead.
        raise TypeError("category_path must be a sequence of codes, not a single string")
    matches: list[tuple[tuple[int, ...], str, Policy]] = []
    for policy in policies:
        if policy.expert_seat != expert_seat:
            continue
        rank = _rank(policy, kind, category_path, tier, urgency)
        if rank is not None:
            # Negated so that min() picks the most specific, then the smallest key.
            matches.append((tuple(-int(r) for r in rank), policy.key, policy))
    if not matches:
        return None
    return min(matches, key=lambda m: (m[0], m[1]))[2]


# ------------------------------------------------------------------------- deadlines


def stage_deadline(
    calendar: WorkingCalendar,
    started_at: datetime,
    limit: StageLimit,
    suspensions: Suspensions = (),
) -> tuple[datetime, datetime]:
    """(warn_at, due_at) of a stage that started at ``started_at``.

    Both are counted from the stage start with the same suspensions, so suspending the
    order moves both by exactly the suspended working time. warn_at is capped at due_at
    because the policy-level comparison cannot know the calendar's day length.
    """
    # Materialise once: the caller may pass a generator, and it is read twice.
    stops = list(suspensions)
    due_at = add_duration(calendar, started_at, limit.limit, stops)
    warn_at = add_duration(calendar, started_at, limit.warning, stops)
    return min(warn_at, due_at), due_at


def status_at(now: datetime, warn_at: datetime, due_at: datetime) -> str:
    """Return "overdue" from due_at on, "warning" from warn_at on, else "ok"."""
    if now >= due_at:
        return "overdue"
    if now >= warn_at:
        return "warning"
    return "ok"


def stage_clock(
    calendar: WorkingCalendar,
    stage: str,
    started_at: datetime,
    policy: Policy,
    suspensions: Suspensions = (),
) -> StageClock | None:
    """The stage's clock under ``policy``, or None when the policy sets no limit for it.

    ``calendar`` must be the one the policy names: counting a 24x7 limit on office hours
    (or the reverse) silently gives deadlines days off, so a mismatch raises ValueError.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    if calendar.name != policy.calendar:
        raise ValueError(
            f"policy {policy.key!r} counts on calendar {policy.calendar!r},"
            f" but calendar {calendar.name!r} was given"
        )
    limit = policy.limits.get(stage)
    if limit is None:
        return None
    warn_at, due_at = stage_deadline(calendar, started_at, limit, suspensions)
    return StageClock(stage=stage, started_at=started_at, warn_at=warn_at, due_at=due_at)


def time_used(
    calendar: WorkingCalendar,
    started_at: datetime,
    ended_at: datetime,
    suspensions: Suspensions = (),
) -> timedelta:
    """Working time spent in a stage, suspended time excluded."""
    return working_time_between(calendar, started_at, ended_at, suspensions)


def on_time(ended_at: datetime, due_at: datetime) -> bool:
    """Whether a stage ending at ``ended_at`` kept its deadline.

    Ending exactly at due_at counts as on time: due_at is the first instant by which the
    whole limit has been used, not an instant beyond it.
    """
    return ended_at <= due_at
