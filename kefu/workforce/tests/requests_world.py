"""A small team with a published rota, made directly in the database, for the leave and
swap tests: two agents on one queue, a leader, and a week of shifts starting tomorrow.

王晓婷 (`agent`) works the day shift (09:00–18:00) on days 0–4; 李明 (`agent2`) the night
shift (22:00–07:00) on days 0–2 and the day shift on days 3–4. One agent is needed on
the queue in every half hour from 09:00 to 18:00 and from 22:00."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.telephony.models import Queue
from kefu.workforce.models import (
    Contract,
    Rota,
    RotaStatus,
    Shift,
    ShiftKind,
    ShiftTemplate,
    StaffMember,
)

DAYS = 7
PER_DAY = 48


@dataclass
class World:
    centre: OrgUnit
    rota: Rota
    queue: Queue
    contract: Contract
    templates: dict[str, ShiftTemplate]
    agent: StaffMember
    colleague: StaffMember
    leader: User
    first_day: dt.date

    def day(self, offset: int) -> dt.date:
        return self.first_day + dt.timedelta(days=offset)

    def shift(self, member: StaffMember, offset: int) -> Shift:
        return Shift.objects.get(rota=self.rota, member=member, day=self.day(offset))


def add_shift(rota: Rota, member: StaffMember, template: ShiftTemplate, day: dt.date) -> Shift:
    start = timezone.make_aware(dt.datetime.combine(day, template.start))
    return Shift.objects.create(
        rota=rota,
        member=member,
        day=day,
        template=template,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=template.length_minutes),
    )


def requirement() -> list[int]:
    curve = []
    for _day in range(DAYS):
        curve += [1 if 18 <= slot < 36 or slot >= 44 else 0 for slot in range(PER_DAY)]
    return curve


def build_world(
    centre: OrgUnit, make_user: Callable[..., User], *, status: str = RotaStatus.PUBLISHED
) -> World:
    queue = Queue.objects.create(centre=centre, name="95598", title="热线")
    contract = Contract.objects.create(centre=centre, name="全职")
    templates = {
        code: ShiftTemplate.objects.create(
            centre=centre, code=code, name=name, kind=kind, start=start, length_minutes=length
        )
        for code, name, kind, start, length in [
            ("morning", "早班", ShiftKind.MORNING, dt.time(7), 8 * 60),
            ("day", "白班", ShiftKind.DAY, dt.time(9), 9 * 60),
            ("night", "夜班", ShiftKind.NIGHT, dt.time(22), 9 * 60),
        ]
    }
    agent_user = make_user("agent", "agent", full_name="王晓婷")
    colleague_user = make_user("agent", "agent2", full_name="李明")
    leader = make_user("leader", "leader", full_name="陈建华")
    members = []
    for user in (agent_user, colleague_user):
        member = StaffMember.objects.create(user=user, centre=centre, contract=contract)
        member.queues.add(queue)
        members.append(member)
    first_day = timezone.localdate() + dt.timedelta(days=1)
    rota = Rota.objects.create(
        centre=centre,
        first_day=first_day,
        last_day=first_day + dt.timedelta(days=DAYS - 1),
        status=status,
        requirement={"95598": requirement()},
    )
    agent, colleague = members
    for offset in range(5):
        day = first_day + dt.timedelta(days=offset)
        add_shift(rota, agent, templates["day"], day)
        add_shift(rota, colleague, templates["night" if offset < 3 else "day"], day)
    return World(centre, rota, queue, contract, templates, agent, colleague, leader, first_day)


@pytest.fixture(name="world")
def world_fixture(centre: OrgUnit, make_user: Callable[..., User]) -> World:
    return build_world(centre, make_user)
