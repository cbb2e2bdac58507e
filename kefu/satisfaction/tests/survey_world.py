"""A small centre for the survey tests: a manager who keeps the surveys, a back-office
reader, an agent with a staff ID in team A, customers with mobiles, a contact, and a
survey of four questions (CSAT, NPS, CES, free text)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction.models import Invitation, SurveyTemplate
from kefu.satisfaction.services.surveys import (
    QuestionSpec,
    Recipient,
    TemplateSpec,
    invitations_send,
    template_create,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LINK = re.compile(r"/s/([A-Za-z0-9_-]{10,64})/")

SPEC = TemplateSpec(
    name="热线满意度",
    touchpoint="hotline",
    intro="感谢您致电客服热线，请对本次服务进行评价。",
    thanks="感谢您的评价，我们会持续改进。",
    sms_text="【客服中心】请回复1-5评价本次服务（5为非常满意），或点击链接：",
    questions=[
        QuestionSpec("csat", "您对本次服务满意吗？"),
        QuestionSpec("nps", "您有多大可能向亲友推荐我们？"),
        QuestionSpec("ces", "办理这件事容易吗？"),
        QuestionSpec("text", "您还有什么建议？", required=False),
    ],
)


def today_at(hour: int, minute: int = 0, days: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def token_of(invitation: Invitation) -> str:
    assert invitation.message is not None
    found = LINK.search(invitation.message.text)
    assert found is not None, invitation.message.text
    return found.group(1)


@dataclass
class World:
    centre: OrgUnit
    team: OrgUnit
    manager: User
    reader: User
    agent: User
    customers: list[Customer]
    template: SurveyTemplate

    def customer(self, n: int) -> Customer:
        while len(self.customers) <= n:
            i = len(self.customers)
            customer = Customer.objects.create(centre=self.centre, name=f"客户{i}")
            CustomerPhone.objects.create(customer=customer, number=f"1391234{i:04d}", kind="mobile")
            self.customers.append(customer)
        return self.customers[n]

    def send(
        self, *numbers: int, at: dt.datetime | None = None, **values: object
    ) -> list[Invitation]:
        recipients = [
            Recipient(
                key=f"k{n}",
                customer_id=self.customer(n).pk,
                staff_number="A001",
                **values,  # type: ignore[arg-type]
            )
            for n in numbers
        ]
        return invitations_send(
            actor=self.manager,
            template_id=self.template.pk,
            recipients=recipients,
            now=at or today_at(10),
        )

    def contact(self, customer: int = 0, **values: object) -> Contact:
        defaults: dict[str, object] = {
            "centre": self.centre,
            "channel": "hotline",
            "direction": "inbound",
            "caller_number": self.customer(customer).phones.first().number,  # type: ignore[union-attr]
            "customer": self.customer(customer),
            "agent": self.agent,
            "started_at": timezone.now() - dt.timedelta(hours=3),
            "ended_at": timezone.now() - dt.timedelta(hours=2, minutes=55),
        }
        defaults.update(values)
        return Contact.objects.create(**defaults)


@pytest.fixture
def world(centre: OrgUnit, make_user: Callable[..., User]) -> World:
    team = OrgUnit.objects.create(kind="team", code="team-a", name="一班", parent=centre)
    manager = make_user("manager", "manager1")
    reader = make_user("backoffice", "back1")
    agent = make_user("agent", "agent1", team=team, employee_number="A001", full_name="王芳")
    template = template_create(actor=manager, spec=SPEC)
    return World(centre, team, manager, reader, agent, [], template)
