"""The rota's setup (issue 17 point 3): shift templates, contracts and staff members in the
admin, like the other apps' configuration; a refused form keeps what was typed. And the
demo centre's workforce (point 7), loaded before its telephone history."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.demo import demo_load
from kefu.telephony.models import Call
from kefu.workforce.models import (
    Contract,
    LeaveRequest,
    Rota,
    RotaStatus,
    ShiftTemplate,
    StaffMember,
)

pytestmark = pytest.mark.django_db


def test_an_administrator_sets_up_templates_contracts_and_staff(
    centre: OrgUnit, users: dict[str, User]
) -> None:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    form = {
        "centre": centre.pk,
        "code": "early",
        "name": "早班",
        "kind": "morning",
        "start": "07:00",
        "length_minutes": "540",
        "breaks": '[{"length": 60, "earliest": 200, "latest": 500}]',
        "active": "on",
    }
    refused = client.post("/admin/workforce/shifttemplate/add/", form)
    body = refused.content.decode()
    assert refused.status_code == 200 and "休息时段与班次不符" in body
    assert 'value="早班"' in body and "&quot;earliest&quot;: 200" in body
    form["breaks"] = '[{"length": 60, "earliest": 210, "latest": 270, "paid": false, "meal": true}]'
    assert client.post("/admin/workforce/shifttemplate/add/", form).status_code == 302
    assert ShiftTemplate.objects.get(code="early").breaks[0]["meal"] is True

    contract = {
        "centre": centre.pk,
        "name": "全日制",
        "min_hours_per_week": "45",
        "max_hours_per_week": "40",
        "rest_days_per_week": "2",
        "max_consecutive_days": "6",
        "min_rest_hours": "11",
        "max_consecutive_nights": "4",
        "min_consecutive_nights": "1",
        "no_morning_after_night": "on",
    }
    refused = client.post("/admin/workforce/contract/add/", contract)
    assert "合同规则相互矛盾" in refused.content.decode()
    contract["min_hours_per_week"] = "32"
    assert client.post("/admin/workforce/contract/add/", contract).status_code == 302
    made = Contract.objects.get()

    member = {
        "user": users["agent"].pk,
        "centre": centre.pk,
        "contract": made.pk,
        "joined_on": "2026-03-01",
        "left_on": "2026-02-01",
    }
    refused = client.post("/admin/workforce/staffmember/add/", member)
    body = refused.content.decode()
    assert "离职日期不能早于入职日期" in body and 'value="2026-03-01"' in body
    member["left_on"] = ""
    assert client.post("/admin/workforce/staffmember/add/", member).status_code == 302
    assert StaffMember.objects.get().user == users["agent"]


def test_the_demo_centre_has_its_staff_and_two_published_rotas() -> None:
    demo_load(customers=10, contacts=10, tickets=5, days=2)
    centre = OrgUnit.objects.get(code="nj95598")
    agents = User.objects.filter(centre=centre, groups__name__in=["agent", "expert"])
    members = StaffMember.objects.filter(centre=centre)
    assert members.count() == agents.count() >= 10
    assert all(member.queues.exists() for member in members)
    assert members.filter(expert=True).exists()
    assert set(ShiftTemplate.objects.filter(centre=centre).values_list("name", flat=True)) == {
        "早班",
        "白班",
        "晚班",
        "夜班",
    }
    # Three the rota was planned around, and one the demo's requests approved after it
    # was published (kefu/workforce/demo_requests.py).
    approved = LeaveRequest.objects.filter(member__centre=centre, status="approved")
    assert approved.count() == 3 + 1
    rotas = Rota.objects.filter(centre=centre)
    assert rotas.count() == 2 and all(r.status == RotaStatus.PUBLISHED for r in rotas)
    assert all(r.shifts.exists() and r.versions.count() == 1 for r in rotas)
    # The telephone history was still simulated after the rota's queues were made.
    assert Call.objects.filter(queue__centre=centre).exists()
