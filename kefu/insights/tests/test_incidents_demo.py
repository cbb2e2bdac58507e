"""The demo's major incidents (issue 21 point 6), on a small centre rather than the whole
demo: today's closed incident with its callers, child orders and the reply sent, loaded
once; and `kefu demo incident`'s live one, opened and alerted."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kefu.contacts.models import CallReason
from kefu.core.models import Notification, Region
from kefu.customers.services import customer_create
from kefu.insights.demo import incidents as demo
from kefu.insights.models import Incident, IncidentState
from kefu.insights.tests.conftest import IncidentWorld
from kefu.satisfaction.models import Message, MessageState
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(incident_world: IncidentWorld) -> IncidentWorld:
    world = incident_world
    city = world.region.parent
    CallReason.objects.create(
        centre=world.centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="power_outage",
        name="停电",
        parent=world.outage.parent,
    )
    for code, name in [("320113", "栖霞区"), ("320115", "江宁区")]:
        region = Region.objects.create(code=code, name=name, parent=city)
        for n in range(6):
            customer_create(
                actor=world.users["agent"],
                name=f"{name}客户{n}",
                phones=[f"1370000{code[-2:]}{n:02d}"],
                region=region.code,
            )
    return world


def test_todays_incident_is_closed_with_its_callers_orders_and_reply(
    demo_world: IncidentWorld,
) -> None:
    demo.load_incidents(demo_world.centre)
    demo.load_incidents(demo_world.centre)  # a second load changes nothing
    incident = Incident.objects.get()
    assert incident.state == IncidentState.CLOSED and incident.reply == demo.HISTORY_REPLY
    assert incident.contacts.count() == 6
    children = Ticket.objects.filter(pk__in=incident.orders.values("ticket_id"))
    assert children.exists() and set(children.values_list("state", flat=True)) == {"closed"}
    assert incident.order is not None and incident.order.state == "closed"
    assert incident.order.result.startswith("迈皋桥")  # the department's returned result
    messages = Message.objects.filter(key__startswith=f"incident:{incident.pk}:")
    assert messages.count() == 6
    assert set(messages.values_list("state", flat=True)) == {MessageState.DELIVERED}


def test_a_live_incident_now(demo_world: IncidentWorld) -> None:
    live = demo.incident_now(demo_world.centre, count=5)
    assert live is not None and live.contacts == 5
    assert live.incident.state == IncidentState.OPEN
    assert live.incident.notice is not None and live.incident.notice.state == "published"
    told = Notification.objects.filter(kind="insights.incident")
    assert {"leader", "manager", "handler"} <= set(
        told.values_list("recipient__username", flat=True)
    )


def test_the_command_needs_the_demo_centre(demo_world: IncidentWorld) -> None:
    with pytest.raises(SystemExit):
        call_command("demo", "incident")
    assert not Incident.objects.exists()
