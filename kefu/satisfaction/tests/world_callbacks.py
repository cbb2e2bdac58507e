"""A small centre for the callback and dissatisfied-list tests: two teams of agents, two
back-office staff, a leader, a manager, a back-office user of another centre; customers;
settled contacts; work orders walked through the loop by the tickets services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.contacts.models import Channel, Contact
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.satisfaction.models import CallbackRule
from kefu.satisfaction.services.callbacks import callback_rule_set
from kefu.tickets.models import Ticket, TimeLimitPolicy
from kefu.tickets.services.actions import ActionInput, ticket_act, ticket_create

HOURS = {"limit": "PT4H", "warning": "PT3H"}


@dataclass
class World:
    centre: OrgUnit
    other: OrgUnit
    team_a: OrgUnit
    team_b: OrgUnit
    people: dict[str, User]
    customers: list[Customer] = field(default_factory=list)

    def contact(
        self,
        agent: str,
        customer: Customer | None = None,
        *,
        channel: str = Channel.HOTLINE,
        ago: dt.timedelta = dt.timedelta(hours=2),
        settled: bool = True,
    ) -> Contact:
        ended = timezone.now() - ago
        return Contact.objects.create(
            centre=self.centre,
            channel=channel,
            agent=self.people[agent],
            customer=customer or self.customers[0],
            started_at=ended - dt.timedelta(minutes=5),
            ended_at=ended,
            settled=settled,
            summary="咨询电费",
        )

    def ticket(self, kind: str, customer: Customer | None = None, agent: str = "a1") -> Ticket:
        return ticket_create(
            actor=self.people[agent],
            customer_id=(customer or self.customers[0]).pk,
            kind=kind,
            title="停电报修" if kind == "fault" else "投诉抢修慢",
            description="客户来电。",
        )

    def act(self, ticket: Ticket, action: str, who: str = "bo1", **fields: object) -> Ticket:
        ticket.refresh_from_db()
        return ticket_act(
            actor=self.people[who],
            number=ticket.number,
            action=action,
            version=ticket.version,
            fields=ActionInput(**fields),  # type: ignore[arg-type]
        )

    def to_replied(self, ticket: Ticket) -> Ticket:
        self.act(ticket, "handle_in_centre")
        self.act(ticket, "return", result="已处理。")
        self.act(ticket, "verify")
        return self.act(ticket, "reply", channel="phone", text="已为您处理完毕。")

    def to_closed(self, ticket: Ticket) -> Ticket:
        self.to_replied(ticket)
        self.act(ticket, "callback", outcome="satisfied")
        ticket.refresh_from_db()
        if ticket.state != "closed":
            self.act(ticket, "close")
        ticket.refresh_from_db()
        return ticket

    def rule(self, kind: str, **extra: object) -> CallbackRule:
        extra.setdefault("name", f"{kind}-rule")
        return callback_rule_set(actor=self.people["manager"], kind=kind, **extra)  # type: ignore[arg-type]


@pytest.fixture
def world(centre: OrgUnit, other_centre: OrgUnit, make_user: Callable[..., User]) -> World:
    always = WorkCalendar.objects.create(name="24x7", title="7×24", kind=WorkCalendar.Kind.ALWAYS)
    stages = ["review", "take", "return", "verify", "reply", "callback"]
    TimeLimitPolicy.objects.create(
        name="默认",
        calendar=always,
        limits={**dict.fromkeys(stages, HOURS), "overall": {"limit": "P5D", "warning": "P4D"}},
    )
    team_a = OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code="t-a", name="一班", parent=centre)
    team_b = OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code="t-b", name="二班", parent=centre)
    people = {
        "a1": make_user("agent", "a1", team=team_a, full_name="王芳"),
        "a2": make_user("agent", "a2", team=team_a, full_name="李娜"),
        "b1": make_user("agent", "b1", team=team_b, full_name="张伟"),
        "bo1": make_user("backoffice", "bo1", full_name="后台甲"),
        "bo2": make_user("backoffice", "bo2", full_name="后台乙"),
        "leader": make_user("leader", "leader", team=team_a, full_name="班长"),
        "manager": make_user("manager", "manager", full_name="经理"),
        "qa": make_user("qa", "qa", full_name="质检"),
        "handler": make_user("handler", "handler", full_name="处理人"),
        "outsider": make_user("backoffice", "outsider", centre=other_centre, full_name="外中心"),
        "other_agent": make_user("agent", "other_agent", centre=other_centre),
    }
    found = World(centre, other_centre, team_a, team_b, people)
    found.customers = [
        customer_create(actor=people["a1"], name=name, phones=[phone])
        for name, phone in [
            ("王建国", "13812345678"),
            ("刘秀英", "13912345678"),
            ("陈明", "13712345678"),
        ]
    ]
    return found


ALL = Decimal(100)
