"""The managers' spike rules (issue 21 point 1, "thresholds editable, with a minimum
count"): through the API (strict, 201/409/422/403/404) and the page (a refused form keeps
what was typed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, Region, User
from kefu.insights.models import SpikeRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage(centre: OrgUnit) -> CallReason:
    fault = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="fault", name="故障报修"
    )
    return CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="outage",
        name="停电",
        parent=fault,
    )


def test_rules_over_the_api(
    api_as: Callable[[str], ApiClient],
    outage: CallReason,
    region: Region,
    other_centre: OrgUnit,
) -> None:
    manager = api_as("manager")
    body = {"region_id": region.pk, "reason_id": outage.pk, "min_count": 30, "ratio": "2.5"}
    created = manager.post("/api/v1/insights/spike-rules", body)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["region_name"], rule["reason_name"], rule["min_count"]) == ("鼓楼区", "停电", 30)
    assert manager.post("/api/v1/insights/spike-rules", body).status_code == 409
    wide = manager.post("/api/v1/insights/spike-rules", {"min_count": 25})
    assert wide.status_code == 201
    assert manager.post("/api/v1/insights/spike-rules", {"min_count": 40}).status_code == 409
    for wrong in ({"ratio": "0.5"}, {"min_count": 0}, {"colour": "red"}, {"reason_id": 99999}):
        assert manager.post("/api/v1/insights/spike-rules", wrong).status_code == 422, wrong
    listed = manager.get("/api/v1/insights/spike-rules").json()
    assert listed["count"] == 2
    path = f"/api/v1/insights/spike-rules/{rule['id']}"
    changed = manager.put(path, {**body, "min_count": 35, "active": False})
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert api_as("leader").get("/api/v1/insights/spike-rules").status_code == 403
    assert api_as("agent").post("/api/v1/insights/spike-rules", body).status_code == 403
    foreign = SpikeRule.objects.create(centre=other_centre, min_count=5)
    assert manager.get(f"/api/v1/insights/spike-rules/{foreign.pk}").status_code == 404
    assert manager.request("DELETE", path).status_code == 204
    assert SpikeRule.objects.filter(centre__code="test-centre").count() == 1


def test_the_rules_page_keeps_a_refused_form(
    users: dict[str, User], outage: CallReason, region: Region
) -> None:
    client = Client()
    client.force_login(users["manager"])
    page = client.get("/insights/spike-rules/")
    assert page.status_code == 200 and "停电" in page.content.decode()
    refused = client.post(
        "/insights/spike-rules/",
        {"region": region.pk, "reason": outage.pk, "min_count": "33", "ratio": "0.5"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'value="33"' in html and 'value="0.5"' in html
    saved = client.post(
        "/insights/spike-rules/",
        {"region": region.pk, "reason": outage.pk, "min_count": "33", "ratio": "2", "active": "on"},
    )
    assert saved.status_code == 302
    rule = SpikeRule.objects.get()
    clash = client.post(
        "/insights/spike-rules/",
        {"region": region.pk, "reason": outage.pk, "min_count": "44", "ratio": "2"},
    )
    assert clash.status_code == 400 and 'value="44"' in clash.content.decode()
    edit = client.post(f"/insights/spike-rules/{rule.pk}/", {"min_count": "50", "ratio": "4"})
    assert edit.status_code == 302
    rule.refresh_from_db()
    assert (rule.region, rule.reason, rule.min_count) == (None, None, 50)
    assert client.post(f"/insights/spike-rules/{rule.pk}/", {"delete": "1"}).status_code == 302
    assert not SpikeRule.objects.exists()
    client.force_login(users["leader"])
    assert client.get("/insights/spike-rules/").status_code == 403
