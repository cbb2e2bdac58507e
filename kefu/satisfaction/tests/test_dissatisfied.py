"""The dissatisfied-customer list (不满意客户数据库) and satisfaction repair (满意度修复),
003 二(一)3 and 三(三)3: each cause enters the list once, the plan, the check that shows
whether the repair worked, and the list's indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.satisfaction import callbacking
from kefu.satisfaction.models import (
    CallbackTask,
    DissatisfiedCause,
    DissatisfiedEntry,
    DissatisfiedReason,
    EntryState,
)
from kefu.satisfaction.queries.dissatisfied import (
    dissatisfied_get_for_user,
    dissatisfied_indicators,
    dissatisfied_open_for,
)
from kefu.satisfaction.services.callbacks import callback_attempt_record
from kefu.satisfaction.services.dissatisfied import (
    dissatisfied_add,
    dissatisfied_close,
    dissatisfied_enter,
    dissatisfied_sweep,
    dissatisfied_verified,
    repair_check_request,
    repair_contact_record,
    repair_plan_set,
    repair_step_done,
)
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import World

world = world_callbacks.world  # the fixture
DAY = dt.timedelta(days=1)


def test_a_work_orders_unsatisfied_callback_enters_once(world: World) -> None:
    ticket = world.to_replied(world.ticket("complaint"))
    world.act(ticket, "callback", outcome="dissatisfied")
    assert dissatisfied_sweep() == 1
    assert dissatisfied_sweep() == 0
    entry = DissatisfiedEntry.objects.get()
    assert entry.cause == DissatisfiedCause.UNSATISFIED_CALLBACK
    assert entry.customer == world.customers[0] and entry.state == EntryState.OPEN
    reason = entry.reasons.get()
    assert reason.ticket == ticket and reason.entered_by is None


def test_an_escalation_from_outside_enters_and_one_inside_does_not(world: World) -> None:
    inside = world.ticket("complaint", world.customers[1])
    world.act(inside, "escalate", who="leader", source="internal")
    outside = world.ticket("complaint")
    world.act(outside, "escalate", who="leader", source="hotline_12345")
    assert dissatisfied_sweep() == 1
    assert dissatisfied_sweep() == 0
    entry = DissatisfiedEntry.objects.get()
    assert (entry.customer, entry.cause) == (world.customers[0], DissatisfiedCause.ESCALATION)


def test_the_second_complaint_within_thirty_days_is_a_repeated_complaint(world: World) -> None:
    world.ticket("complaint")
    assert dissatisfied_sweep() == 0
    second = world.ticket("complaint")
    world.ticket("complaint", world.customers[1])  # another customer's first
    assert dissatisfied_sweep() == 1
    reason = DissatisfiedReason.objects.get()
    assert reason.cause == DissatisfiedCause.REPEATED_COMPLAINT and reason.ticket == second
    assert dissatisfied_sweep() == 0
    now = timezone.now()
    assert callbacking.repeated([now - 31 * DAY, now], now, count=2, days=30) is False
    assert callbacking.repeated([now - 29 * DAY, now], now, count=2, days=30) is True


def test_a_low_survey_score_enters_through_the_one_entry_point(world: World) -> None:
    """The survey services call `dissatisfied_enter` with LOW_SURVEY_SCORE."""
    customer = world.customers[2]
    first = dissatisfied_enter(
        centre=world.centre,
        customer=customer,
        cause=DissatisfiedCause.LOW_SURVEY_SCORE,
        source="survey:41",
        note="CSAT 1",
    )
    again = dissatisfied_enter(
        centre=world.centre, customer=customer, cause="low_survey_score", source="survey:41"
    )
    other = dissatisfied_enter(
        centre=world.centre, customer=customer, cause="repeated_complaint", source="x:1"
    )
    assert first == again == other  # one open entry per customer, a reason per source
    assert list(first.reasons.values_list("key", flat=True)) == ["survey:41", "x:1"]
    assert first.cause == DissatisfiedCause.LOW_SURVEY_SCORE


def test_a_person_enters_a_customer_with_a_reason(world: World) -> None:
    entry = dissatisfied_add(
        actor=world.people["bo1"], customer_id=world.customers[1].pk, note="营业厅反映"
    )
    assert entry.cause == "other" and entry.reasons.get().entered_by == world.people["bo1"]
    with pytest.raises(Forbidden):
        dissatisfied_add(actor=world.people["a1"], customer_id=world.customers[1].pk, note="x")


def test_a_repair_plan_its_check_and_the_outcome(world: World) -> None:
    entry = dissatisfied_enter(
        centre=world.centre, customer=world.customers[0], cause="escalation", source="e:1"
    )
    bo = world.people["bo1"]
    deadline = timezone.localdate() + 10 * DAY
    entry = repair_plan_set(
        actor=bo,
        entry_id=entry.pk,
        owner_username="bo2",
        deadline=deadline,
        goal="恢复客户信任",
        steps=[("上门致歉", deadline - 5 * DAY), ("减免当月电费", deadline)],
        version=entry.version,
    )
    with pytest.raises(Conflict):
        repair_plan_set(
            actor=bo, entry_id=entry.pk, owner_username="bo2", deadline=None, goal="", version=1
        )
    with pytest.raises(Invalid) as refused:
        repair_plan_set(actor=bo, entry_id=entry.pk, owner_username="a1", deadline=None, goal="")
    assert refused.value.code == "owner_invalid"
    step = entry.steps.order_by("position").first()
    assert step is not None
    repair_step_done(actor=bo, entry_id=entry.pk, step_id=step.pk)
    repair_contact_record(actor=bo, entry_id=entry.pk, channel="outbound", note="已电话致歉")
    open_one = dissatisfied_open_for(world.customers[0])
    assert open_one == entry and open_one.owner == world.people["bo2"]
    entry = repair_check_request(actor=bo, entry_id=entry.pk)
    assert entry.state == EntryState.CHECKING
    check = CallbackTask.objects.get(kind="repair_check")
    assert check.entry == entry and check.next_try_at > timezone.now() + 2 * DAY
    assert check.assignee is not None
    callback_attempt_record(actor=check.assignee, task_id=check.pk, outcome="fairly_satisfied")
    entry.refresh_from_db()
    assert entry.state == EntryState.REPAIRED and entry.verified_by == f"callback:{check.pk}"
    assert dissatisfied_open_for(world.customers[0]) is None
    with pytest.raises(Conflict):
        repair_contact_record(actor=bo, entry_id=entry.pk, channel="outbound", note="再次致歉")


def test_a_check_that_finds_the_customer_still_dissatisfied_is_not_repaired(
    world: World,
) -> None:
    entry = dissatisfied_enter(
        centre=world.centre, customer=world.customers[0], cause="escalation", source="e:1"
    )
    repair_check_request(actor=world.people["bo1"], entry_id=entry.pk)
    check = CallbackTask.objects.get(kind="repair_check")
    assert check.assignee is not None
    callback_attempt_record(actor=check.assignee, task_id=check.pk, outcome="dissatisfied")
    entry.refresh_from_db()
    assert entry.state == EntryState.NOT_REPAIRED
    assert DissatisfiedEntry.objects.count() == 1  # the check ends the entry, no new one


def test_a_survey_shows_the_repair_worked(world: World) -> None:
    entry = dissatisfied_enter(
        centre=world.centre, customer=world.customers[0], cause="escalation", source="e:1"
    )
    done = dissatisfied_verified(
        centre=world.centre, customer=world.customers[0], repaired=True, source="survey:9"
    )
    assert done == entry
    entry.refresh_from_db()
    assert entry.state == EntryState.REPAIRED and entry.exited_at is not None
    assert (
        dissatisfied_verified(
            centre=world.centre, customer=world.customers[0], repaired=True, source="survey:9"
        )
        is None
    )


def test_who_may_see_and_repair_an_entry(world: World) -> None:
    entry = dissatisfied_enter(
        centre=world.centre, customer=world.customers[0], cause="escalation", source="e:1"
    )
    for name in ("bo1", "leader", "qa", "manager"):
        assert dissatisfied_get_for_user(world.people[name], entry.pk) == entry
    for name in ("a1", "handler", "outsider", "other_agent"):
        with pytest.raises(NotFound):
            dissatisfied_get_for_user(world.people[name], entry.pk)
    with pytest.raises(Forbidden):  # QA sees the list but does not repair
        dissatisfied_close(actor=world.people["qa"], entry_id=entry.pk, repaired=True, note="x")
    with pytest.raises(NotFound):
        dissatisfied_close(
            actor=world.people["outsider"], entry_id=entry.pk, repaired=True, note="x"
        )
    closed = dissatisfied_close(
        actor=world.people["leader"], entry_id=entry.pk, repaired=False, note="客户仍不满意"
    )
    assert closed.state == EntryState.NOT_REPAIRED and closed.exited_by == world.people["leader"]


def test_indicators_by_period_against_hand_computed_values(world: World) -> None:
    """Size at the end of the period, entries, exits, repair rate = repaired / exits."""
    tz = dt.UTC
    march, april, may = (dt.datetime(2026, m, 1, tzinfo=tz) for m in (3, 4, 5))
    rows = [
        (dt.datetime(2026, 3, 5, tzinfo=tz), None, False),  # in since March
        (dt.datetime(2026, 3, 9, tzinfo=tz), dt.datetime(2026, 4, 2, tzinfo=tz), True),
        (dt.datetime(2026, 4, 3, tzinfo=tz), dt.datetime(2026, 4, 20, tzinfo=tz), False),
        (dt.datetime(2026, 4, 10, tzinfo=tz), dt.datetime(2026, 4, 25, tzinfo=tz), True),
        (dt.datetime(2026, 4, 28, tzinfo=tz), None, False),
    ]
    figures = callbacking.list_figures(rows, [(march, april), (april, may)])
    assert [(f.size, f.entries, f.exits, f.repaired) for f in figures] == [
        (2, 2, 0, 0),
        (2, 3, 3, 2),
    ]
    assert figures[0].repair_rate is None and figures[1].repair_rate == Decimal("66.7")
    # The same through the database.
    for n, (entered, exited, repaired) in enumerate(rows):
        entry = dissatisfied_enter(
            centre=world.centre,
            customer=world.customers[[0, 1, 2, 1, 2][n]],
            cause="other",
            source=f"row:{n}",
            at=entered,
        )
        if exited is not None:
            dissatisfied_verified(
                centre=world.centre,
                customer=entry.customer,
                repaired=repaired,
                source="s",
                at=exited,
            )
    stored = dissatisfied_indicators(world.people["manager"], [(march, april), (april, may)])
    assert [(f.size, f.entries, f.exits, f.repaired) for f in stored] == [
        (2, 2, 0, 0),
        (2, 3, 3, 2),
    ]
    assert dissatisfied_indicators(world.people["a1"], [(march, april)]) == []
