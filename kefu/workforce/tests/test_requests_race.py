"""Two decisions at once on one request (调班申请, 002 第15篇 3.1.1: the leader decides
once): one wins, the other is refused, and the rota changes once."""

from __future__ import annotations

from functools import partial

import pytest

from kefu.conftest import race
from kefu.core.errors import Conflict
from kefu.core.models import User
from kefu.workforce.models import LeaveRequest, RequestStatus, RotaChange, Shift
from kefu.workforce.services.requests import (
    leave_request_create,
    leave_request_decide,
    leave_request_withdraw,
)
from kefu.workforce.tests.requests_world import World, world_fixture  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approval_and_a_withdrawal_at_once_change_the_rota_at_most_once(
    world: World,
) -> None:
    agent = User.objects.get(username="agent")
    for attempt in range(3):
        leave = leave_request_create(
            actor=agent,
            kind="annual",
            first_day=world.day(attempt),
            last_day=world.day(attempt),
            reason="有事",
        )
        results = race(
            [
                partial(leave_request_decide, actor=world.leader, leave_id=leave.pk, approve=True),
                partial(leave_request_withdraw, actor=agent, leave_id=leave.pk),
                partial(
                    leave_request_decide,
                    actor=world.leader,
                    leave_id=leave.pk,
                    approve=False,
                    note="人手不足",
                ),
            ]
        )
        won = [result for result in results if isinstance(result, LeaveRequest)]
        lost = [result for result in results if isinstance(result, Conflict)]
        assert len(won) == 1 and len(lost) == 2, results
        leave.refresh_from_db()
        approved = leave.status == RequestStatus.APPROVED
        assert Shift.objects.filter(member=world.agent, day=world.day(attempt)).exists() is (
            not approved
        )
        assert RotaChange.objects.filter(leave=leave).count() == (1 if approved else 0)
