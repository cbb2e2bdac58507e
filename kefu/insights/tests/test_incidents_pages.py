"""The major-incident pages: the workbench's panel proposes the caller's likely incident
and attaches the contact just recorded in one click (htmx); the list shows the open ones
first; a refused form keeps what was typed; the incident page reads a fixed number of
times."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.insights.models import IncidentContact, IncidentOrder
from kefu.insights.services.incidents import (
    incident_contact_attach,
    incident_dismiss,
    incident_open_by_hand,
)
from kefu.insights.tests.conftest import IncidentWorld

pytestmark = pytest.mark.django_db


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _open(world: IncidentWorld, region_id: int | None = None, title: str = "鼓楼区停电") -> Any:
    return incident_open_by_hand(
        actor=world.users["leader"],
        region_id=region_id or world.region.pk,
        reason_id=world.outage.pk,
        title=title,
        script="鼓楼区线路故障，抢修中，预计18点恢复。",
        department_id=world.department.pk,
    )


def test_the_workbench_proposes_the_incident_and_attaches_in_one_click(
    incident_world: IncidentWorld,
) -> None:
    world = incident_world
    elsewhere = _open(world, world.elsewhere.pk, "玄武区停电")
    incident = _open(world)
    customer = world.customers[0]
    agent = _signed_in("agent")
    page = agent.get(f"/workbench/?caller=13800000001&customer={customer.pk}")
    assert 'hx-get="/insights/incidents/workbench/' in page.content.decode()
    contact = world.record(customer, order=True)
    panel = agent.get(
        "/insights/incidents/workbench/", {"caller": "13800000001", "customer": str(customer.pk)}
    ).content.decode()
    # The caller's incident first, with its script, proposed; the other one listed after.
    assert panel.index("鼓楼区停电") < panel.index("玄武区停电")
    assert "很可能属于此故障" in panel and "抢修中，预计18点恢复" in panel
    assert f'value="{contact.pk}"' in panel
    attached = agent.post(
        f"/insights/incidents/{incident.pk}/attach/",
        {"contact_id": contact.pk, "caller": "13800000001", "customer": customer.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "本次来电已归入" in attached
    assert IncidentContact.objects.get().incident == incident
    # The order opened on the call is a child order.
    assert IncidentOrder.objects.get().ticket.contacts.get() == contact
    assert elsewhere.contacts.count() == 0


def test_the_panel_is_empty_without_open_incidents(incident_world: IncidentWorld) -> None:
    world = incident_world
    incident = _open(world)
    incident_dismiss(actor=world.users["leader"], incident=incident, version=1, note="误报")
    panel = _signed_in("agent").get("/insights/incidents/workbench/", {"caller": "1"})
    assert panel.content.decode().strip() == ""


def test_a_refused_open_form_keeps_what_was_typed(incident_world: IncidentWorld) -> None:
    world = incident_world
    leader = _signed_in("leader")
    refused = leader.post(
        "/insights/incidents/new/",
        {"title": "鼓楼区大面积停电", "region": world.region.pk, "script": ""},
    )
    assert refused.status_code == 400
    assert "鼓楼区大面积停电" in refused.content.decode()
    opened = leader.post(
        "/insights/incidents/new/",
        {
            "title": "鼓楼区大面积停电",
            "region": world.region.pk,
            "reason": world.outage.pk,
            "department": world.department.pk,
            "script": "抢修中。",
        },
    )
    assert opened.status_code == 302
    listing = leader.get("/insights/incidents/").content.decode()
    assert "鼓楼区大面积停电" in listing


def test_a_refused_close_keeps_the_reply(incident_world: IncidentWorld) -> None:
    world = incident_world
    incident = _open(world)
    leader = _signed_in("leader")
    refused = leader.post(
        f"/insights/incidents/{incident.pk}/close/", {"version": 7, "reply": "已恢复供电。"}
    )
    assert refused.status_code == 400
    assert "已恢复供电。" in refused.content.decode()


def test_the_incident_page_reads_a_fixed_number_of_times(
    incident_world: IncidentWorld, django_assert_max_num_queries: Any
) -> None:
    world = incident_world
    incident = _open(world)
    leader = _signed_in("leader")

    def attach(n: int) -> None:
        for _ in range(n):
            contact = world.record(world.customers[0], order=True)
            incident_contact_attach(
                actor=world.users["agent"], incident=incident, contact_id=contact.pk
            )

    attach(1)
    with django_assert_max_num_queries(30) as few:
        assert leader.get(f"/insights/incidents/{incident.pk}/").status_code == 200
    attach(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert leader.get(f"/insights/incidents/{incident.pk}/").status_code == 200
