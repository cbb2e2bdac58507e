"""Outbound call lists (issue 19 point 5): the rules that fill them (a thank-you within a
week of a connection, 002 第2篇 1; a care call to high-value customers whose activity
changed, 003 一(二)3; a survey's sample; account numbers), filled once per customer,
bounded, shared among the agents, worked in "my callbacks", closed, and counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from kefu.conftest import race
from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.satisfaction import calllisting
from kefu.satisfaction.models import CallbackState, CallbackTask, CallList, Invitation
from kefu.satisfaction.queries.call_lists import counts_of
from kefu.satisfaction.queries.callbacks import callback_results, my_callbacks
from kefu.satisfaction.services.call_lists import (
    call_list_close,
    call_list_create,
    call_list_fill,
)
from kefu.satisfaction.services.callbacks import callback_attempt_record, callbacks_sweep
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import World

world = world_callbacks.world  # the fixture

DAY = dt.timedelta(days=1)


# ------------------------------------------------------------------ the pure rules


def test_activity_change_silent_and_surge() -> None:
    """003 一(二)3 (及时回访异动客户): none in the last 30 days after 3 or more in the 90
    before; or 3 or more now and at least three times the earlier monthly rate."""
    assert calllisting.activity_change(0, 3) == calllisting.SILENT
    assert calllisting.activity_change(0, 2) is None
    assert calllisting.activity_change(3, 0) == calllisting.SURGE
    assert calllisting.activity_change(3, 3) == calllisting.SURGE  # 1 a month, now 3
    assert calllisting.activity_change(3, 4) is None  # 1.33 a month: 3 is not 3 times
    assert calllisting.activity_change(2, 0) is None  # too few to say
    assert calllisting.activity_change(1, 3) is None


@given(recent=st.integers(0, 200), before=st.integers(0, 600))
def test_activity_change_is_one_or_the_other(recent: int, before: int) -> None:
    found = calllisting.activity_change(recent, before)
    if found == calllisting.SILENT:
        assert recent == 0 and before >= 3
    elif found == calllisting.SURGE:
        assert recent >= 3 and recent * 90 >= 3 * 30 * before
    else:
        assert not (recent == 0 and before >= 3)
        assert recent < 3 or recent * 90 < 3 * 30 * before


def test_pasted_accounts_read_by_line() -> None:
    found, bad = calllisting.parse_accounts(
        "\ufeff0101234567\n0101234568, 0101234569\n\n坏行\n0101234567\nabc def"
    )
    assert found == [
        (1, "0101234567"),
        (2, "0101234568"),
        (2, "0101234569"),
        (6, "abc"),
        (6, "def"),
    ]
    assert bad == [calllisting.BadRow(4, "坏行", "format")]


def test_calls_are_shared_in_turn_or_to_the_least_loaded() -> None:
    assert calllisting.share_out(5, [1, 2, 3], in_turn=True, last=2, open_tasks={}) == [
        3,
        1,
        2,
        3,
        1,
    ]
    assert calllisting.share_out(4, [1, 2], in_turn=False, last=None, open_tasks={1: 2}) == [
        2,
        2,
        1,
        2,
    ]
    assert calllisting.share_out(2, [], in_turn=True, last=None, open_tasks={}) == []


# ------------------------------------------------------------------------ services


def _list(world: World, **values: object) -> CallList:
    values.setdefault("name", "感谢回访")
    values.setdefault("purpose", "thank_you")
    values.setdefault("fill_rule", "new_customers")
    values.setdefault("due_on", timezone.localdate() + 7 * DAY)
    made, _new = call_list_create(actor=world.people["manager"], **values)  # type: ignore[arg-type]
    return made


def _connection(world: World) -> CallReason:
    business = CallReason.objects.create(
        centre=world.centre, dimension="business_type", code="connection", name="业扩报装"
    )
    CallReason.objects.create(
        centre=world.centre,
        dimension="service_content",
        code="new_connection",
        name="新装",
        parent=business,
    )
    return business


def test_a_create_is_safe_to_repeat_and_checks_its_terms(world: World) -> None:
    first = _list(world)
    again, made = call_list_create(
        actor=world.people["manager"],
        name="感谢回访",
        purpose="thank_you",
        fill_rule="new_customers",
        due_on=first.due_on,
    )
    assert again == first and not made
    with pytest.raises(Conflict):
        _list(world, purpose="survey", fill_rule="sample", sample_size=10)
    with pytest.raises(Invalid) as wrong:
        _list(world, name="调查", purpose="survey", fill_rule="closed_orders")
    assert wrong.value.code == "fill_rule_invalid"
    with pytest.raises(Invalid) as missing:
        _list(world, name="报装感谢", fill_rule="closed_orders")
    assert missing.value.code == "business_type_required"
    with pytest.raises(Invalid):
        _list(world, name="过期", due_on=timezone.localdate() - DAY)
    with pytest.raises(Forbidden):
        call_list_create(
            actor=world.people["bo1"],
            name="后台建",
            purpose="other",
            fill_rule="accounts",
            due_on=first.due_on,
        )


def test_a_thank_you_within_a_week_of_a_connection(world: World) -> None:
    """002 第2篇 1: 在一周内发出感谢信、信息及电话."""
    business = _connection(world)
    call_list = _list(world, fill_rule="closed_orders", business_type_id=business.pk)
    ticket = world.ticket("business")
    ticket.category = CallReason.objects.get(code="new_connection")
    ticket.save(update_fields=["category"])
    connected = world.to_closed(ticket)
    world.to_closed(world.ticket("fault", world.customers[1]))  # another business: not taken
    old = world.to_closed(world.ticket("business", world.customers[2]))
    # Closed too long ago:
    type(old).objects.filter(pk=old.pk).update(
        category=business, closed_at=timezone.now() - 8 * DAY
    )
    result = call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    assert (result.written, result.already, result.more) == (1, 0, False)
    task = CallbackTask.objects.get()
    assert task.key == f"list:{call_list.pk}:{connected.customer_id}"
    assert task.kind == "list" and task.ticket == connected and task.call_list == call_list
    assert task.assignee is not None and task.assignee.username in {"a1", "a2", "b1"}
    again = call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    assert (again.written, again.already) == (0, 1)  # filled twice: once on the list


def test_new_customers_go_to_the_agents_in_turn_and_reach_my_callbacks(world: World) -> None:
    Customer.objects.filter(pk=world.customers[2].pk).update(created_at=timezone.now() - 9 * DAY)
    call_list = _list(world, team_id=world.team_a.pk)
    result = call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    assert result.written == 2
    assignees = list(
        CallbackTask.objects.order_by("pk").values_list("assignee__username", flat=True)
    )
    assert assignees == ["a1", "a2"]  # team A's agents, in turn
    mine = list(my_callbacks(world.people["a1"]))
    assert [task.call_list for task in mine] == [call_list]
    task = mine[0]
    assert task.due_at > timezone.now() and task.script
    # Worked with the callbacks' attempts and limits.
    callback_attempt_record(
        actor=world.people["a1"], task_id=task.pk, outcome="unreachable", version=1
    )
    task.refresh_from_db()
    assert task.state == "open" and task.next_try_at > timezone.now()


def test_a_care_list_takes_customers_whose_activity_changed(world: World) -> None:
    """003 一(二)3: a high-value customer who went silent, and one whose calls surged."""
    silent, surged, steady = world.customers
    Customer.objects.filter(pk__in=[c.pk for c in world.customers]).update(tier="high_value")
    now = timezone.now()

    def contacts(customer: Customer, days_ago: list[int]) -> None:
        for days in days_ago:
            Contact.objects.create(
                centre=world.centre,
                channel="hotline",
                customer=customer,
                agent=world.people["a1"],
                started_at=now - days * DAY,
                ended_at=now - days * DAY,
            )

    contacts(silent, [40, 60, 90])
    contacts(surged, [1, 2, 3, 50])
    contacts(steady, [10, 45, 75, 100])
    low = customer_create(actor=world.people["a1"], name="普通客户", phones=["13600000000"])
    contacts(low, [1, 2, 3])  # general tier: not on a care list
    call_list = _list(
        world, name="中高端异动关怀", purpose="care", fill_rule="activity_change", tier="high_value"
    )
    call_list_fill(actor=world.people["manager"], list_id=call_list.pk, now=now)
    assert set(CallbackTask.objects.values_list("customer_id", flat=True)) == {silent.pk, surged.pk}


def test_a_survey_sample_is_bounded_and_topped_up(world: World) -> None:
    for index in range(5):
        customer_create(
            actor=world.people["a1"], name=f"客户{index}", phones=[f"1350000000{index}"]
        )
    call_list = _list(world, name="用电调查", purpose="survey", fill_rule="sample", sample_size=4)
    assert call_list_fill(actor=world.people["manager"], list_id=call_list.pk).written == 4
    assert call_list_fill(actor=world.people["manager"], list_id=call_list.pk).written == 0
    CallList.objects.filter(pk=call_list.pk).update(sample_size=6)
    assert call_list_fill(actor=world.people["manager"], list_id=call_list.pk).written == 2
    assert CallbackTask.objects.values("customer_id").distinct().count() == 6


def test_account_numbers_all_or_nothing(world: World) -> None:
    Customer.objects.filter(pk=world.customers[0].pk).update(account_number="0101000001")
    Customer.objects.filter(pk=world.customers[1].pk).update(account_number="0101000002")
    outsider = customer_create(
        actor=world.people["outsider"], name="外中心客户", phones=["13300000000"]
    )
    Customer.objects.filter(pk=outsider.pk).update(account_number="0202000001")
    call_list = _list(world, name="导入名单", purpose="other", fill_rule="accounts")
    with pytest.raises(Invalid) as refused:
        call_list_fill(
            actor=world.people["manager"],
            list_id=call_list.pk,
            accounts="0101000001\n0202000001\n错误\n0101000002",
        )
    assert refused.value.detail["rows"] == [
        {"line": 2, "value": "0202000001", "reason": "unknown"},  # another centre's
        {"line": 3, "value": "错误", "reason": "format"},
    ]
    assert not CallbackTask.objects.exists()
    with pytest.raises(Invalid):  # a list of accounts has no rule to fill by
        call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    result = call_list_fill(
        actor=world.people["manager"], list_id=call_list.pk, accounts="0101000001\n0101000002"
    )
    assert result.written == 2


def test_calls_wait_for_agents_and_the_sweep_gives_them_out(world: World) -> None:
    empty_team = type(world.team_a).objects.create(
        kind="team", code="t-c", name="三班", parent=world.centre
    )
    call_list = _list(world, team_id=empty_team.pk, assignment="least_loaded")
    result = call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    assert result.unassigned == 3
    callbacks_sweep(centre_id=world.centre.pk)
    assert CallbackTask.objects.filter(assignee__isnull=True).count() == 3  # nobody yet
    for name in ("a1", "b1"):
        world.people[name].team = empty_team
        world.people[name].save(update_fields=["team"])
    callbacks_sweep(centre_id=world.centre.pk)
    assert sorted(CallbackTask.objects.values_list("assignee__username", flat=True), key=str) == [
        "a1",
        "a1",
        "b1",
    ]


def test_closing_cancels_the_calls_not_made_and_results_count_by_list(world: World) -> None:
    call_list = _list(world)
    call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    first, second, _third = CallbackTask.objects.order_by("pk")
    assert first.assignee is not None and second.assignee is not None
    callback_attempt_record(actor=first.assignee, task_id=first.pk, outcome="satisfied", version=1)
    for _n in range(3):
        second.refresh_from_db()
        callback_attempt_record(
            actor=second.assignee, task_id=second.pk, outcome="unreachable", version=second.version
        )
    closed = call_list_close(actor=world.people["manager"], list_id=call_list.pk)
    assert closed.state == "closed"
    counts = counts_of([call_list.pk])[call_list.pk]
    assert (counts.to_call, counts.done, counts.unreachable, counts.cancelled) == (0, 1, 1, 1)
    assert counts.tally.reach_rate == 50
    with pytest.raises(Conflict):
        call_list_fill(actor=world.people["manager"], list_id=call_list.pk)
    rows = callback_results(
        world.people["manager"],
        since=timezone.now() - DAY,
        until=timezone.now() + DAY,
        by="list",
    )
    assert [(row.group, row.tally.closed, row.tally.satisfied) for row in rows] == [
        ("感谢回访", 2, 1)
    ]
    assert CallbackTask.objects.filter(state=CallbackState.CANCELLED).count() == 1


def test_the_demo_has_a_thank_you_a_care_and_a_survey_list_in_progress(world: World) -> None:
    from kefu.satisfaction.demo import load_call_lists

    Customer.objects.update(created_at=timezone.now() - 2 * DAY)
    for index, customer in enumerate(world.customers[:2]):
        Customer.objects.filter(pk=customer.pk).update(
            tier="high_value", account_number=f"010100000{index}"
        )
    written = load_call_lists(world.centre, world.people["manager"])
    # Three new customers thanked, two high-value customers cared for and asked the survey.
    assert written == 7
    for call_list in CallList.objects.all():
        states = set(
            CallbackTask.objects.filter(call_list=call_list).values_list("state", flat=True)
        )
        assert "open" in states and states & {"done", "unreachable"}, (call_list.name, states)
    # The market survey calls customers not surveyed lately, its answers recorded on the
    # calls that reached the customer.
    market = CallList.objects.get(purpose="survey")
    assert market.survey is not None and market.survey.name == "居民用电市场调查问卷"
    done = CallbackTask.objects.filter(call_list=market, state="done")
    surveyed = Invitation.objects.filter(key__startswith="callback:", channel="agent")
    assert done.exists() and {i.key for i in surveyed} == {f"callback:{t.pk}" for t in done}
    assert all(i.state == "answered" and i.answers.exists() for i in surveyed)
    assert load_call_lists(world.centre, world.people["manager"]) == 0


@pytest.mark.django_db(transaction=True)
def test_two_fills_at_once_put_each_customer_on_the_list_once(world: World) -> None:
    call_list = _list(world)
    manager = world.people["manager"]
    results = race([lambda: call_list_fill(actor=manager, list_id=call_list.pk) for _ in range(2)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(result.written for result in results) == [0, 3]
    assert CallbackTask.objects.filter(call_list=call_list).count() == 3
    # The turn went on from one fill to the next: each agent has one call.
    assert sorted(CallbackTask.objects.values_list("assignee__username", flat=True), key=str) == [
        "a1",
        "a2",
        "b1",
    ]
