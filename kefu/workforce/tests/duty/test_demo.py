"""The demo centre's duty logs (002 第15篇 3.4): days of acknowledged handovers between
its leaders, each with the orders in warning or overdue at that moment, and today's open
log; loaded once."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.tickets.models import Ticket
from kefu.workforce.demo_duty import load_duty_logs
from kefu.workforce.models import DutyEntry, DutyLog, DutyLogState, Handover

pytestmark = pytest.mark.django_db


def test_the_demo_hands_each_shift_over_and_leaves_todays_log_open(
    centre: OrgUnit,
    outgoing: User,
    incoming: User,
    make_user: Callable[..., User],
    orders: dict[str, Ticket],
) -> None:
    manager = make_user("manager", "zhou", full_name="周敏")
    now = timezone.now()
    Ticket.objects.filter(pk=orders["overdue"].pk).update(
        stage_warn_at=now - timedelta(days=4), stage_due_at=now - timedelta(days=3)
    )
    assert load_duty_logs(centre, days=2, now=now) == 7
    logs = list(DutyLog.objects.order_by("starts_at"))
    assert [log.state for log in logs] == [DutyLogState.HANDED_OVER] * 6 + [DutyLogState.OPEN]
    # The current shift is the first leader's; the turns rotate among leaders, then managers.
    assert logs[-1].leader == outgoing and logs[-1].starts_at <= now < logs[-1].ends_at
    assert {incoming, manager} <= {log.leader for log in logs}
    assert {log.leader.role for log in logs} == {"leader", "manager"}
    for earlier, later in itertools.pairwise(logs):
        handover = Handover.objects.get(log=earlier)
        assert handover.handed_by == earlier.leader and handover.incoming == later.leader
        assert later.starts_at == earlier.ends_at
        assert handover.handed_at < handover.acknowledged_at <= later.starts_at  # type: ignore[operator]
        assert handover.notes and handover.acknowledgement_note
        numbers = [row["number"] for row in handover.orders]
        assert orders["overdue"].number in numbers
        assert orders["ok"].number not in numbers
        assert all(row["status"] in {"warning", "overdue"} for row in handover.orders)
    assert all(log.entries.exists() for log in logs)
    carried = DutyEntry.objects.filter(carried_from__isnull=False)
    assert all(entry.carried_from.log.ends_at == entry.log.starts_at for entry in carried)  # type: ignore[union-attr]
    assert load_duty_logs(centre, days=2, now=now) == 0
    assert DutyLog.objects.count() == 7
