from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.core.workcal import WorkingCalendar
from kefu.tickets import sla
from kefu.tickets.stages import ExpertSeatLimits, Step, stage_spans

SH = ZoneInfo("Asia/Shanghai")
ALWAYS = WorkingCalendar.always(tz=SH)
HOURS = WorkingCalendar.working_hours(tz=SH)
TWO_HOURS = sla.StageLimit(limit="PT2H", warning="PT1H30M")
POLICY = sla.Policy(
    key="p",
    calendar="24x7",
    limits={stage: TWO_HOURS for stage in ("review", "take", "return", "verify", "reply")},
)


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def test_each_stage_is_measured_and_judged() -> None:
    steps = [
        Step(at(9), "create", "", "accepted"),
        Step(at(9, 30), "dispatch", "accepted", "dispatched"),
        Step(at(9, 45), "urge", "dispatched", "dispatched"),
        Step(at(12), "take", "dispatched", "handling"),
        Step(at(13), "return", "handling", "returned"),
        Step(at(13, 10), "reject", "returned", "dispatched"),
    ]
    spans = stage_spans(steps, calendar=ALWAYS, policy=POLICY, now=at(16))

    assert [(s.stage, s.used, s.on_time) for s in spans] == [
        ("review", timedelta(minutes=30), True),
        ("take", timedelta(hours=2, minutes=30), False),
        ("return", timedelta(hours=1), True),
        ("verify", timedelta(minutes=10), True),
        ("take", timedelta(hours=2, minutes=50), False),  # still running, already late
    ]
    assert spans[-1].ended_at is None


def test_working_hours_and_suspensions_are_left_out() -> None:
    steps = [
        Step(at(11), "create", "", "accepted"),
        Step(at(14, 30), "handle_in_centre", "accepted", "handling"),
    ]
    policy = sla.Policy(key="w", calendar="workhours", limits={"review": TWO_HOURS})
    suspended = [(at(11, 30), at(12))]
    spans = stage_spans(steps, calendar=HOURS, policy=policy, suspensions=suspended, now=at(15))

    # 11:00–12:00 and 13:30–14:30 are working time; the half hour suspended is not.
    assert spans[0].used == timedelta(hours=1, minutes=30)
    assert spans[0].on_time is True
    assert spans[1].stage == "return" and spans[1].due_at is None and spans[1].on_time is None


def test_a_closed_order_has_no_running_stage() -> None:
    steps = [
        Step(at(9), "create", "", "accepted"),
        Step(at(9, 5), "handle_in_centre", "accepted", "handling"),
        Step(at(9, 10), "return", "handling", "returned"),
        Step(at(9, 15), "verify", "returned", "verified"),
        Step(at(9, 20), "reply", "verified", "replied"),
        Step(at(10), "callback", "replied", "closed"),
    ]
    spans = stage_spans(steps, calendar=ALWAYS, policy=None, now=at(18))
    assert [s.stage for s in spans] == ["review", "return", "verify", "reply", "callback"]
    assert all(s.ended_at is not None for s in spans)
    assert sum((s.used for s in spans), timedelta()) == timedelta(hours=1)


def test_the_expert_seat_is_judged_by_its_own_limits_while_it_holds_the_order() -> None:
    ten_minutes = sla.StageLimit(limit="PT10M", warning="PT8M")
    seat = ExpertSeatLimits(
        departments=frozenset({"expert-seat"}),
        calendar=ALWAYS,
        policy=sla.Policy(
            key="seat",
            calendar="24x7",
            limits={"take": ten_minutes, "return": ten_minutes},
            expert_seat=True,
        ),
    )
    steps = [
        Step(at(9), "create", "", "accepted"),
        Step(at(9, 2), "transfer", "accepted", "dispatched", "expert-seat"),
        Step(at(9, 10), "take", "dispatched", "handling"),
        Step(at(9, 25), "return", "handling", "returned"),
        Step(at(9, 40), "reject", "returned", "dispatched"),
        Step(at(9, 45), "reassign", "dispatched", "dispatched", "repair"),
        Step(at(10), "take", "dispatched", "handling"),
    ]
    spans = stage_spans(steps, calendar=ALWAYS, policy=POLICY, now=at(11), expert_seat=seat)

    assert [(s.stage, s.due_at, s.on_time) for s in spans] == [
        ("review", at(11), True),
        ("take", at(9, 12), True),  # the seat's 10 minutes
        ("return", at(9, 20), False),  # answered 5 minutes late
        ("verify", at(11, 25), True),  # the centre's own 2 hours again
        ("take", at(9, 50), True),  # rework goes back to the seat, then elsewhere
        ("take", at(11, 45), True),
        ("return", at(12), None),  # repair runs on the order's own limits
    ]
