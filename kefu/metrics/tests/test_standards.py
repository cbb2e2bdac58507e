from __future__ import annotations

import math
import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kefu.metrics.standards import (
    BY_CODE,
    STANDARDS,
    Group,
    Standard,
    Status,
    Target,
    Unit,
    status,
)

# The seed's 23, in its order; the computations use exactly these codes.
SEED_CODES = [
    "adherence",
    "acw_seconds",
    "avg_abandon_seconds",
    "cost_per_call",
    "aht_seconds",
    "avg_hold_seconds",
    "avg_rings",
    "avg_queue_seconds",
    "asa_seconds",
    "avg_talk_seconds",
    "calls_per_agent_hour",
    "monitoring_score",
    "occupancy",
    "abandon_rate",
    "attendance",
    "blocked_rate",
    "fcr",
    "queued_rate",
    "transfer_rate",
    "answered_rate",
    "service_level",
    "offered",
    "turnover",
]
OTHER_CODES = {
    "fcr_contacts",
    "complaints_per_10k",
    "escalated_complaints",
    "on_time_rate",
    "rework_rate",
    "reopen_rate",
    "callback_satisfaction",
    "service_level_answered",
    "answered",
    "abandoned",
    "short_abandoned",
    "exited",
}
# Worse status ranks higher.
RANK = {Status.GOOD: 0, Status.WATCH: 1, Status.OFF: 2}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts(standard: Standard) -> list[object]:
    return [standard.name, standard.definition, *standard.actions]


def test_codes_are_unique_and_the_ones_the_computations_use() -> None:
    codes = [s.code for s in STANDARDS]
    assert len(codes) == len(set(codes))
    assert codes[: len(SEED_CODES)] == SEED_CODES
    assert set(codes[len(SEED_CODES) :]) == OTHER_CODES
    assert list(BY_CODE) == codes
    assert all(BY_CODE[s.code] is s for s in STANDARDS)


def test_every_standard_is_described() -> None:
    for standard in STANDARDS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", standard.code)
        assert str(standard.name).strip()
        assert str(standard.definition).strip()
        assert isinstance(standard.unit, Unit)
        assert isinstance(standard.group, Group)


def _domain(unit: Unit) -> tuple[float, float]:
    if unit is Unit.RATE:
        return 0.0, 1.0
    if unit is Unit.SCORE:
        return 0.0, 100.0
    return 0.0, 1e9


def test_targets_lie_within_their_unit() -> None:
    for standard in STANDARDS:
        if standard.default_target is None:
            continue
        least, most = _domain(standard.unit)
        for bound in (standard.default_target.low, standard.default_target.high):
            assert bound is None or least <= bound <= most, standard.code


def test_every_standard_that_can_be_off_says_what_to_do() -> None:
    for standard in STANDARDS:
        least, most = _domain(standard.unit)
        can_be_off = any(
            status(value, standard.default_target) is Status.OFF for value in (least, most)
        )
        if can_be_off:
            assert standard.actions, standard.code


@pytest.mark.parametrize(
    ("code", "low", "high"),
    [
        ("adherence", 0.92, None),
        ("acw_seconds", 30, 60),
        ("avg_abandon_seconds", 20, 60),
        ("cost_per_call", 2, 5),
        ("aht_seconds", 180, 600),
        ("avg_hold_seconds", 20, 60),
        ("avg_queue_seconds", 30, 90),
        ("asa_seconds", None, 20),
        ("avg_talk_seconds", 270, 360),
        ("occupancy", 0.90, None),
        ("attendance", 0.95, None),
        ("fcr", 0.85, None),
        ("queued_rate", 0.10, 0.20),
        ("transfer_rate", None, 0.01),
        ("service_level", 0.80, None),
        ("turnover", 0.15, 0.30),
        # The seed's ranges whose lower figure it says is no floor (see standards.py).
        ("avg_rings", None, 4),
        ("abandon_rate", None, 0.05),
        ("blocked_rate", None, 0.03),
        ("fcr_contacts", 0.85, None),
    ],
)
def test_seed_targets(code: str, low: float | None, high: float | None) -> None:
    target = BY_CODE[code].default_target
    assert target is not None
    assert (target.low, target.high) == (low, high)


def test_the_seeds_plus_or_minus_fifteen_percent_on_handling_time() -> None:
    target = BY_CODE["aht_seconds"].default_target
    assert target is not None
    assert target.watch_margin == 0.15


def test_no_universal_target_where_the_seed_gives_none() -> None:
    for code in ("monitoring_score", "calls_per_agent_hour", "offered", "answered", "exited"):
        assert BY_CODE[code].default_target is None
        assert status(42, BY_CODE[code].default_target) is Status.UNJUDGED


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.95, Status.GOOD), (0.80, Status.GOOD), (0.75, Status.WATCH), (0.70, Status.OFF)],
)
def test_higher_is_better(value: float, expected: Status) -> None:
    # Service level 80 %, margin 10 % of the bound: WATCH down to 72 %.
    assert status(value, BY_CODE["service_level"].default_target) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, Status.GOOD),
        (20, Status.GOOD),
        (21.5, Status.WATCH),
        (22, Status.WATCH),
        (23, Status.OFF),
    ],
)
def test_lower_is_better(value: float, expected: Status) -> None:
    # ASA at most 20 s: WATCH up to 22 s.
    assert status(value, BY_CODE["asa_seconds"].default_target) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (60, Status.GOOD),
        (30, Status.GOOD),
        (90, Status.GOOD),
        (28, Status.WATCH),
        (20, Status.OFF),
        (95, Status.WATCH),
        (120, Status.OFF),
    ],
)
def test_range(value: float, expected: Status) -> None:
    # Queue time 30–90 s: WATCH from 27 s and up to 99 s.
    assert status(value, BY_CODE["avg_queue_seconds"].default_target) is expected


def test_no_value_is_not_available_and_no_target_is_unjudged() -> None:
    target = Target(low=0.8, high=None)
    assert status(None, target) is Status.NOT_AVAILABLE
    assert status(math.nan, target) is Status.NOT_AVAILABLE
    assert status(None, None) is Status.NOT_AVAILABLE
    assert status(0.5, None) is Status.UNJUDGED


@pytest.mark.parametrize(
    ("low", "high", "margin"),
    [(None, None, 0.1), (5, 1, 0.1), (1, 5, -0.1), (math.inf, None, 0.1), (1, None, math.nan)],
)
def test_a_target_must_make_sense(low: float | None, high: float | None, margin: float) -> None:
    with pytest.raises(ValueError):
        Target(low=low, high=high, watch_margin=margin)


_bound = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def targets(draw: st.DrawFn) -> Target:
    low = draw(st.none() | _bound)
    high = draw(st.none() | _bound)
    if low is None and high is None:
        low = draw(_bound)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Target(low=low, high=high, watch_margin=draw(st.floats(0, 2)))


_any_target = targets() | st.sampled_from(
    [s.default_target for s in STANDARDS if s.default_target is not None]
)
_step = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(_any_target, _bound)
def test_good_exactly_inside_the_range(target: Target, value: float) -> None:
    inside = (target.low is None or value >= target.low) and (
        target.high is None or value <= target.high
    )
    assert (status(value, target) is Status.GOOD) == inside
    assert status(value, target) in RANK


@given(_any_target, _bound, _step)
def test_moving_further_from_the_range_never_improves_the_status(
    target: Target, value: float, step: float
) -> None:
    here = RANK[status(value, target)]
    if target.high is not None and value >= target.high:
        assert RANK[status(value + step, target)] >= here
    if target.low is not None and value <= target.low:
        assert RANK[status(value - step, target)] >= here


def test_service_level_reads_in_chinese() -> None:
    standard = BY_CODE["service_level"]
    with translation.override("zh-hans"):
        assert str(standard.name) == "服务水平"
        assert standard.actions
        for action in standard.actions:
            assert CJK.search(str(action)), str(action)
    with translation.override("en"):
        assert str(standard.name) == "Service level"


def test_every_text_has_a_chinese_translation() -> None:
    missing = []
    for standard in STANDARDS:
        for text in _texts(standard):
            with translation.override("zh-hans"):
                if not CJK.search(str(text)):
                    missing.append(str(text))
    assert not missing
