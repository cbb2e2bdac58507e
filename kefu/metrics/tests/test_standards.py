from __future__ import annotations

import math
import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kefu.metrics.formatting import target_text
from kefu.metrics.standards import (
    BY_CODE,
    SEED_SECTIONS,
    STANDARDS,
    Direction,
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
    "aht_with_hold_seconds",
    "settled_rate",
    "repeat_contact_rate",
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
    extra = [text for text in (standard.formula, standard.target_note) if text is not None]
    return [standard.name, standard.definition, *standard.actions, *extra]


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
        ("acw_seconds", None, 60),
        ("avg_abandon_seconds", 20, 60),
        ("cost_per_call", None, 5),
        ("aht_seconds", 180, 600),
        ("avg_hold_seconds", None, 60),
        ("avg_queue_seconds", None, 90),
        ("asa_seconds", None, 20),
        ("avg_talk_seconds", 270, 360),
        ("occupancy", 0.90, None),
        ("attendance", 0.95, None),
        ("fcr", 0.85, None),
        ("queued_rate", None, 0.20),
        ("answered_rate", 0.98, None),
        ("transfer_rate", None, 0.01),
        ("service_level", 0.80, None),
        ("turnover", 0.15, 0.30),
        # The seed's ranges whose lower figure it says is no floor (see standards.py).
        ("avg_rings", None, 3),
        ("abandon_rate", None, 0.05),
        ("blocked_rate", None, 0.03),
    ],
)
def test_seed_targets(code: str, low: float | None, high: float | None) -> None:
    """The defaults of 002 第7篇's standards (rings: 002 第15篇)."""
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
        (300, Status.GOOD),
        (270, Status.GOOD),
        (360, Status.GOOD),
        (250, Status.WATCH),
        (200, Status.OFF),
        (390, Status.WATCH),
        (420, Status.OFF),
    ],
)
def test_range(value: float, expected: Status) -> None:
    # Talk time 270–360 s (002 第7篇): WATCH from 243 s and up to 396 s.
    assert status(value, BY_CODE["avg_talk_seconds"].default_target) is expected


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


# Targets have a direction, and every default says where it comes from ----------------


def test_less_queue_time_is_never_off_target_002_7() -> None:
    """002 第7篇 平均排队时间 gives "30-90秒"; an average of 10 s is good, not 未达标:
    less waiting is never worse for the caller, so only the 90 s ceiling is judged."""
    target = BY_CODE["avg_queue_seconds"].default_target
    assert target is not None and target.direction is Direction.LOWER
    assert status(10, target) is Status.GOOD
    assert status(0, target) is Status.GOOD
    assert status(120, target) is Status.OFF
    for code in ("avg_hold_seconds", "queued_rate", "asa_seconds", "abandon_rate"):
        assert BY_CODE[code].default_target.direction is Direction.LOWER, code  # type: ignore[union-attr]


def test_each_target_says_which_way_is_good() -> None:
    assert Target(low=0.8, high=None).direction is Direction.HIGHER
    assert Target(low=None, high=20).direction is Direction.LOWER
    assert Target(low=270, high=360).direction is Direction.RANGE
    with translation.override("zh-hans"):
        assert (
            target_text(BY_CODE["service_level"].default_target, Unit.RATE) == "≥ 80.0% · 越高越好"
        )
        assert "越低越好" in target_text(BY_CODE["avg_queue_seconds"].default_target, Unit.SECONDS)
        assert "区间内为好" in target_text(BY_CODE["avg_talk_seconds"].default_target, Unit.SECONDS)


def test_rings_follow_the_duty_rules_002_15() -> None:
    """002 第15篇 3.3.3: "值班人员应电话铃响3声内接听电话"."""
    standard = BY_CODE["avg_rings"]
    assert standard.default_target == Target(low=None, high=3)
    assert standard.target_seed == "002 第15篇"
    assert "3声内" in standard.target_basis


def test_the_answered_rate_follows_the_seed_002_7() -> None:
    """002 第7篇 已复电话百分比: "此一规范最常见的百分比是98%"."""
    standard = BY_CODE["answered_rate"]
    assert standard.default_target == Target(low=0.98, high=None)
    assert "98%" in standard.target_basis


def test_every_default_target_says_where_it_comes_from() -> None:
    """A default follows the seed's words (quoted, with the section) or says it is kefu's."""
    for standard in STANDARDS:
        if standard.default_target is None:
            continue
        assert standard.target_basis or standard.target_note is not None, standard.code
        if standard.target_basis:
            assert (standard.target_seed or standard.seed) in SEED_SECTIONS, standard.code
        else:
            assert str(standard.target_note) == str(BY_CODE["on_time_rate"].target_note)


def test_the_seed_standards_name_their_section_002_7() -> None:
    for code in SEED_CODES:
        assert BY_CODE[code].seed == "002 第7篇", code
        assert BY_CODE[code].seed_term, code


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_definition_one_name(language: str) -> None:
    """No two indicators share a name or a definition, in either language: 一次解决率 is one
    figure, and the settled-on-contact and repeat-contact shares are named apart from it."""
    with translation.override(language):
        names = [str(s.name) for s in STANDARDS]
        definitions = [str(s.definition) for s in STANDARDS]
        assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
        assert len(definitions) == len(set(definitions))
    with translation.override("zh-hans"):
        assert str(BY_CODE["fcr"].name) == "一次解决率"
        assert "一次性解决问题的呼叫率" not in names
