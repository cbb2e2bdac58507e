"""Reminder plans over the API (issue 19, point 4): who may keep them, strict schemas,
creates safe to repeat, versioned changes, no 5xx for any input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.conftest import ApiClient
from kefu.core.models import User
from kefu.customers.services import customer_create

RULE = {
    "name": "合同到期提醒",
    "event": "contract_expiry",
    "days": 30,
    "channel": "sms",
    "template": "尊敬的{客户}：您的合同将于{日期}到期。",
}


def test_a_manager_keeps_the_rules(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as("manager")
    created = manager.post("/api/v1/satisfaction/reminder-rules", RULE)
    assert created.status_code == 201, created.json()
    rule = created.json()
    assert (rule["days"], rule["send_from"], rule["written"], rule["version"]) == (
        30,
        "09:00",
        0,
        1,
    )
    again = manager.post("/api/v1/satisfaction/reminder-rules", RULE)
    assert (again.status_code, again.json()["id"]) == (201, rule["id"])
    other = manager.post("/api/v1/satisfaction/reminder-rules", {**RULE, "days": 7})
    assert (other.status_code, other.json()["code"]) == (409, "reminder_name_taken")

    path = f"/api/v1/satisfaction/reminder-rules/{rule['id']}"
    changed = manager.patch(path, {"version": 1, "days": 14, "working_days": True})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["days"], changed.json()["version"]) == (14, 2)
    stale = manager.patch(path, {"version": 1, "days": 7})
    assert (stale.status_code, stale.json()["code"]) == (409, "version_conflict")
    listed = manager.get("/api/v1/satisfaction/reminder-rules").json()
    assert [item["id"] for item in listed["items"]] == [rule["id"]]


def test_bad_rules_are_refused_with_the_field(api_as: Callable[[str], ApiClient]) -> None:
    manager = api_as("manager")
    post = manager.post
    bad_template = post("/api/v1/satisfaction/reminder-rules", {**RULE, "template": "{姓名}"})
    assert (bad_template.status_code, bad_template.json()["detail"]["field"]) == (
        422,
        "template",
    )
    unknown_field = post("/api/v1/satisfaction/reminder-rules", {**RULE, "colour": "red"})
    assert unknown_field.status_code == 422
    bad_event = post("/api/v1/satisfaction/reminder-rules", {**RULE, "event": "birthday"})
    assert bad_event.status_code == 422
    window = post(
        "/api/v1/satisfaction/reminder-rules",
        {**RULE, "send_from": "12:00", "send_until": "09:00"},
    )
    assert (window.status_code, window.json()["detail"]["field"]) == (422, "send_until")


def test_only_those_who_keep_outreach_see_the_rules(
    api_as: Callable[[str], ApiClient], anonymous: ApiClient
) -> None:
    assert api_as("agent").get("/api/v1/satisfaction/reminder-rules").status_code == 403
    assert api_as("agent").post("/api/v1/satisfaction/reminder-rules", RULE).status_code == 403
    assert anonymous.get("/api/v1/satisfaction/reminder-rules").status_code == 401
    assert api_as("manager").get("/api/v1/satisfaction/reminder-rules/999").status_code == 404


def test_customer_dates_are_recorded_once(
    api_as: Callable[[str], ApiClient], users: dict[str, User]
) -> None:
    customer = customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])
    manager = api_as("manager")
    body = {"customer_id": customer.pk, "kind": "meter_calibration", "date": "2027-01-15"}
    first = manager.post("/api/v1/satisfaction/customer-dates", body)
    assert first.status_code == 201, first.json()
    again = manager.post("/api/v1/satisfaction/customer-dates", body)
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["customer_name"] == "王建国"
    unknown = manager.post("/api/v1/satisfaction/customer-dates", {**body, "customer_id": 10**9})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "customer_unknown")
    listed = manager.get("/api/v1/satisfaction/customer-dates", customer_id=customer.pk).json()
    assert listed["count"] == 1


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from([*RULE, "days", "send_from", "working_days", "x"]),
        st.one_of(st.none(), st.integers(-5, 10**12), st.text(max_size=20), st.booleans()),
    )
)
def test_no_input_makes_a_server_error(
    api_as: Callable[[str], ApiClient], body: dict[str, Any]
) -> None:
    manager = api_as("manager")
    answer = manager.post("/api/v1/satisfaction/reminder-rules", {**RULE, **body})
    assert answer.status_code < 500, answer.content
    patched = manager.patch("/api/v1/satisfaction/reminder-rules/1", {"version": 1, **body})
    assert patched.status_code < 500, patched.content
