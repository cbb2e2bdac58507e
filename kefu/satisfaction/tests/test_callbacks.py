"""Callback tasks (issue 19 point 1): samples of settled contacts, after-service
callbacks (seven days after a repair closes, 002 第2篇 3; a week after a complaint is
answered), drawn once per source, assigned to the back office, attempts up to the limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, NotFound
from kefu.satisfaction import callbacking
from kefu.satisfaction.models import CallbackAttempt, CallbackState, CallbackTask, DissatisfiedEntry
from kefu.satisfaction.queries.callbacks import (
    callback_results,
    callback_task_get_for_user,
    my_callbacks,
)
from kefu.satisfaction.services.callbacks import callback_attempt_record, callbacks_sweep
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import ALL, World

world = world_callbacks.world  # the fixture

DAY = dt.timedelta(days=1)


def test_a_sample_draws_each_settled_contact_once(world: World) -> None:
    world.rule("sample", rate=ALL, channel="hotline")
    taken = world.contact("a1")
    world.contact("a1", channel="wechat")  # another channel
    world.contact("a2", settled=False)  # not settled: a work order follows it
    assert callbacks_sweep() == 1
    assert callbacks_sweep() == 0  # idempotent: one key per source
    task = CallbackTask.objects.get()
    assert task.key == f"contact:{taken.pk}"
    assert (task.agent, task.team, task.touchpoint) == (world.people["a1"], world.team_a, "hotline")
    assert task.state == CallbackState.OPEN and task.script


def test_a_sample_rate_takes_its_share_the_same_way_every_time() -> None:
    taken = [n for n in range(20_000) if callbacking.sampled(n, Decimal("5"), salt="7")]
    assert 900 < len(taken) < 1100
    assert taken == [n for n in range(20_000) if callbacking.sampled(n, Decimal("5"), salt="7")]
    assert not callbacking.sampled(1, Decimal(0)) and callbacking.sampled(1, Decimal(100))


def test_a_repair_is_called_back_seven_days_after_it_closes(world: World) -> None:
    """002 第2篇 3: 针对客户来店维修保养的内容七日后进行回访."""
    world.rule("after_repair", delay_days=7)
    repair = world.to_closed(world.ticket("fault"))
    assert repair.closed_at is not None
    assert callbacks_sweep(now=repair.closed_at + 6 * DAY) == 0
    assert callbacks_sweep(now=repair.closed_at + 7 * DAY + dt.timedelta(minutes=1)) == 1
    assert callbacks_sweep(now=repair.closed_at + 8 * DAY) == 0
    task = CallbackTask.objects.get()
    assert task.ticket == repair and task.kind == "after_repair"
    assert task.next_try_at == repair.closed_at + 7 * DAY
    assert task.agent == world.people["a1"]


def test_a_complaint_is_called_back_a_week_after_it_is_answered(world: World) -> None:
    world.rule("after_complaint", delay_days=7)
    complaint = world.to_replied(world.ticket("complaint"))
    assert complaint.answered_at is not None
    assert callbacks_sweep(now=complaint.answered_at + 6 * DAY) == 0
    assert callbacks_sweep(now=complaint.answered_at + 7 * DAY) == 1
    assert CallbackTask.objects.get().key == f"ticket:{complaint.number}:after_complaint"


def test_round_robin_and_least_loaded_share_the_centres_back_office(world: World) -> None:
    world.rule("sample", rate=ALL, channel="hotline")
    for _n in range(4):
        world.contact("a1")
    callbacks_sweep()
    assignees = list(
        CallbackTask.objects.order_by("pk").values_list("assignee__username", flat=True)
    )
    assert assignees == ["bo1", "bo2", "bo1", "bo2"]  # never the other centre's back office
    CallbackTask.objects.filter(assignee__username="bo1").update(state="done")
    world.rule("sample", name="least", rate=ALL, assignment="least_loaded", channel="web")
    world.contact("a1", channel="web")
    world.contact("a1", channel="web")
    callbacks_sweep()
    newest = CallbackTask.objects.order_by("-pk")[:2]
    assert [task.assignee and task.assignee.username for task in newest] == [
        "bo1",
        "bo1",
    ]  # bo2 holds two open


def test_unreachable_is_tried_again_later_then_closed_at_the_limit(world: World) -> None:
    world.rule("sample", rate=ALL, max_attempts=3, retry_hours=4)
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    bo = task.assignee
    assert bo is not None
    morning = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    task = callback_attempt_record(actor=bo, task_id=task.pk, outcome="unreachable", at=morning)
    assert task.state == "open" and task.next_try_at == morning + dt.timedelta(hours=4)
    task = callback_attempt_record(actor=bo, task_id=task.pk, outcome="unreachable", note="关机")
    assert task.state == "open" and task.attempts == 2
    task = callback_attempt_record(actor=bo, task_id=task.pk, outcome="unreachable")
    assert task.state == "unreachable" and task.outcome == "unreachable" and task.closed_at
    attempts = CallbackAttempt.objects.filter(task=task).order_by("number")
    assert [(a.number, a.by, a.outcome) for a in attempts] == [
        (n, bo, "unreachable") for n in (1, 2, 3)
    ]
    assert attempts[1].note == "关机"
    with pytest.raises(Conflict):
        callback_attempt_record(actor=bo, task_id=task.pk, outcome="satisfied")
    assert not DissatisfiedEntry.objects.exists()


def test_a_call_again_that_would_fall_at_night_waits_for_the_morning(world: World) -> None:
    """Nobody is called in the centre's quiet hours (21:00-08:00 unless it sets others):
    unreachable at 19:16, four hours later is 23:16, so the next call is at 08:00."""
    world.rule("sample", rate=ALL, max_attempts=3, retry_hours=4)
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    assert task.assignee is not None
    evening = timezone.localtime().replace(hour=19, minute=16, second=0, microsecond=0)
    task = callback_attempt_record(
        actor=task.assignee, task_id=task.pk, outcome="unreachable", at=evening
    )
    next_morning = (evening + dt.timedelta(days=1)).replace(hour=8, minute=0)
    assert timezone.localtime(task.next_try_at) == next_morning


def test_reached_closes_and_dissatisfied_enters_the_list_once(world: World) -> None:
    world.rule("sample", rate=ALL)
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    assert task.assignee is not None
    with pytest.raises(Conflict):
        callback_attempt_record(
            actor=task.assignee, task_id=task.pk, outcome="satisfied", version=99
        )
    done = callback_attempt_record(
        actor=task.assignee, task_id=task.pk, outcome="dissatisfied", note="等太久"
    )
    assert done.state == "done" and done.outcome == "dissatisfied"
    entry = DissatisfiedEntry.objects.get()
    reason = entry.reasons.get()
    assert (entry.cause, reason.key, reason.note) == (
        "unsatisfied_callback",
        f"callback:{task.pk}",
        "等太久",
    )


def test_who_may_see_and_work_a_task(world: World) -> None:
    world.rule("sample", rate=ALL)
    world.contact("a1")
    callbacks_sweep()
    task = CallbackTask.objects.get()
    mine, theirs = world.people["bo1"], world.people["bo2"]
    assert task.assignee == mine
    assert list(my_callbacks(mine)) == [task] and list(my_callbacks(theirs)) == []
    # Back office, leader, QA and manager see the centre's tasks; an agent only their own.
    for name in ("bo1", "bo2", "leader", "qa", "manager"):
        assert callback_task_get_for_user(world.people[name], task.pk) == task
    for name in ("a1", "handler", "outsider", "other_agent"):
        with pytest.raises(NotFound):
            callback_task_get_for_user(world.people[name], task.pk)
    # Only the assignee (or who keeps the rules) works it; another centre never.
    with pytest.raises(Forbidden):
        callback_attempt_record(actor=theirs, task_id=task.pk, outcome="satisfied")
    with pytest.raises(Forbidden):
        callback_attempt_record(actor=world.people["a1"], task_id=task.pk, outcome="satisfied")
    with pytest.raises(NotFound):
        callback_attempt_record(
            actor=world.people["outsider"], task_id=task.pk, outcome="satisfied"
        )
    callback_attempt_record(actor=world.people["manager"], task_id=task.pk, outcome="satisfied")


def test_results_by_touchpoint_team_agent_and_kind(world: World) -> None:
    """Hand-computed: satisfaction = (满意 + 基本满意) / reached; reached = reached / closed."""
    world.rule("sample", rate=ALL)
    plan = [
        ("a1", "hotline", "satisfied"),
        ("a1", "hotline", "fairly_satisfied"),
        ("a2", "hotline", "dissatisfied"),
        ("a2", "wechat", "unreachable"),
        ("b1", "wechat", "satisfied"),
        ("b1", "wechat", None),  # still open: not counted
    ]
    for agent, channel, _outcome in plan:
        world.contact(agent, channel=channel)
    callbacks_sweep()
    tasks = CallbackTask.objects.order_by("contact__agent__username", "contact__channel", "pk")
    for task, (_agent, _channel, outcome) in zip(
        CallbackTask.objects.order_by("pk"), plan, strict=True
    ):
        if outcome is None:
            continue
        for _n in range(task.max_attempts if outcome == "unreachable" else 1):
            callback_attempt_record(actor=world.people["manager"], task_id=task.pk, outcome=outcome)
    assert tasks.count() == 6
    since, until = timezone.now() - DAY, timezone.now() + DAY
    manager = world.people["manager"]
    by_channel = {
        row.group: row.tally
        for row in callback_results(manager, since=since, until=until, by="touchpoint")
    }
    assert by_channel["hotline"].closed == 3 and by_channel["hotline"].satisfaction == Decimal(
        "66.7"
    )
    assert by_channel["wechat"].closed == 2 and by_channel["wechat"].satisfaction == Decimal(
        "100.0"
    )
    assert by_channel["wechat"].reach_rate == Decimal("50.0")
    by_team = {
        row.group: row.tally
        for row in callback_results(manager, since=since, until=until, by="team")
    }
    assert by_team["一班"].closed == 4 and by_team["一班"].satisfaction == Decimal("66.7")
    assert by_team["二班"].closed == 1 and by_team["二班"].satisfaction == Decimal("100.0")
    by_agent = {
        row.group: row.tally
        for row in callback_results(manager, since=since, until=until, by="agent")
    }
    assert by_agent["李娜"].reached == 1 and by_agent["李娜"].satisfaction == Decimal("0.0")
    assert by_agent["李娜"].unreachable == 1
    by_kind = {
        row.group: row.tally
        for row in callback_results(manager, since=since, until=until, by="kind")
    }
    assert by_kind["sample"].closed == 5 and by_kind["sample"].satisfaction == Decimal("75.0")
    assert callback_results(world.people["a1"], since=since, until=until, by="kind") == []


def test_after_attempt_rules() -> None:
    at = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)
    assert (
        callbacking.after_attempt(
            "satisfied", attempts=1, max_attempts=3, at=at, retry_hours=4
        ).state
        == "done"
    )
    assert callbacking.after_attempt(
        "unreachable", attempts=2, max_attempts=3, at=at, retry_hours=4
    ).next_try_at == at + dt.timedelta(hours=4)
    assert (
        callbacking.after_attempt(
            "unreachable", attempts=3, max_attempts=3, at=at, retry_hours=4
        ).state
        == "unreachable"
    )
    assert callbacking.next_in_turn([3, 5, 9], 5) == 9
    assert callbacking.next_in_turn([3, 5, 9], 9) == 3
    assert callbacking.next_in_turn([3, 5, 9], 4) == 5  # the last one left the back office
    assert callbacking.least_loaded([3, 5, 9], {3: 2, 5: 1}) == 9


def test_contact_channels_in_the_api_are_the_contacts() -> None:
    from typing import get_args

    from kefu.contacts.models import Channel
    from kefu.satisfaction.api.callbacks import ContactChannel

    assert set(get_args(ContactChannel)) == set(Channel.values)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_draw_each_callback_once(world: World) -> None:
    from kefu.conftest import race
    from kefu.satisfaction.services.dissatisfied import dissatisfied_sweep

    world.rule("sample", rate=ALL)
    for n in range(6):
        world.contact("a1" if n % 2 else "b1", world.customers[n % 3])
    world.ticket("complaint")
    world.ticket("complaint")
    results = race([callbacks_sweep, callbacks_sweep, dissatisfied_sweep, dissatisfied_sweep])
    assert not [result for result in results if isinstance(result, Exception)], results
    assert results[0] + results[1] == 6 == CallbackTask.objects.count()
    assert results[2] + results[3] == 1 == DissatisfiedEntry.objects.count()
    assumed = sorted(CallbackTask.objects.values_list("assignee__username", flat=True))
    assert assumed == ["bo1", "bo1", "bo1", "bo2", "bo2", "bo2"]  # in turn, as on one worker


def test_a_task_drawn_without_back_office_goes_to_it_later(world: World) -> None:
    from kefu.core.models import User

    User.objects.filter(username__in=["bo1", "bo2"]).update(is_active=False)
    world.rule("sample", rate=ALL)
    world.contact("a1")
    assert callbacks_sweep() == 1
    assert CallbackTask.objects.get().assignee is None
    User.objects.filter(username="bo2").update(is_active=True)
    assert callbacks_sweep() == 0
    assert CallbackTask.objects.get().assignee == world.people["bo2"]
