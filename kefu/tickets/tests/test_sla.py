"""Tests for kefu.tickets.sla: policy choice and stage deadlines, no database."""

from __future__ import annotations

import random
from dataclasses import FrozenInstanceError, replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.core.workcal import (
    SHANGHAI,
    WorkingCalendar,
    add_duration,
    parse_iso_duration,
    working_time_between,
)
from kefu.tickets.sla import (
    STAGES,
    Policy,
    StageClock,
    StageLimit,
    on_time,
    select_policy,
    stage_clock,
    stage_deadline,
    status_at,
    time_used,
    validate_policy,
)

WH = WorkingCalendar.working_hours()  # "workhours": 08:30-12:00, 13:30-17:30, official days
ALWAYS = WorkingCalendar.always()  # "24x7"
H = timedelta(hours=1)
M = timedelta(minutes=1)


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def lim(limit: str, warning: str) -> StageLimit:
    return StageLimit(limit=limit, warning=warning)


# Policies modelled on the seeds. "Within 24 hours" for a complex complaint is a promise
# in clock hours, so it is written "PT24H" on the 24x7 calendar ("P1D" there is the
# same instant, see test_complex_complaint_has_24_clock_hours); "P1D" on office hours
# would stretch to nine days over National Day. Simple vs complex and the expert-seat
# transfer are told apart by call-reason category, the only selector that fits them.
GENERAL = Policy(
    key="general",
    limits={
        "review": lim("PT2H", "PT1H30M"),
        "take": lim("PT4H", "PT3H"),
        "return": lim("P3D", "P2D"),
        "verify": lim("PT4H", "PT3H"),
        "reply": lim("P1D", "PT4H"),
        "callback": lim("P2D", "P1D"),
        "overall": lim("P5D", "P4D"),
    },
)
COMPLAINT = Policy(key="complaint", kind="complaint", limits={"reply": lim("PT2H", "PT1H30M")})
COMPLAINT_VIP = Policy(
    key="complaint-vip", kind="complaint", tier="vip", limits={"reply": lim("PT1H", "PT45M")}
)
COMPLAINT_COMPLEX = Policy(
    key="complaint-complex",
    kind="complaint",
    category="complex_complaint",
    calendar="24x7",
    limits={"reply": lim("PT24H", "PT20H")},
)
EXPERT = Policy(
    key="expert-seat",
    calendar="24x7",
    limits={"take": lim("PT10M", "PT8M"), "return": lim("PT10M", "PT8M")},
    expert_seat=True,
)
FAULT = Policy(
    key="fault",
    kind="fault",
    calendar="24x7",
    limits={"review": lim("PT10M", "PT5M"), "return": lim("PT2H", "PT1H30M")},
)
FAULT_REPAIR = Policy(
    key="fault-repair",
    category="fault_repair",
    calendar="24x7",
    limits={"take": lim("PT5M", "PT3M")},
)
OUTAGE_AREA = Policy(
    key="outage-area",
    category="power_outage_area",
    calendar="24x7",
    limits={"take": lim("PT3M", "PT2M")},
)
FAULT_IN_REPAIR = Policy(
    key="fault-in-repair",
    kind="fault",
    category="fault_repair",
    calendar="24x7",
    limits={"return": lim("PT1H", "PT45M")},
)
SEEDS = [
    GENERAL,
    COMPLAINT,
    COMPLAINT_VIP,
    COMPLAINT_COMPLEX,
    EXPERT,
    FAULT,
    FAULT_REPAIR,
    OUTAGE_AREA,
]


def pick(
    policies: list[Policy],
    kind: str | None = None,
    category_path: tuple[str, ...] = (),
    tier: str | None = None,
    urgency: str | None = None,
) -> str | None:
    chosen = select_policy(
        policies, kind=kind, category_path=category_path, tier=tier, urgency=urgency
    )
    return None if chosen is None else chosen.key


# ------------------------------------------------------------------------- selection


def test_general_policy_is_the_fallback() -> None:
    assert pick(SEEDS, kind="consultation", tier="general", urgency="normal") == "general"
    assert pick(SEEDS) == "general"


def test_kind_specific_beats_general() -> None:
    assert pick(SEEDS, kind="complaint", tier="general", urgency="normal") == "complaint"


def test_kind_and_tier_beats_kind_and_vip_is_shorter() -> None:
    vip = select_policy(SEEDS, kind="complaint", category_path=(), tier="vip", urgency="normal")
    assert vip is COMPLAINT_VIP
    vip_reply = parse_iso_duration(vip.limits["reply"].limit)
    normal_reply = parse_iso_duration(COMPLAINT.limits["reply"].limit)
    assert vip_reply < normal_reply


def test_order_without_tier_does_not_match_tier_policies() -> None:
    assert pick(SEEDS, kind="complaint", tier=None) == "complaint"


def test_category_matches_through_an_ancestor() -> None:
    # Category (1 field) and kind (1 field) tie on count; a category match ranks higher.
    path = ("transformer_fault", "fault_repair")
    assert pick(SEEDS, kind="fault", category_path=path) == "fault-repair"


def test_nearer_category_beats_farther_one() -> None:
    path = ("power_outage_area", "fault_repair")
    assert pick(SEEDS, kind="fault", category_path=path) == "outage-area"
    assert pick([FAULT_REPAIR, OUTAGE_AREA], category_path=("x", *path)) == "outage-area"


def test_more_matching_fields_beat_a_nearer_category() -> None:
    path = ("power_outage_area", "fault_repair")
    assert pick([*SEEDS, FAULT_IN_REPAIR], kind="fault", category_path=path) == "fault-in-repair"


def test_category_not_in_path_does_not_match() -> None:
    assert pick(SEEDS, kind="fault", category_path=("meter_reading",)) == "fault"
    assert pick(SEEDS, kind="fault", category_path=()) == "fault"


@pytest.mark.parametrize(
    ("a", "b", "winner"),
    [
        # Field precedence category > kind > tier > urgency decides among equal counts.
        (Policy(key="z", kind="complaint"), Policy(key="a", tier="vip"), "z"),
        (Policy(key="z", tier="vip"), Policy(key="a", urgency="urgent"), "z"),
        (
            Policy(key="z", kind="complaint", urgency="urgent"),
            Policy(key="a", tier="vip", urgency="urgent"),
            "z",
        ),
        (
            Policy(key="z", kind="complaint", tier="vip"),
            Policy(key="a", kind="complaint", urgency="urgent"),
            "z",
        ),
        (Policy(key="z", category="c"), Policy(key="a", kind="complaint"), "z"),
        # Identical criteria: the smallest key, whatever the order given.
        (Policy(key="b", kind="complaint"), Policy(key="a", kind="complaint"), "a"),
    ],
)
def test_ties(a: Policy, b: Policy, winner: str) -> None:
    kw = {"kind": "complaint", "category_path": ("c",), "tier": "vip", "urgency": "urgent"}
    assert select_policy([a, b], **kw).key == winner  # type: ignore[arg-type, union-attr]
    assert select_policy([b, a], **kw).key == winner  # type: ignore[arg-type, union-attr]


def test_selection_does_not_depend_on_input_order() -> None:
    policies = [*SEEDS, FAULT_IN_REPAIR]
    orders = [("fault", ("power_outage_area", "fault_repair")), ("complaint", ())]
    rng = random.Random(7)
    for kind, path in orders:
        expected = pick(policies, kind=kind, category_path=path, tier="vip")
        for _ in range(20):
            shuffled = policies[:]
            rng.shuffle(shuffled)
            assert pick(shuffled, kind=kind, category_path=path, tier="vip") == expected


def test_no_match_returns_none() -> None:
    assert pick([]) is None
    assert pick([COMPLAINT, FAULT], kind="praise") is None
    assert pick([COMPLAINT_VIP], kind="complaint", tier="general") is None
    assert (
        select_policy(iter([COMPLAINT]), kind="praise", category_path=(), tier=None, urgency=None)
        is None
    )


def test_category_path_must_not_be_a_bare_string() -> None:
    with pytest.raises(TypeError, match="sequence of codes"):
        select_policy(SEEDS, kind=None, category_path="fault_repair", tier=None, urgency=None)


# ------------------------------------------------------------------ seeds' examples


def test_simple_complaint_is_answered_within_two_working_hours() -> None:
    policy = select_policy(
        SEEDS, kind="complaint", category_path=("billing",), tier="general", urgency="normal"
    )
    assert policy is COMPLAINT
    clock = stage_clock(WH, "reply", at(2025, 3, 3, 16), policy)
    # 16:00-17:30 is 1.5 h: the warning falls at the end of the day (not the next
    # morning), the remaining half hour runs from 08:30.
    assert clock == StageClock(
        "reply", at(2025, 3, 3, 16), at(2025, 3, 3, 17, 30), at(2025, 3, 4, 9)
    )


def test_complex_complaint_has_24_clock_hours() -> None:
    path = ("complex_complaint", "complaint_root")
    policy = select_policy(
        SEEDS, kind="complaint", category_path=path, tier="vip", urgency="normal"
    )
    # Two matching fields (kind + category) beat kind + tier: the VIP shortcut does not
    # shorten a complex complaint's 24 hours.
    assert policy is COMPLAINT_COMPLEX
    clock = stage_clock(ALWAYS, "reply", at(2025, 9, 30, 16), policy)
    assert clock is not None
    assert clock.due_at == at(2025, 10, 1, 16)  # National Day does not stop a 24x7 clock
    assert clock.warn_at == at(2025, 10, 1, 12)
    # On 24x7 one working day is exactly 24 hours, so "P1D" would say the same.
    assert add_duration(ALWAYS, at(2025, 9, 30, 16), "P1D") == clock.due_at


def test_expert_seat_transfer_taken_and_replied_within_ten_minutes() -> None:
    policy = select_policy(
        SEEDS,
        kind="consultation",
        category_path=(),
        tier="general",
        urgency="urgent",
        expert_seat=True,
    )
    assert policy is EXPERT
    take = stage_clock(ALWAYS, "take", at(2025, 10, 1, 23, 55), policy)
    answer = stage_clock(ALWAYS, "return", at(2025, 10, 2, 0, 3), policy)
    assert take is not None
    assert answer is not None
    assert (take.warn_at, take.due_at) == (at(2025, 10, 2, 0, 3), at(2025, 10, 2, 0, 5))
    assert answer.due_at == at(2025, 10, 2, 0, 13)


def test_expert_seat_policies_never_become_an_orders_own() -> None:
    assert pick([EXPERT]) is None
    assert pick(SEEDS, kind="consultation") == "general"
    assert (
        select_policy(
            [GENERAL], kind=None, category_path=(), tier=None, urgency=None, expert_seat=True
        )
        is None
    )


@pytest.mark.parametrize(
    "limits",
    [{}, {"take": lim("PT10M", "PT8M"), "verify": lim("PT1H", "PT45M")}],
)
def test_an_expert_seat_policy_sets_only_the_seats_stages(limits: dict[str, StageLimit]) -> None:
    with pytest.raises(ValueError, match="expert-seat policy"):
        validate_policy(replace(EXPERT, limits=limits))


def test_fault_report_on_24x7_crosses_midnight() -> None:
    policy = select_policy(SEEDS, kind="fault", category_path=(), tier="general", urgency="urgent")
    assert policy is FAULT
    assert policy.calendar == ALWAYS.name
    clock = stage_clock(ALWAYS, "return", at(2025, 10, 1, 23, 30), policy)
    assert clock is not None
    assert clock.due_at == at(2025, 10, 2, 1, 30)
    assert clock.warn_at == at(2025, 10, 2, 1, 0)


def test_seed_policies_are_valid() -> None:
    for policy in [*SEEDS, FAULT_IN_REPAIR]:
        validate_policy(policy)


# ------------------------------------------------------------------------- deadlines


def test_complaint_before_national_day_is_due_after_the_holiday() -> None:
    # 16:00-17:30 on 09-30 is 1.5 h; 10-01..10-08 are off; 2.5 h more from 08:30 on 10-09.
    warn_at, due_at = stage_deadline(WH, at(2025, 9, 30, 16), lim("PT4H", "PT3H"))
    assert due_at == at(2025, 10, 9, 11)
    assert warn_at == at(2025, 10, 9, 10)
    # 10:30 is where a 3.5-hour limit ends, not a 4-hour one.
    assert stage_deadline(WH, at(2025, 9, 30, 16), lim("PT3H30M", "PT3H"))[1] == at(
        2025, 10, 9, 10, 30
    )


def test_fault_on_24x7_at_2330_with_two_hours() -> None:
    assert stage_deadline(ALWAYS, at(2025, 3, 3, 23, 30), lim("PT2H", "PT1H"))[1] == at(
        2025, 3, 4, 1, 30
    )


@pytest.mark.parametrize(
    "suspension",
    [
        (at(2025, 3, 3, 10), at(2025, 3, 3, 11)),  # one hour inside working time
        (at(2025, 3, 3, 17), at(2025, 3, 4, 9)),  # 17:00-17:30 + 08:30-09:00 across a night
        (at(2025, 3, 3, 11, 30), at(2025, 3, 3, 14)),  # 11:30-12:00 + 13:30-14:00 across lunch
    ],
)
# Both instants lie after every suspension, so each must move by the full hour.
@pytest.mark.parametrize("limit", [lim("PT12H", "PT10H"), lim("P2D", "P1DT2H")])
def test_one_working_hour_suspended_moves_both_by_one_working_hour(
    suspension: tuple[datetime, datetime], limit: StageLimit
) -> None:
    start = at(2025, 3, 3, 9)
    assert working_time_between(WH, *suspension) == H
    plain_warn, plain_due = stage_deadline(WH, start, limit)
    warn_at, due_at = stage_deadline(WH, start, limit, [suspension])
    assert working_time_between(WH, plain_warn, warn_at) == H
    assert working_time_between(WH, plain_due, due_at) == H


def test_suspension_example_instants() -> None:
    start = at(2025, 3, 3, 9)
    susp = [(at(2025, 3, 3, 10), at(2025, 3, 3, 11))]
    assert stage_deadline(WH, start, lim("PT4H", "PT3H")) == (
        at(2025, 3, 3, 12),
        at(2025, 3, 3, 14, 30),
    )
    assert stage_deadline(WH, start, lim("PT4H", "PT3H"), susp) == (
        at(2025, 3, 3, 14, 30),
        at(2025, 3, 3, 15, 30),
    )
    # A generator of suspensions is read once for both instants, not exhausted by the first.
    gen = (s for s in susp)
    assert stage_deadline(WH, start, lim("PT4H", "PT3H"), gen)[0] == at(2025, 3, 3, 14, 30)


def test_suspension_after_the_deadline_changes_nothing() -> None:
    start = at(2025, 3, 3, 9)
    late = [(at(2025, 3, 5, 9), at(2025, 3, 5, 10))]
    assert stage_deadline(WH, start, lim("PT4H", "PT3H"), late) == stage_deadline(
        WH, start, lim("PT4H", "PT3H")
    )


def test_warning_is_capped_at_the_deadline() -> None:
    # "PT20H" passes validation against "P1D" (days compared first) although 20 office
    # hours are longer than one working day; the deadline code keeps the order right.
    warn_at, due_at = stage_deadline(WH, at(2025, 3, 3, 9), lim("P1D", "PT20H"))
    assert due_at == at(2025, 3, 4, 9)
    assert warn_at == due_at


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        stage_deadline(WH, datetime(2025, 3, 3, 9), lim("PT1H", "PT30M"))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2025, 3, 3, 11, 59), "ok"),
        (at(2025, 3, 3, 12), "warning"),
        (at(2025, 3, 3, 14, 29), "warning"),
        (at(2025, 3, 3, 14, 30), "overdue"),
        (at(2025, 3, 9), "overdue"),
    ],
)
def test_status_at_boundaries(now: datetime, expected: str) -> None:
    assert status_at(now, at(2025, 3, 3, 12), at(2025, 3, 3, 14, 30)) == expected


def test_status_when_warning_equals_deadline() -> None:
    assert status_at(at(2025, 3, 3, 12), at(2025, 3, 3, 12), at(2025, 3, 3, 12)) == "overdue"
    assert status_at(at(2025, 3, 3, 11), at(2025, 3, 3, 12), at(2025, 3, 3, 12)) == "ok"


def test_stage_clock_without_a_limit_is_none() -> None:
    assert stage_clock(WH, "callback", at(2025, 3, 3, 9), COMPLAINT) is None


def test_stage_clock_rejects_unknown_stage_and_wrong_calendar() -> None:
    with pytest.raises(ValueError, match="unknown stage 'closing'"):
        stage_clock(WH, "closing", at(2025, 3, 3, 9), GENERAL)
    with pytest.raises(ValueError, match="calendar '24x7'"):
        stage_clock(WH, "return", at(2025, 3, 3, 9), FAULT)


def test_stage_clock_for_every_general_stage() -> None:
    start = at(2025, 3, 3, 9)
    for stage in STAGES:
        clock = stage_clock(WH, stage, start, GENERAL)
        if stage == "answer":  # a promise of an answer is the complaints' (002 第17篇)
            assert clock is None
            continue
        assert clock is not None
        assert clock.stage == stage
        assert clock.started_at == start
        assert start < clock.warn_at <= clock.due_at


def test_time_used_and_on_time() -> None:
    start = at(2025, 9, 30, 16)
    end = at(2025, 10, 9, 9)
    assert time_used(WH, start, end) == 2 * H
    assert time_used(WH, start, end, [(at(2025, 10, 9, 8), at(2025, 10, 9, 8, 45))]) == 105 * M
    assert time_used(WH, end, start) == timedelta(0)
    due = at(2025, 10, 9, 11)
    assert on_time(at(2025, 10, 9, 10, 59), due)
    assert on_time(due, due)  # the whole limit used, not more
    assert not on_time(due + timedelta(microseconds=1), due)


# ------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"limits": {"closing": lim("PT1H", "PT30M")}}, "unknown stage 'closing'"),
        ({"limits": {"reply": lim("2 hours", "PT30M")}}, r"stage 'reply': limit: invalid"),
        ({"limits": {"reply": lim("PT2H", "P1M")}}, r"warning: invalid .*months"),
        ({"limits": {"reply": lim("PT2H", "PT3H")}}, "warning 'PT3H' comes after the limit"),
        ({"limits": {"reply": lim("P1D", "P1DT1H")}}, "comes after the limit"),
        ({"limits": {"reply": lim("P1DT4H", "P2D")}}, "comes after the limit"),
        ({"limits": {"reply": lim("PT0S", "PT0S")}}, "is zero"),
        ({"limits": {"reply": ("PT2H", "PT1H")}}, "expected a StageLimit"),
        ({"limits": [("reply", lim("PT2H", "PT1H"))]}, "limits must be a mapping"),
        ({"kind": "complain"}, "unknown kind 'complain'"),
        ({"tier": "VIP"}, "unknown tier 'VIP'"),
        ({"urgency": "high"}, "unknown urgency 'high'"),
        ({"category": ""}, "category must be a non-empty code"),
        ({"key": " "}, "non-empty key"),
        ({"calendar": ""}, "calendar must be a calendar name"),
        (
            {"callback_required": False, "limits": {"callback": lim("P1D", "PT4H")}},
            "callback_required is False",
        ),
    ],
)
def test_validate_policy_errors(changes: dict[str, object], message: str) -> None:
    policy = replace(Policy(key="p", kind="complaint"), **changes)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        validate_policy(policy)


@pytest.mark.parametrize(
    ("limit", "warning"),
    [
        ("PT2H", "PT2H"),  # equal: allowed, it just never shows
        ("PT2H", "PT0S"),
        ("P1D", "PT20H"),  # fewer days: earlier by the rule, whatever the time part
        ("P2D", "P1DT23H"),
        ("P1DT4H", "P1DT2H"),
    ],
)
def test_validate_policy_accepts(limit: str, warning: str) -> None:
    validate_policy(Policy(key="p", limits={"reply": lim(limit, warning)}))


def test_policy_is_frozen_with_a_private_copy_of_limits() -> None:
    limits = {"reply": lim("PT2H", "PT1H")}
    policy = Policy(key="p", limits=limits)
    limits["take"] = lim("PT1H", "PT30M")
    assert "take" not in policy.limits
    assert hash(policy) == hash(Policy(key="p", limits={"reply": lim("PT2H", "PT1H")}))
    assert policy == Policy(key="p", limits={"reply": lim("PT2H", "PT1H")})
    with pytest.raises(FrozenInstanceError):
        policy.key = "q"  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.limits["take"] = lim("PT1H", "PT30M")  # type: ignore[index]


# ------------------------------------------------------------------------ properties

PROPS = settings(deadline=None, max_examples=200)
# Minutes into 2025-2026, the years the official calendar covers in this test run.
STARTS = st.integers(0, 2 * 365 * 24 * 60).map(lambda m: at(2025, 1, 1) + m * M)
PT_LIMITS = st.integers(1, 40 * 60).map(lambda m: m * M)
# (offset from the start, length) in minutes; overlapping and empty ones included.
RAW_SUSPENSIONS = st.lists(st.tuples(st.integers(-600, 6000), st.integers(0, 3000)), max_size=5)


def _iso(d: timedelta) -> str:
    return f"PT{int(d.total_seconds()) // 60}M"


@pytest.mark.parametrize("cal", [WH, ALWAYS], ids=lambda c: c.name)
@PROPS
@given(start=STARTS, limit=PT_LIMITS, warn_share=st.floats(0, 1), raw=RAW_SUSPENSIONS)
def test_prop_suspended_working_time_is_given_back_exactly(
    cal: WorkingCalendar,
    start: datetime,
    limit: timedelta,
    warn_share: float,
    raw: list[tuple[int, int]],
) -> None:
    warning = int(limit / M * warn_share) * M
    susp = [(start + a * M, start + (a + n) * M) for a, n in raw]
    warn_at, due_at = stage_deadline(cal, start, lim(_iso(limit), _iso(warning)), susp)
    # Working time in [start, due_at) minus what the suspensions inside it cover is the
    # limit itself, wherever the suspensions fall.
    assert working_time_between(cal, start, due_at, susp) == limit
    assert working_time_between(cal, start, warn_at, susp) == warning
    plain_warn, plain_due = stage_deadline(cal, start, lim(_iso(limit), _iso(warning)))
    assert due_at >= plain_due
    assert warn_at >= plain_warn
    # Counted independently: the deadline moves by the working time of the suspensions,
    # clipped to [start, due_at) and merged so overlaps are not counted twice.
    moved = working_time_between(cal, plain_due, due_at)
    assert moved == _suspended_working_time(cal, susp, start, due_at)


def _suspended_working_time(
    cal: WorkingCalendar, susp: list[tuple[datetime, datetime]], lo: datetime, hi: datetime
) -> timedelta:
    merged: list[list[datetime]] = []
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in susp):
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return sum((working_time_between(cal, a, b) for a, b in merged), start=timedelta(0))


@pytest.mark.parametrize("cal", [WH, ALWAYS], ids=lambda c: c.name)
@PROPS
@given(start=STARTS, days=st.integers(1, 10), extra=st.integers(0, 600), raw=RAW_SUSPENSIONS)
def test_prop_day_limits_keep_their_unsuspended_length(
    cal: WorkingCalendar, start: datetime, days: int, extra: int, raw: list[tuple[int, int]]
) -> None:
    text = f"P{days}DT{extra}M" if extra else f"P{days}D"
    susp = [(start + a * M, start + (a + n) * M) for a, n in raw]
    _, plain_due = stage_deadline(cal, start, lim(text, "PT0S"))
    _, due_at = stage_deadline(cal, start, lim(text, "PT0S"), susp)
    assert working_time_between(cal, start, due_at, susp) == working_time_between(
        cal, start, plain_due
    )
