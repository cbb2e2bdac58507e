"""Repeats per reason and the escalation risk through HTTP (issue 21 point 4): the page and
the API count the repeat contacts as the first-contact figure's rule marks them, with
examples; the sweep scores an order from its urges, the dissatisfied tag and the angry
words of its contact's transcript, and the risk shows on the order, the risk page and the
API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason, Contact
from kefu.contacts.services import contact_create
from kefu.core.models import User
from kefu.customers.models import Customer, Tag
from kefu.insights import tasks
from kefu.quality.models import Transcript
from kefu.tickets.models import Ticket
from kefu.tickets.tests.conftest import (  # noqa: F401 (fixtures)
    act,
    always,
    complaint_category,
    customer,
    open_ticket,
    policy,
)

pytestmark = pytest.mark.django_db


def test_repeats_per_reason_with_examples(
    users: dict[str, User],
    customer: Customer,  # noqa: F811
    complaint_category: CallReason,  # noqa: F811
    api_as: Callable[[str], ApiClient],
    client: Client,
) -> None:
    now = timezone.now()

    def called(hours_ago: float, number: str = "13812345678", **extra: Any) -> Contact:
        return contact_create(
            actor=users["agent"],
            channel="hotline",
            caller_number=number,
            started_at=now - dt.timedelta(hours=hours_ago),
            service_content="attitude",
            **extra,
        )

    called(48, customer_id=customer.pk)
    again = called(2, summary="客户第二次来电反映抢修人员态度差。")  # the same number
    called(1, number="13900000000")  # another caller
    leader = api_as("leader")
    found = leader.get("/api/v1/insights/repeats").json()
    assert (found["window_days"], found["contacts"], found["repeats"]) == (7, 3, 1)
    [reason] = found["reasons"]
    assert (reason["code"], reason["label"], reason["contacts"], reason["repeats"]) == (
        "attitude",
        "投诉 › 服务态度",
        3,
        1,
    )
    assert [example["id"] for example in reason["examples"]] == [again.pk]
    assert reason["examples"][0]["caller_number"] == "138****5678"
    listed = leader.get("/api/v1/insights/repeats/contacts", reason="attitude").json()
    assert [item["id"] for item in listed["items"]] == [again.pk]
    since_after = {"since": "2026-11-20", "until": "2026-11-10"}
    assert leader.get("/api/v1/insights/repeats", **since_after).status_code == 422
    assert api_as("agent").get("/api/v1/insights/repeats").status_code == 403

    client.force_login(users["leader"])
    page = client.get("/insights/repeats/")
    assert page.status_code == 200
    assert "投诉 › 服务态度" in page.content.decode() and "客户第二次来电" in page.content.decode()
    assert client.get("/insights/repeats/", since_after).status_code == 400
    client.force_login(users["agent"])
    assert client.get("/insights/repeats/").status_code == 403


def test_the_sweep_scores_an_order_and_shows_why(
    users: dict[str, User],
    customer: Customer,  # noqa: F811
    open_ticket: Callable[..., dict[str, Any]],  # noqa: F811
    act: Callable[..., Any],  # noqa: F811
    tags: dict[str, Tag],
    api_as: Callable[[str], ApiClient],
    client: Client,
) -> None:
    calm = open_ticket(title="电费咨询", description="询问阶梯电价。")
    number = open_ticket()["number"]
    for _urge in range(2):
        assert act("agent", number, "urge").status_code == 200
    customer.tags.add(tags["dissatisfied"])
    contact = contact_create(
        actor=users["agent"], channel="hotline", started_at=timezone.now(), customer_id=customer.pk
    )
    Ticket.objects.get(number=number).contacts.add(contact)
    Transcript.objects.create(
        centre=contact.centre,
        contact=contact,
        sentences={
            "sentences": [
                {"speaker": "customer", "start": 0, "end": 3, "text": "再不处理我就投诉到12398"},
                {"speaker": "agent", "start": 3, "end": 6, "text": "我们会按规定赔偿"},
            ]
        },
        source="test",
        imported_at=timezone.now(),
        auto_score=90,
    )

    leader = api_as("leader")
    # The calm order has the same dissatisfied customer: 25 points, not raised.
    assert leader.post("/api/v1/insights/risk/sweep").json() == {"changed": 2}
    risky = leader.get("/api/v1/insights/risk").json()["items"]
    assert [(item["number"], item["escalation_risk"]) for item in risky] == [
        (number, 30 + 25 + 20),
        (calm["number"], 25),
    ]
    assert [(r["code"], r["points"]) for r in risky[0]["risk_reasons"]] == [
        ("urges", 30),
        ("dissatisfied", 25),
        ("anger", 20),  # the customer's words only: 投诉到, 12398
    ]
    assert risky[0]["risk_reasons"][2]["text"] == "情绪激烈用语：投诉到、12398（+20）"
    detail = leader.get(f"/api/v1/tickets/{number}").json()
    assert detail["escalation_risk"] == 75
    assert tasks.risk_sweep() == 0  # the worker's sweep: nothing changed since
    assert api_as("agent").post("/api/v1/insights/risk/sweep").status_code == 403

    client.force_login(users["leader"])
    page = client.get("/insights/risk/").content.decode()
    assert number in page and "催办 2 次（+30）" in page
    response = client.post("/insights/risk/sweep/")
    assert response.status_code == 302
