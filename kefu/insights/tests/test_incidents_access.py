"""Who sees and handles major incidents, through the one access-checked getter
`incident_get_for_user` that the API and the pages share: role × object."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.errors import Conflict
from kefu.core.models import OrgUnit
from kefu.insights.models import Incident
from kefu.insights.services.incidents import incident_open_by_hand
from kefu.insights.tests.conftest import IncidentWorld

pytestmark = pytest.mark.django_db

SEE = {"agent", "expert", "backoffice", "handler", "leader", "manager", "admin"}
MANAGE = {"backoffice", "leader", "manager"}


def _incident(
    world: IncidentWorld, department: OrgUnit | None = None, *, whole_region: bool = False
) -> Incident:
    return incident_open_by_hand(
        actor=world.users["leader"],
        region_id=world.region.pk,
        reason_id=None if whole_region else world.outage.pk,
        title="鼓楼区停电",
        script="抢修中。",
        department_id=(department or world.department).pk,
    )


@pytest.mark.parametrize(
    "role", ["agent", "expert", "backoffice", "handler", "leader", "qa", "editor", "manager"]
)
def test_each_role_sees_and_handles_what_it_may(incident_world: IncidentWorld, role: str) -> None:
    world = incident_world
    incident = _incident(world)
    api = ApiClient(token_for(role))
    url = f"/api/v1/insights/incidents/{incident.pk}"
    listed = api.get("/api/v1/insights/incidents").json()["items"]
    assert [row["id"] for row in listed] == ([incident.pk] if role in SEE else [])
    assert api.get(url).status_code == (200 if role in SEE else 404)
    dispatch = api.post(f"{url}/report")
    assert dispatch.status_code == (200 if role in MANAGE else 403 if role in SEE else 404)
    opened = api.post(
        "/api/v1/insights/incidents",
        {"region_id": world.region.pk, "title": "停电", "script": "抢修中。"},
    )
    assert opened.status_code == (201 if role in MANAGE else 403)
    close = api.post(f"{url}/close", {"version": 1, "reply": "已恢复供电。"})
    assert close.status_code == (200 if role in MANAGE else 403 if role in SEE else 404)
    browser = Client()
    browser.login(username=role, password=PASSWORD)
    assert browser.get(f"/insights/incidents/{incident.pk}/").status_code == (
        200 if role in SEE else 404
    )
    assert browser.get("/insights/incidents/").status_code == (200 if role in SEE else 403)
    assert browser.get("/insights/incidents/new/").status_code == (200 if role in MANAGE else 403)


def test_other_centres_and_other_departments_see_nothing(incident_world: IncidentWorld) -> None:
    world = incident_world
    billing = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="billing", name="电费", parent=world.centre
    )
    theirs = _incident(world, department=billing, whole_region=True)
    ours = _incident(world)
    # One open incident per region and reason: a second is refused, its callers go to it.
    with pytest.raises(Conflict) as twice:
        _incident(world)
    assert twice.value.code == "incident_open_already"
    outsider = ApiClient(token_for("outsider"))
    assert outsider.get(f"/api/v1/insights/incidents/{ours.pk}").status_code == 404
    assert outsider.get("/api/v1/insights/incidents").json()["items"] == []
    handler = ApiClient(token_for("handler"))
    assert handler.get(f"/api/v1/insights/incidents/{theirs.pk}").status_code == 404
    assert [r["id"] for r in handler.get("/api/v1/insights/incidents").json()["items"]] == [ours.pk]


def test_an_agent_attaches_only_contacts_of_the_centre(incident_world: IncidentWorld) -> None:
    world = incident_world
    incident = _incident(world)
    mine = world.record(world.customers[0])
    agent = ApiClient(token_for("agent"))
    url = f"/api/v1/insights/incidents/{incident.pk}/contacts"
    assert agent.post(url, {"contact_id": mine.pk}).status_code == 201
    assert agent.post(url, {"contact_id": 10**9}).status_code == 422
    # An agent does not attach orders, dispatch or dismiss.
    assert agent.post(f"{url[:-9]}/orders", {"number": "GD1"}).status_code == 403
    assert agent.post(f"{url[:-9]}/dispatch", {"version": 2}).status_code == 403
    assert agent.post(f"{url[:-9]}/dismiss", {"version": 2, "note": "x"}).status_code == 403
