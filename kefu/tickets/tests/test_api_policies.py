"""Time-limit policies and dispatch rules: edited by admins, used by the loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason
from kefu.core.models import AuditEntry, OrgUnit, WorkCalendar
from kefu.tickets.models import TimeLimitPolicy

pytestmark = pytest.mark.django_db

VIP_COMPLAINTS = {
    "name": "VIP投诉",
    "calendar": "24x7",
    "kind": "complaint",
    "tier": "vip",
    "limits": {
        "review": {"limit": "PT30M", "warning": "PT20M"},
        "overall": {"limit": "PT24H", "warning": "PT20H"},
    },
}


def test_admin_creates_a_policy_and_the_most_specific_one_applies(
    api_as: Callable[[str], ApiClient],
    policy: TimeLimitPolicy,
    open_ticket: Callable[..., dict[str, Any]],
    customer: Any,
) -> None:
    created = api_as("admin").post("/api/v1/time-limit-policies", VIP_COMPLAINTS)
    assert created.status_code == 201, created.content
    assert AuditEntry.objects.filter(action="policy.create").exists()

    general = open_ticket()
    customer.tier = "vip"
    customer.save(update_fields=["tier"])
    vip = open_ticket()

    def review_minutes(ticket: dict[str, Any]) -> float:
        started = datetime.fromisoformat(ticket["stage_started_at"])
        return (datetime.fromisoformat(ticket["stage_due_at"]) - started) / timedelta(minutes=1)

    assert review_minutes(general) == 240
    assert review_minutes(vip) == 30


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"limits": {"review": {"limit": "PT1H", "warning": "PT2H"}}}, "policy_invalid"),
        ({"limits": {"lunch": {"limit": "PT1H", "warning": "PT30M"}}}, "policy_invalid"),
        ({"limits": {"review": {"limit": "soon", "warning": "PT30M"}}}, "policy_invalid"),
        # An expert seat's policy sets only taking and answering.
        ({"expert_seat": True}, "policy_invalid"),
        ({"calendar": "mars"}, "calendar_unknown"),
        ({"category": "nope"}, "category_unknown"),
    ],
)
def test_bad_policies_are_refused(
    api_as: Callable[[str], ApiClient], always: WorkCalendar, change: dict[str, Any], code: str
) -> None:
    response = api_as("admin").post("/api/v1/time-limit-policies", {**VIP_COMPLAINTS, **change})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert not TimeLimitPolicy.objects.exists()


def test_only_admins_edit_and_managers_read(
    api_as: Callable[[str], ApiClient], policy: TimeLimitPolicy
) -> None:
    assert (
        api_as("backoffice").post("/api/v1/time-limit-policies", VIP_COMPLAINTS).status_code == 403
    )
    assert api_as("agent").get("/api/v1/time-limit-policies").status_code == 403
    listed = api_as("manager").get("/api/v1/time-limit-policies").json()
    assert [row["name"] for row in listed] == ["默认"]
    replaced = api_as("admin").put(
        f"/api/v1/time-limit-policies/{policy.pk}",
        {**VIP_COMPLAINTS, "name": "默认", "kind": "", "tier": ""},
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["limits"]["review"] == {"limit": "PT30M", "warning": "PT20M"}


def test_dispatch_without_a_department_follows_the_rules(
    api_as: Callable[[str], ApiClient],
    act: Callable[..., Any],
    open_ticket: Callable[..., dict[str, Any]],
    complaint_category: CallReason,
    centre: OrgUnit,
    department: OrgUnit,
) -> None:
    OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="service", name="客户服务", parent=centre
    )
    number = open_ticket()["number"]
    refused = act("backoffice", number, "dispatch")
    assert refused.status_code == 422 and refused.json()["code"] == "department_required"

    admin = api_as("admin")
    general = admin.post("/api/v1/dispatch-rules", {"department": "repair", "position": 1})
    specific = admin.post(
        "/api/v1/dispatch-rules", {"department": "service", "category": "complaint", "position": 2}
    )
    assert general.status_code == specific.status_code == 201
    dispatched = act("backoffice", number, "dispatch")
    assert dispatched.status_code == 200, dispatched.content
    # The rule for the order's category (through its parent) beats the catch-all.
    assert dispatched.json()["department"]["code"] == "service"
    # Naming a department overrides the rules.
    other = open_ticket()["number"]
    assert (
        act("backoffice", other, "dispatch", department="repair").json()["department"]["code"]
        == "repair"
    )
