"""Quality over the API (issue 18): the inspector scores a queued contact, the agent
appeals, a second inspector changes the score, a transcript is brought in and checked,
results carry their sample size and interval; strict schemas and each role's reach."""

from __future__ import annotations

from kefu.conftest import ApiClient, token_for
from kefu.quality.models import Evaluation
from kefu.quality.tests.conftest import World
from kefu.quality.tests.test_pages import TRANSCRIPT


def client(username: str) -> ApiClient:
    return ApiClient(token_for(username))


def _answers(world: World, *values: str) -> list[dict[str, object]]:
    return [{"item": key, "value": spec.value} for key, spec in world.answers(*values).items()]


def test_score_appeal_and_decision_through_the_api(world: World) -> None:
    item = world.queue(world.contacts["a1"][0])
    inspector = client("qa1")
    queue = inspector.get("/api/v1/quality/queue")
    assert queue.status_code == 200 and queue.json()["items"][0]["id"] == item.pk
    scored = inspector.post(
        f"/api/v1/quality/queue/{item.pk}/score",
        {"answers": _answers(world, "yes", "yes", "no"), "comment": "未复述诉求"},
    )
    assert scored.status_code == 201, scored.content
    body = scored.json()
    assert (body["score"], body["response"], body["agent"]["username"]) == ("70.0", "pending", "a1")
    again = inspector.post(f"/api/v1/quality/queue/{item.pk}/score", {"answers": _answers(world)})
    assert again.status_code == 409
    agent = client("a1")
    appealed = agent.post(f"/api/v1/quality/scores/{body['id']}/appeal", {"reason": "已复述"})
    assert appealed.status_code == 201 and appealed.json()["appeal"]["state"] == "open"
    refused = inspector.post(f"/api/v1/quality/scores/{body['id']}/decision", {"reason": "维持"})
    assert refused.status_code == 403
    decided = client("qa2").post(
        f"/api/v1/quality/scores/{body['id']}/decision",
        {"reason": "改判", "answers": _answers(world)},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["score"] == "100.0" and decided.json()["supersedes"] == body["id"]
    mine = agent.get("/api/v1/quality/scores").json()
    assert {row["score"] for row in mine["items"]} == {"70.0", "100.0"}


def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(world: World) -> None:
    item = world.queue(world.contacts["a1"][0])
    inspector = client("qa1")
    cases = [
        {"answers": _answers(world)[:2]},  # not every item
        {"answers": [{"item": 1, "value": "maybe"}]},
        {"answers": _answers(world), "extra": 1},
        {"answers": [*_answers(world), _answers(world)[0]]},
        {"answers": [{"item": 10**30, "value": "yes"}]},
    ]
    for payload in cases:
        response = inspector.post(f"/api/v1/quality/queue/{item.pk}/score", payload)
        assert response.status_code == 422, (payload, response.content)
        assert response.json()["message"]
    assert not Evaluation.objects.exists()


def test_a_transcript_is_brought_in_and_checked(world: World) -> None:
    contact = world.contacts["a1"][0]
    inspector = client("qa1")
    response = inspector.post(
        "/api/v1/quality/transcripts", {"contact": contact.pk, "transcript": TRANSCRIPT}
    )
    assert response.status_code == 201, response.content
    rules = {hit["rule"] for hit in response.json()["hits"]}
    assert {"greeting_missing", "forbidden_phrase", "silence"} <= rules
    broken = inspector.post(
        "/api/v1/quality/transcripts",
        {"contact": contact.pk, "transcript": {"sentences": [{"speaker": "robot"}]}},
    )
    assert broken.status_code == 422 and "sentences" in broken.json()["message"]
    assert (
        client("a1")
        .post("/api/v1/quality/transcripts", {"contact": contact.pk, "transcript": TRANSCRIPT})
        .status_code
        == 403
    )


def test_results_and_scorecards_by_role(world: World) -> None:
    for contact in world.contacts["a1"][:3]:
        world.score(contact)
    results = client("manager").get("/api/v1/quality/results")
    assert results.status_code == 200
    whole = results.json()["whole"]
    assert (whole["n"], whole["mean"]) == (3, 100.0)
    assert results.json()["agents"][0]["standing"] == "unclear"
    assert client("a1").get("/api/v1/quality/results").status_code == 403
    bad = client("manager").get("/api/v1/quality/results", since="2026-12-31", until="2026-01-01")
    assert bad.status_code == 422
    cards = client("qa1").get("/api/v1/quality/scorecards").json()
    assert cards[0]["version"] == 1 and len(cards[0]["items"]) == 6
    assert client("a1").get("/api/v1/quality/scorecards").status_code == 403
