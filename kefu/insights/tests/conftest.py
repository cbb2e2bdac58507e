"""The insights tests' worlds, one fixture per part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from kefu.contacts.models import CallReason, Contact
from kefu.contacts.services import contact_create
from kefu.core.models import OrgUnit, Region, User
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create_on_contact


@dataclass
class IncidentWorld:
    """A centre with a repair department, the 鼓楼区 district and 玄武区 beside it, the
    call reason 停电 under 电力故障, one user per role (a second agent), a manager of
    another centre, and three customers of 鼓楼区 with mobiles."""

    centre: OrgUnit
    department: OrgUnit
    region: Region
    elsewhere: Region
    outage: CallReason
    users: dict[str, User]
    outsider: User
    customers: list[Customer]

    def record(
        self, customer: Customer | None, *, agent: str = "agent", order: bool = False
    ) -> Contact:
        """A contact recorded on the workbench (with a fault order opened on it)."""
        fields: dict[str, Any] = {
            "channel": "hotline",
            "caller_number": "13900000009" if customer is None else "",
            "customer_id": customer.pk if customer else None,
            "region": self.region.code,
            "business_type": "power",
            "service_content": "outage",
            "summary": "家里停电了",
        }
        actor = self.users[agent]
        if not order:
            return contact_create(actor=actor, started_at=timezone.now(), settled=True, **fields)
        ticket: Ticket = ticket_create_on_contact(
            actor=actor,
            contact={"started_at": timezone.now(), **fields},
            kind="fault",
            title="停电报修",
        )
        return ticket.contacts.get()


@pytest.fixture
def incident_world(
    centre: OrgUnit,
    department: OrgUnit,
    region: Region,
    other_centre: OrgUnit,
    make_user: Callable[..., User],
) -> IncidentWorld:
    elsewhere = Region.objects.create(code="320102", name="玄武区", parent=region.parent)
    power = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="power", name="电力故障"
    )
    outage = CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="outage",
        name="停电",
        parent=power,
    )
    users = {
        role: make_user(role)
        for role in ("agent", "expert", "backoffice", "handler", "leader", "qa", "editor")
    }
    users["manager"] = make_user("manager")
    users["admin"] = make_user("admin")
    users["agent2"] = make_user("agent", username="agent2")
    outsider = make_user("manager", username="outsider", centre=other_centre)
    customers = [
        customer_create(
            actor=users["agent"],
            name=name,
            phones=[phone],
            region=region.code,
        )
        for name, phone in [
            ("张三", "13800000001"),
            ("李四", "13800000002"),
            ("王五", "13800000003"),
        ]
    ]
    return IncidentWorld(centre, department, region, elsewhere, outage, users, outsider, customers)
