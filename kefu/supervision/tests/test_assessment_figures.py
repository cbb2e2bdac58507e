"""A department's figures over a period against hand-counted fixtures (issue 20 point 3; the
internal-customer rule of seed 000 第3篇 四.2(3)–(4) and 002 第6篇's 回复及时性和催单次数的
考核): returns and returns on time (a hold late when the sweep marked the department's
stage overdue, as metrics' stage_on_time counts), urges while the department held the
order, returns refused at verification, orders reopened after its return, rework, and the
complaints judged against it; and the quarter's appraisal with a person not ranked for
want of data."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.supervision.queries import assessment as queries
from kefu.supervision.services.judging import Verdict, complaint_judge
from kefu.supervision.tests.conftest import World
from kefu.tickets.models import Ticket
from kefu.tickets.tests.history import record_steps

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def order(
    world: World, number: str, steps: list[tuple[dt.datetime, str, str, str, dict[str, Any]]]
) -> Ticket:
    customer, _ = Customer.objects.get_or_create(centre=world.centre, name="钱女士")
    last = steps[-1]
    ticket = Ticket.objects.create(
        number=number,
        centre=world.centre,
        kind="complaint" if number.startswith("TS") else "fault",
        title="停电",
        state=last[3],
        customer=customer,
        created_by=world.users["agent"],
        created_at=steps[0][0],
        closed_at=last[0] if last[3] == "closed" else None,
    )
    record_steps(ticket, steps)
    return ticket


def test_department_figures_hand_counted(world: World) -> None:
    repair = world.users["handler"].department
    assert repair is not None
    gas = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="gas", name="燃气", parent=world.centre
    )
    to_repair = {"department": "repair"}
    # GD1: late once (overdue on its return stage), refused at verification, returned
    # again on time, then reopened at the callback → repair: 2 returns, 1 on time,
    # 1 refused, 1 reopened.
    order(
        world,
        "GD1",
        [
            (at(10, 2), "create", "", "accepted", {}),
            (at(10, 2, 11), "dispatch", "accepted", "dispatched", to_repair),
            (at(10, 2, 12), "take", "dispatched", "handling", {}),
            (at(10, 3), "overdue", "handling", "handling", {"stage": "return"}),
            (at(10, 4), "return", "handling", "returned", {"result": "已修复"}),
            (at(10, 4, 11), "reject", "returned", "dispatched", {"reason": "未附照片"}),
            (at(10, 4, 12), "take", "dispatched", "handling", {}),
            (at(10, 4, 15), "return", "handling", "returned", {"result": "已修复"}),
            (at(10, 5), "verify", "returned", "verified", {}),
            (at(10, 5, 11), "reply", "verified", "replied", {}),
            (at(10, 6), "callback", "replied", "accepted", {"satisfied": False}),
        ],
    )
    # GD2: urged while dispatched and while handling (2), returned on time, urged again
    # after the return (the centre's, not the department's).
    order(
        world,
        "GD2",
        [
            (at(10, 10), "create", "", "accepted", {}),
            (at(10, 10, 11), "dispatch", "accepted", "dispatched", to_repair),
            (at(10, 10, 12), "urge", "dispatched", "dispatched", {"urge_count": 1}),
            (at(10, 10, 14), "take", "dispatched", "handling", {}),
            (at(10, 11), "urge", "handling", "handling", {"urge_count": 2}),
            (at(10, 11, 15), "return", "handling", "returned", {}),
            (at(10, 12), "urge", "returned", "returned", {"urge_count": 3}),
        ],
    )
    # GD3: gas, dispatched in September and overdue then, returned in October: late.
    order(
        world,
        "GD3",
        [
            (at(9, 25), "create", "", "accepted", {}),
            (at(9, 25, 11), "dispatch", "accepted", "dispatched", {"department": "gas"}),
            (at(9, 28), "overdue", "dispatched", "dispatched", {"stage": "take"}),
            (at(9, 29), "take", "dispatched", "handling", {}),
            (at(10, 1, 9), "return", "handling", "returned", {}),
        ],
    )
    # GD4: gas, on time, but in November: outside the month.
    order(
        world,
        "GD4",
        [
            (at(10, 30), "create", "", "accepted", {}),
            (at(10, 30, 11), "dispatch", "accepted", "dispatched", {"department": "gas"}),
            (at(11, 2), "take", "dispatched", "handling", {}),
            (at(11, 2, 11), "return", "handling", "returned", {}),
        ],
    )
    # GD5: handled in the centre: no department's figure.
    order(
        world,
        "GD5",
        [
            (at(10, 8), "create", "", "accepted", {}),
            (at(10, 8, 11), "handle_in_centre", "accepted", "handling", {}),
            (at(10, 8, 12), "urge", "handling", "handling", {}),
            (at(10, 8, 15), "return", "handling", "returned", {}),
        ],
    )
    # Two complaints judged against repair: one closed in October, one in November.
    for number, closed in (("TS1", at(10, 20)), ("TS2", at(11, 3))):
        order(world, number, [(closed, "close", "replied", "closed", {})])
        complaint_judge(
            actor=world.users["backoffice"],
            number=number,
            verdict=Verdict("department", department_id=repair.pk),
            reason="抢修超时",
        )

    rows = {
        row.department.code: row.values
        for row in queries.department_figures(world.centre, *OCTOBER)
    }
    assert rows["repair"] == {
        "returned": 3,
        "returned_on_time": 2,
        "on_time_rate": 2 / 3,
        "urges": 2,
        "refused": 1,
        "reopened": 1,
        "rework": 2,
        "complaints": 1,
    }
    assert rows["gas"] == {
        "returned": 1,
        "returned_on_time": 0,
        "on_time_rate": 0.0,
        "urges": 0,
        "refused": 0,
        "reopened": 0,
        "rework": 0,
        "complaints": 0,
    }
    assert gas.pk  # both departments listed even without figures
    november = {
        row.department.code: row.values
        for row in queries.department_figures(
            world.centre, dt.date(2026, 11, 1), dt.date(2026, 11, 30)
        )
    }
    assert november["gas"]["returned_on_time"] == 1 and november["repair"]["complaints"] == 1


def test_the_quarters_appraisal_leaves_out_who_has_no_data(world: World) -> None:
    """No call, no contact, no score, no exam: the agent is listed, not ranked."""
    result = queries.appraisal_of(world.centre, *queries.quarter_of(dt.date(2026, 11, 15)))
    assert (result.first, result.last) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    agent = next(a for a in result.people if a.key == world.users["agent"].pk)
    assert agent.total is None and agent.rank is None
    assert result.teams == [] or all(team.total is None for team in result.teams)
