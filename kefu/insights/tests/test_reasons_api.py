"""Call-reason suggestions over the API (kefu/insights/api/reasons.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.conftest import ApiClient
from kefu.core.models import User
from kefu.insights.models import ReasonSuggestion
from kefu.insights.services.reasons import reason_model_train
from kefu.insights.tests.reasons_data import ReasonWorld, reason_world

pytestmark = pytest.mark.django_db
__all__ = ["reason_world"]


def test_suggest_answers_the_top_three_and_the_schema_is_strict(
    reason_world: ReasonWorld, users: dict[str, User], api_as: Callable[[str], ApiClient]
) -> None:
    agent = api_as("agent")
    before = agent.post("/api/v1/insights/reasons/suggest", {"summary": "家里停电了"})
    assert before.status_code == 200
    assert before.json()["model_trained"] is False and before.json()["suggestions"] == []
    reason_model_train(actor=users["manager"])
    response = agent.post("/api/v1/insights/reasons/suggest", {"summary": "客户反映家里停电了"})
    body = response.json()
    assert response.status_code == 200 and body["model_trained"] is True
    assert body["suggestions"][0]["label"] == "故障报修 › 停电"
    assert body["suggestions"][0]["reason_id"] == reason_world.reasons["outage"].pk
    assert 1 <= len(body["suggestions"]) <= 3 and body["threshold"] == "0.15"
    assert not ReasonSuggestion.objects.exists()  # the API records nothing
    for wrong in ({"summary": ""}, {"summary": "停" * 2001}, {"summary": "停电", "x": 1}, {}):
        assert agent.post("/api/v1/insights/reasons/suggest", wrong).status_code == 422, wrong
    assert (
        api_as("editor").post("/api/v1/insights/reasons/suggest", {"summary": "停电"}).status_code
        == 403
    )


def test_managers_read_train_and_set_the_threshold(
    reason_world: ReasonWorld, api_as: Callable[[str], ApiClient]
) -> None:
    manager = api_as("manager")
    assert manager.get("/api/v1/insights/reasons/model").status_code == 404
    assert api_as("agent").post("/api/v1/insights/reasons/model").status_code == 403
    trained = manager.post("/api/v1/insights/reasons/model")
    assert trained.status_code == 201
    body = trained.json()
    assert (body["size"], body["held_out"], body["reasons"]) == (240, 48, 4)
    assert {row["label"] for row in body["per_reason"]} >= {
        "故障报修 › 停电",
        "电费电价 › 电价咨询",
    }
    assert [a["days"] for a in body["acceptance"]] == [7, 30]
    assert manager.get("/api/v1/insights/reasons/model").json()["id"] == body["id"]
    assert api_as("agent").get("/api/v1/insights/reasons/model").status_code == 403
    assert manager.put("/api/v1/insights/reasons/settings", {"threshold": "0.45"}).json() == {
        "threshold": "0.45"
    }
    for wrong in ("0", "1.5", "0.123", "x"):
        assert (
            manager.put("/api/v1/insights/reasons/settings", {"threshold": wrong}).status_code
            == 422
        )
    assert (
        api_as("agent").put("/api/v1/insights/reasons/settings", {"threshold": "0.3"}).status_code
        == 403
    )


def test_training_on_too_few_contacts_is_refused_with_the_reason(
    centre: object, api_as: Callable[[str], ApiClient]
) -> None:
    response = api_as("manager").post("/api/v1/insights/reasons/model")
    assert response.status_code == 422
    assert response.json()["code"] == "reason_training_too_few"
    assert response.json()["detail"] == {"count": 0, "minimum": 200}
