"""The survey API (issue 19 point 2): strict schemas, templates, invitations in bulk and
safe to repeat, answers recorded on a contact, the IVR import, skips, figures with their
formulas, questionnaires; each for its role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient, token_for
from kefu.satisfaction.models import Invitation, Message
from kefu.satisfaction.services.outbound import opt_out_record
from kefu.satisfaction.tests.survey_world import World, token_of
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db
BASE = "/api/v1/satisfaction/surveys"

TEMPLATE: dict[str, Any] = {
    "name": "工单回访调查",
    "touchpoint": "work_order",
    "trigger": "after_ticket",
    "intro": "请评价工单处理。",
    "thanks": "谢谢！",
    "sms_text": "请回复0-10：",
    "questions": [
        {"kind": "nps", "text": "您有多大可能推荐我们？"},
        {"kind": "text", "text": "建议", "required": False},
    ],
}


@pytest.fixture
def as_user(world: World) -> Callable[[str], ApiClient]:
    return lambda username: ApiClient(token_for(username))


def test_templates_are_created_listed_and_revised(
    world: World, as_user: Callable[[str], ApiClient]
) -> None:
    api = as_user("manager1")
    created = api.post(f"{BASE}/templates", TEMPLATE)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["sent"] is False
    assert [q["kind"] for q in body["questions"]] == ["nps", "text"]
    listed = api.get(f"{BASE}/templates")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    revised = api.put(f"{BASE}/templates/{body['id']}", {**TEMPLATE, "name": "工单调查"})
    assert revised.status_code == 200 and revised.json()["version"] == 1  # not sent yet
    taken = api.post(f"{BASE}/templates", {**TEMPLATE, "name": "热线满意度"})
    assert taken.status_code == 409


@pytest.mark.parametrize(
    "change",
    [
        {"colour": "red"},
        {"touchpoint": "moon"},
        {"questions": [{"kind": "stars", "text": "?"}]},
        {"questions": [{"kind": "csat", "text": "?", "weight": 2}]},
        {"questions": []},
        {"expiry_days": 0},
        {"name": "x" * 101},
        {"name": "a\x00b"},
    ],
)
def test_template_schemas_are_strict(
    world: World, as_user: Callable[[str], ApiClient], change: dict[str, Any]
) -> None:
    response = as_user("manager1").post(f"{BASE}/templates", {**TEMPLATE, **change})
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"code", "message", "detail"}


def test_bulk_send_reports_each_recipient_and_is_safe_to_repeat(
    world: World, as_user: Callable[[str], ApiClient]
) -> None:
    opt_out_record(centre=world.centre, channel="sms", address="13900000002", source="reply")
    recipients = [
        {"key": f"order-{n}", "address": f"1390000{n:04d}", "staff_id": "A001"} for n in range(300)
    ]
    api = as_user("manager1")
    url = f"{BASE}/templates/{world.template.pk}/invitations"
    sent = api.post(url, {"recipients": recipients})
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert (body["sent"], body["refused"]) == (299, 1)
    assert body["items"][2]["state"] == "refused" and body["items"][2]["refusal"] == "opted_out"
    again = api.post(url, {"recipients": recipients})
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in body["items"]]
    assert Invitation.objects.count() == 300 and Message.objects.count() == 300
    assert "token" not in sent.content.decode()  # links go only to the customer


@pytest.mark.parametrize(
    "body",
    [
        {"recipients": []},
        {"recipients": [{"key": "a", "phone": "1"}]},
        {"recipients": [{"key": ""}]},
        {"recipients": [{"key": "a"}], "channel": "fax"},
        {"recipients": [{"key": "a", "customer": 0}]},
        {"recipients": [{"key": "a"}] * 2001},
    ],
)
def test_send_schemas_are_strict(
    world: World, as_user: Callable[[str], ApiClient], body: dict[str, Any]
) -> None:
    url = f"{BASE}/templates/{world.template.pk}/invitations"
    assert as_user("manager1").post(url, body).status_code == 422


def test_repeated_keys_in_one_call_are_refused(
    world: World, as_user: Callable[[str], ApiClient]
) -> None:
    url = f"{BASE}/templates/{world.template.pk}/invitations"
    response = as_user("manager1").post(url, {"recipients": [{"key": "a"}, {"key": "a"}]})
    assert response.status_code == 422 and response.json()["code"] == "key_repeated"


def test_roles(world: World, as_user: Callable[[str], ApiClient]) -> None:
    agent = as_user("agent1")
    assert agent.post(f"{BASE}/templates", TEMPLATE).status_code == 403
    url = f"{BASE}/templates/{world.template.pk}/invitations"
    assert agent.post(url, {"recipients": [{"key": "a"}]}).status_code == 403
    assert agent.get(f"{BASE}/figures").status_code == 403
    assert agent.get(f"{BASE}/templates").json()["count"] == 0
    assert agent.get(f"{BASE}/templates/{world.template.pk}").status_code == 404
    assert ApiClient(None).get(f"{BASE}/templates").status_code == 401


def test_responses_and_figures(world: World, as_user: Callable[[str], ApiClient]) -> None:
    from django.test import Client

    invitations = world.send(0, 1)
    for invitation, csat in zip(invitations, ["5", "2"], strict=True):
        qs = list(invitation.version.questions.order_by("position"))
        Client().post(
            f"/s/{token_of(invitation)}/",
            {f"q{qs[0].pk}": csat, f"q{qs[1].pk}": "9", f"q{qs[2].pk}": "7"},
        )
    reader = as_user("back1")
    responses = reader.get(f"{BASE}/responses", staff_id="A001")
    assert responses.status_code == 200 and responses.json()["count"] == 2
    first = responses.json()["items"][0]
    assert first["answered_via"] == "link" and first["touchpoint"] == "hotline"
    assert {a["kind"] for a in first["answers"]} == {"csat", "nps", "ces"}
    figures = reader.get(f"{BASE}/figures", by="staff")
    assert figures.status_code == 200, figures.content
    body = figures.json()
    assert body["formulas"]["csat"].startswith("CSAT = 4–5分")
    assert body["whole"]["csat"]["value"] == 50.0 and body["whole"]["nps"]["value"] == 100.0
    assert body["whole"]["response_rate"]["value"] == 100.0
    assert body["groups"][0]["group"] == "王芳 (A001)"
    assert reader.get(f"{BASE}/figures", by="planet").status_code == 422
    assert reader.get(f"{BASE}/figures", colour="red").status_code == 422
    bad = reader.get(f"{BASE}/figures", since="2026-12-01", until="2025-01-01")
    assert bad.status_code == 422


def test_an_agent_records_answers_and_skips_on_contacts(
    world: World, as_user: Callable[[str], ApiClient]
) -> None:
    agent = as_user("agent1")
    contact, other = world.contact(0), world.contact(1)
    qs = list(world.template.versions.get().questions.order_by("position"))
    answers = {str(qs[0].pk): "5", str(qs[1].pk): "10", str(qs[2].pk): "7"}
    recorded = agent.post(
        f"{BASE}/contacts/{contact.pk}/responses",
        {"survey": world.template.pk, "answers": answers},
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["state"] == "answered" and recorded.json()["channel"] == "agent"
    again = agent.post(
        f"{BASE}/contacts/{contact.pk}/responses", {"survey": world.template.pk, "answers": answers}
    )
    assert again.status_code == 409
    off = agent.post(
        f"{BASE}/contacts/{other.pk}/responses",
        {"survey": world.template.pk, "answers": {str(qs[0].pk): "9"}},
    )
    assert off.status_code == 422
    bad_key = agent.post(
        f"{BASE}/contacts/{other.pk}/responses",
        {"survey": world.template.pk, "answers": {"abc": "1"}},
    )
    assert bad_key.status_code == 404
    skip = agent.post(f"{BASE}/skips", {"contact": other.pk, "reason": "客户投诉中"})
    assert skip.status_code == 201 and skip.json()["key"] == f"contact:{other.pk}"
    assert agent.post(f"{BASE}/skips", {"reason": "x"}).status_code == 422
    assert agent.post(f"{BASE}/skips", {"contact": 999999}).status_code == 404


def test_ivr_import_and_questionnaires(world: World, as_user: Callable[[str], ApiClient]) -> None:
    manager = as_user("manager1")
    ivr = manager.post(
        f"{BASE}/templates/{world.template.pk}/ivr",
        {"csv": "call_id,number,score\nc1,13912340000,5\nc2,13912340001,x\n"},
    )
    assert ivr.status_code == 201, ivr.content
    assert ivr.json()["recorded"] == 1 and ivr.json()["errors"][0]["line"] == 3
    columns = manager.post(f"{BASE}/templates/{world.template.pk}/ivr", {"csv": "a,b\n1,2\n"})
    assert columns.status_code == 422
    reader = as_user("back1")
    form = {
        "month": "2026-11-01",
        "staff_id": "A001",
        "respondent": "张业主",
        "phone": "13912340000",
        "score": 4,
        "paper_number": "Q-1",
    }
    recorded = reader.post(f"{BASE}/questionnaires", form)
    assert recorded.status_code == 201, recorded.content
    assert reader.post(f"{BASE}/questionnaires", {**form, "score": 6}).status_code == 422
    assert reader.post(f"{BASE}/questionnaires", form).status_code == 409
    drawn = reader.post(f"{BASE}/questionnaires/draw", {"month": "2026-11-01", "share": 0.5})
    assert drawn.status_code == 200 and len(drawn.json()) == 1
    checked = as_user("agent1").post(
        f"{BASE}/questionnaires/{recorded.json()['id']}/check",
        {"outcome": "confirmed", "note": "业主确认"},
    )
    assert checked.status_code == 200 and checked.json()["spot_check"] == "confirmed"
    listed = reader.get(f"{BASE}/questionnaires", month="2026-11-01", spot_check="confirmed")
    assert listed.json()["count"] == 1
    bad = as_user("agent1").post(
        f"{BASE}/questionnaires/{recorded.json()['id']}/check", {"outcome": "maybe"}
    )
    assert bad.status_code == 422
