"""The demo's callbacks and dissatisfied list: two months of callbacks worked with their
attempts, open ones for "my callbacks", the list with plans in progress; loaded once."""

from __future__ import annotations

import datetime as dt

from kefu.satisfaction.demo import load_callbacks
from kefu.satisfaction.models import (
    CallbackAttempt,
    CallbackRule,
    CallbackTask,
    DissatisfiedEntry,
)
from kefu.satisfaction.tests import world_callbacks
from kefu.satisfaction.tests.world_callbacks import World

world = world_callbacks.world  # the fixture


def test_the_demo_loads_two_months_of_callbacks_once(world: World) -> None:
    agents = ["a1", "a2", "b1"]
    for n in range(240):
        world.contact(
            agents[n % 3],
            world.customers[n % 3],
            channel="hotline" if n % 4 else "wechat",
            ago=dt.timedelta(hours=6 * n + 3),
        )
    for n in range(60):  # yesterday's calls: their callbacks are still to make
        world.contact(agents[n % 3], world.customers[n % 3], ago=dt.timedelta(hours=25, minutes=n))
    world.ticket("complaint")
    world.ticket("complaint")  # a repeated complaint: on the list, plan in progress
    written = load_callbacks(world.centre, days=60)
    assert written == CallbackTask.objects.count() > 10
    assert CallbackRule.objects.filter(centre=world.centre).count() == 4
    states = set(CallbackTask.objects.values_list("state", flat=True))
    assert {"done", "open"} <= states
    assert CallbackAttempt.objects.count() >= CallbackTask.objects.exclude(state="open").count()
    assert CallbackTask.objects.filter(state="open", assignee__username__in=["bo1", "bo2"]).exists()
    assert DissatisfiedEntry.objects.filter(exited_at__isnull=True, owner__isnull=False).exists()
    assert load_callbacks(world.centre, days=60) == 0
