"""The demo's leave and swap requests (调班申请, 002 第15篇 3.1.1): made on the published
rota through the services, some waiting and some decided; once only; nothing without a
rota."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.core.models import OrgUnit, User
from kefu.workforce.demo_requests import load_demo_requests
from kefu.workforce.models import (
    LeaveRequest,
    RequestStatus,
    RotaChange,
    Shift,
    StaffMember,
    SwapRequest,
)
from kefu.workforce.tests.requests_world import add_shift, build_world

pytestmark = pytest.mark.django_db


def test_nothing_without_a_published_rota(centre: OrgUnit) -> None:
    assert load_demo_requests() == 0
    assert not LeaveRequest.objects.exists()


def test_the_demo_gets_pending_and_decided_requests_once(
    centre: OrgUnit, make_user: Callable[..., User]
) -> None:
    world = build_world(centre, make_user)
    for index, template in ((3, "night"), (4, "morning")):
        user = make_user("agent", f"agent{index}", full_name=f"坐席{index}")
        member = StaffMember.objects.create(user=user, centre=centre, contract=world.contract)
        member.queues.add(world.queue)
        for offset in range(7):
            add_shift(world.rota, member, world.templates[template], world.day(offset))
    # The demo rota's own approved leave, decided by no one (kefu/workforce/demo.py).
    LeaveRequest.objects.create(
        member=world.colleague,
        kind="annual",
        first_day=world.day(6),
        last_day=world.day(6),
        status=RequestStatus.APPROVED,
    )
    made = load_demo_requests()
    assert made >= 6
    statuses = set(LeaveRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.REFUSED}
    approved = LeaveRequest.objects.get(status=RequestStatus.APPROVED, decided_by__isnull=False)
    assert not Shift.objects.filter(member=approved.member, day=approved.first_day).exists()
    assert RotaChange.objects.filter(leave=approved).exists()
    swaps = SwapRequest.objects.all()
    assert swaps.filter(status=RequestStatus.PENDING, accepted_at__isnull=False).exists()
    assert swaps.filter(status=RequestStatus.PENDING, accepted_at__isnull=True).exists()
    assert swaps.filter(status=RequestStatus.REFUSED).exclude(decision_note="").exists()
    assert load_demo_requests() == 0
    assert LeaveRequest.objects.count() == 5
