"""The supervision tests' world: a centre with a team, one user per role (the team leader
and an agent in the team), a second leader and a manager of another centre, the default
checklists, and complaint and repair orders and callbacks to draw from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from kefu.contacts.models import Channel, Contact, Direction
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.supervision.models import Checklist, ChecklistKind
from kefu.supervision.services.checklists import checklists_ensure
from kefu.tickets.models import Ticket, TicketKind


@dataclass
class World:
    centre: OrgUnit
    team: OrgUnit
    users: dict[str, User]
    other: User  # a manager of another centre
    other_leader: User  # a team leader of this centre, in no team of theirs

    def checklist(self, kind: str = ChecklistKind.ROUND) -> Checklist:
        return Checklist.objects.get(centre=self.centre, kind=kind)


@pytest.fixture
def world(
    centre: OrgUnit,
    other_centre: OrgUnit,
    make_user: Callable[..., User],
) -> World:
    team = OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code="team-a", name="一班", parent=centre)
    users: dict[str, User] = {}
    for role in ["agent", "expert", "backoffice", "handler", "qa", "editor", "manager", "admin"]:
        users[role] = make_user(role)
    users["leader"] = make_user("leader", team=team, full_name="陈建华")
    users["agent"].team = team
    users["agent"].full_name = "王晓婷"
    users["agent"].save(update_fields=["team", "full_name"])
    other = make_user("manager", username="other-manager", centre=other_centre)
    other_leader = make_user("leader", username="leader2", full_name="李强")
    checklists_ensure(centre=centre)
    checklists_ensure(centre=other_centre)
    return World(centre, team, users, other, other_leader)


@pytest.fixture
def records(world: World) -> dict[str, list[Any]]:
    """Five complaints, five repair orders and five callbacks of last week, and one
    complaint of two months ago (outside the draw's month)."""
    agent = world.users["agent"]
    customer = Customer.objects.create(centre=world.centre, name="赵先生")
    now = timezone.now()
    made: dict[str, list[Any]] = {"complaint": [], "repair": [], "callback": []}
    for n in range(16):
        kind = TicketKind.COMPLAINT if n % 2 == 0 else TicketKind.FAULT
        when = now - (dt.timedelta(days=60) if n == 15 else dt.timedelta(days=1 + n % 6))
        if n < 10 or n == 15:
            ticket = Ticket.objects.create(
                number=f"GD{n:04d}",
                centre=world.centre,
                kind=kind if n < 10 else TicketKind.COMPLAINT,
                title="停电报修" if kind == TicketKind.FAULT else "投诉",
                state="closed",
                customer=customer,
                created_by=agent,
                created_at=when,
            )
            if n < 10:
                made["complaint" if kind == TicketKind.COMPLAINT else "repair"].append(ticket)
        else:
            made["callback"].append(
                Contact.objects.create(
                    centre=world.centre,
                    channel=Channel.HOTLINE,
                    direction=Direction.OUTBOUND,
                    agent=agent,
                    started_at=when,
                )
            )
    return made
