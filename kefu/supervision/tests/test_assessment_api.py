"""Assessment through the API (issue 20 point 3): a complaint judged by the back office,
appealed by the department's handler and decided by the manager; the lists per role (a
handler never sees another department's judgements); the department figures, the
quarter's appraisal and the weights (each 0–100, summing to 100, a Chinese error
otherwise), each for the roles allowed; strict schemas."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.conftest import ApiClient, token_for
from kefu.core.models import OrgUnit, User
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.test_judging import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: World) -> Callable[[str], ApiClient]:
    def client(username: str) -> ApiClient:
        return ApiClient(token_for(username))

    return client


def test_judged_appealed_and_decided_over_http(
    world: World, api: Callable[[str], ApiClient], make_user: Callable[..., User]
) -> None:
    complaint(world, "TS0100")
    gas = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="gas", name="燃气", parent=world.centre
    )
    make_user("handler", username="gas-handler", department=gas)
    backoffice, handler, manager = api("backoffice"), api("handler"), api("manager")
    other_handler = api("gas-handler")
    waiting = backoffice.get("/api/v1/supervision/complaints/to-judge").json()
    assert [row["ticket_number"] for row in waiting["items"]] == ["TS0100"]
    department = world.users["handler"].department
    assert department is not None
    body = {
        "ticket_number": "TS0100",
        "responsibility": "department",
        "department_id": department.pk,
        "reason": "抢修队超时未到场",
    }
    assert (
        backoffice.post("/api/v1/supervision/judgements", {**body, "blame": 1}).status_code == 422
    )
    assert handler.post("/api/v1/supervision/judgements", body).status_code == 403
    created = backoffice.post("/api/v1/supervision/judgements", body)
    assert created.status_code == 201, created.content
    judgement = created.json()
    assert judgement["state"] == "judged" and [s["action"] for s in judgement["steps"]] == ["judge"]
    again = backoffice.post("/api/v1/supervision/judgements", body)
    assert again.status_code == 409 and again.json()["code"] == "already_judged"
    path = f"/api/v1/supervision/judgements/{judgement['id']}"

    # Only the department's own handler sees and appeals it.
    assert other_handler.get("/api/v1/supervision/judgements").json()["items"] == []
    assert other_handler.get(path).status_code == 404
    assert [j["id"] for j in handler.get("/api/v1/supervision/judgements").json()["items"]] == [
        judgement["id"]
    ]
    no_reason = handler.post(f"{path}/appeal", {"version": 1, "reason": "   "})
    assert no_reason.status_code == 422 and "原因" in no_reason.json()["message"]
    appealed = handler.post(f"{path}/appeal", {"version": 1, "reason": "客户改约时间"})
    assert appealed.status_code == 200 and appealed.json()["state"] == "appealed"
    twice = handler.post(f"{path}/appeal", {"version": 2, "reason": "再申诉"})
    assert twice.status_code == 409 and twice.json()["code"] == "appealed_already"

    assert (
        handler.post(f"{path}/decision", {"version": 2, "upheld": False, "reason": "x"}).status_code
        == 403
    )
    upheld_without = manager.post(
        f"{path}/decision", {"version": 2, "upheld": True, "reason": "属实"}
    )
    assert upheld_without.status_code == 422
    decided = manager.post(
        f"{path}/decision",
        {
            "version": 2,
            "upheld": True,
            "reason": "预约记录显示客户改期",
            "responsibility": "none",
            "no_fault": "unreasonable",
        },
    )
    assert decided.status_code == 200, decided.content
    out = decided.json()
    assert (out["state"], out["responsibility"], out["no_fault"]) == (
        "upheld",
        "none",
        "unreasonable",
    )
    assert [s["action"] for s in out["steps"]] == ["judge", "appeal", "uphold"]
    listed = manager.get("/api/v1/supervision/judgements", state="upheld").json()["items"]
    assert [j["ticket_number"] for j in listed] == ["TS0100"]


def test_figures_appraisal_and_weights_by_role(
    world: World, api: Callable[[str], ApiClient]
) -> None:
    manager, leader, handler, agent = api("manager"), api("leader"), api("handler"), api("agent")
    figures = leader.get(
        "/api/v1/supervision/assessment/departments", period="quarter", day="2026-11-05"
    )
    assert figures.status_code == 200
    data = figures.json()
    assert (data["first"], data["last"]) == ("2026-10-01", "2026-12-31")
    assert [row["name"] for row in data["rows"]] == ["抢修"]
    assert data["rows"][0]["on_time_rate"] is None
    assert handler.get("/api/v1/supervision/assessment/departments").status_code == 403
    far = leader.get("/api/v1/supervision/assessment/departments", day="9999-12-31")
    assert far.status_code == 422 and far.json()["code"] == "day_range"

    appraisal = api("qa").get("/api/v1/supervision/appraisal", quarter="2026Q4")
    assert appraisal.status_code == 200
    assert appraisal.json()["weights"]["qa"] == 30
    people = appraisal.json()["people"]
    assert people and all(row["rank"] is None for row in people)  # nobody has data
    assert agent.get("/api/v1/supervision/appraisal").status_code == 403
    assert manager.get("/api/v1/supervision/appraisal", quarter="2026Q5").status_code == 422

    weights = {"answered": 10, "aht": 10, "qa": 30, "exam": 20, "attendance": 20, "complaints": 10}
    assert (
        leader.put("/api/v1/supervision/appraisal/weights", {"weights": weights}).status_code == 403
    )
    wrong = manager.put("/api/v1/supervision/appraisal/weights", {"weights": {**weights, "qa": 35}})
    assert wrong.status_code == 422 and wrong.json()["message"] == "各项权重之和必须为 100。"
    saved = manager.put(
        "/api/v1/supervision/appraisal/weights", {"weights": weights, "appeal_days": 5}
    )
    assert saved.status_code == 200 and saved.json() == {
        "weights": weights,
        "appeal_days": 5,
        "version": 1,
    }
    stale = manager.put("/api/v1/supervision/appraisal/weights", {"weights": weights, "version": 7})
    assert stale.status_code == 409
    assert leader.get("/api/v1/supervision/appraisal/weights").json()["weights"] == weights
