"""POST /api/v1/telephony/events: platforms that push events in batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kefu.core.models import OrgUnit
from kefu.telephony.models import Call, ImportRun, QueueDay

T0 = 1_763_596_800


def batch() -> dict[str, Any]:
    return {
        "events": [
            {
                "time": T0 + 10,
                "call_id": "p.1",
                "queue": "power",
                "event": "ENTERQUEUE",
                "data": ["", "13800138000", "1"],
            },
            {
                "time": "2025-11-20T08:00:22+08:00",
                "call_id": "p.1",
                "queue": "power",
                "agent": "Agent/1001",
                "event": "CONNECT",
                "data": ["12", "p.2", "3"],
            },
            {
                "time": T0 + 142,
                "call_id": "p.1",
                "queue": "power",
                "agent": "Agent/1001",
                "event": "completecaller",
                "data": ["12", "120", "1"],
            },
            {
                "time": T0 + 150,
                "call_id": "p.3",
                "queue": "power",
                "event": "ENTERQUEUE",
                "data": ["", "13900139000", "1"],
            },
            {"time": T0 + 151, "call_id": "x", "queue": "power", "event": "MADEUP"},
        ]
    }


def test_a_batch_is_ingested_and_sending_it_again_changes_nothing(
    centre: OrgUnit, api_as: Callable[[str], Any]
):
    admin = api_as("admin")
    response = admin.post("/api/v1/telephony/events", batch())
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["events"], body["ignored"], body["calls"]) == (4, 1, 2)
    assert body["errors"] == [{"line": 5, "reason": "unknown event MADEUP"}]
    call = Call.objects.get(call_id="p.1")
    assert (call.outcome, call.wait_seconds, call.talk_seconds) == ("completed_caller", 12, 120)
    before = list(QueueDay.objects.values())
    assert admin.post("/api/v1/telephony/events", batch()).status_code == 200
    assert list(QueueDay.objects.values()) == before
    assert Call.objects.count() == 2


def test_bad_input_is_refused_whole_and_changes_nothing(
    centre: OrgUnit, api_as: Callable[[str], Any]
):
    admin = api_as("admin")
    bad = batch()
    bad["events"][2]["time"] = "yesterday"
    response = admin.post("/api/v1/telephony/events", bad)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert admin.post("/api/v1/telephony/events", {"events": []}).status_code == 422
    too_many = {"events": [batch()["events"][0]] * 10_001}
    assert admin.post("/api/v1/telephony/events", too_many).status_code == 422
    assert not Call.objects.exists()


def test_only_integrations_may_push_events(
    centre: OrgUnit, api_as: Callable[[str], Any], anonymous: Any
):
    assert anonymous.post("/api/v1/telephony/events", batch()).status_code == 401
    for role in ("agent", "leader", "manager"):
        assert api_as(role).post("/api/v1/telephony/events", batch()).status_code == 403
    assert not Call.objects.exists()


def test_the_imports_are_listed_for_the_operator(
    centre: OrgUnit, api_as: Callable[[str], Any], tmp_path
):
    from kefu.telephony import services

    path = tmp_path / "queue_log"
    path.write_text(f"{T0}|a.1|power|NONE|ENTERQUEUE||138|1\nnot a line\n")
    services.telephony_import(centre=centre, path=path)
    response = api_as("admin").get("/api/v1/telephony/imports")
    assert response.status_code == 200
    [run] = response.json()
    assert (run["lines"], run["malformed"]) == (2, 1)
    assert ImportRun.objects.get().errors == [[2, "too few fields"]]
