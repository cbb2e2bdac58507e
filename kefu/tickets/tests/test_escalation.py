"""Escalations and the escalated-complaints indicator (升级投诉, GLOSSARY.md; 003's
indicator): only what the customer took above the centre counts."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import ApiClient
from kefu.core.models import User
from kefu.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]


def test_an_escalation_names_where_it_came_from(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = open_ticket()["number"]
    missing = act("manager", number, "escalate")
    assert missing.status_code == 422
    assert missing.json()["code"] == "field_required"
    assert missing.json()["detail"]["field"] == "source"
    # Free text is no longer a source, and nobody escalates "on the third urge" by hand.
    assert act("manager", number, "escalate", source="12398转办").status_code == 422
    by_hand = act("manager", number, "escalate", source="urge")
    assert by_hand.status_code == 422
    assert by_hand.json()["code"] == "escalation_source_unknown"
    done = act("manager", number, "escalate", source="regulator", note="12398转办")
    assert done.status_code == 200, done.content
    assert done.json()["escalated"] is True
    event = TicketEvent.objects.get(ticket__number=number, action="escalate")
    assert event.data == {"source": "regulator"}
    assert event.note == "12398转办"


def test_escalated_complaints_count_only_what_the_customer_took_above_the_centre(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    api_as: Callable[[str], ApiClient],
) -> None:
    """Issue 15 point 4: 12398, the 12345 hotline, management and the media make an
    escalated complaint; the third urge and a raise inside the centre do not."""
    regulator = open_ticket()["number"]
    assert act("manager", regulator, "escalate", source="regulator").status_code == 200
    # Taken to the media as well: still one escalated complaint.
    assert act("manager", regulator, "escalate", source="media").status_code == 200
    hotline = open_ticket(kind="query", category=None)["number"]
    assert act("leader", hotline, "escalate", source="hotline_12345").status_code == 200
    urged = open_ticket()["number"]
    for _ in range(3):
        assert act("agent", urged, "urge").status_code == 200
    internal = open_ticket()["number"]
    assert act("leader", internal, "escalate", source="internal").status_code == 200
    assert TicketEvent.objects.filter(action="escalate").count() == 5

    now = timezone.now()
    summary = api_as("manager").get(
        "/api/v1/metrics/summary",
        **{
            "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
        },
    )
    assert summary.status_code == 200, summary.content
    assert summary.json()["indicators"]["escalated_complaints"] == 2

    # The other escalations are counted apart, each kind on its own.
    def numbers(kind: str) -> set[str]:
        listed = api_as("manager").get("/api/v1/tickets", escalation=kind)
        assert listed.status_code == 200, listed.content
        return {item["number"] for item in listed.json()["items"]}

    assert numbers("external") == {regulator, hotline}
    assert numbers("internal") == {internal}
    assert numbers("urge") == {urged}
    assert api_as("manager").get("/api/v1/tickets", escalation="centre").status_code == 422


def test_the_escalation_form_offers_the_sources_in_chinese(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    client = Client()
    client.force_login(users["manager"])
    page = client.get(f"/tickets/{number}/").content.decode()
    form = page[page.index('class="action action-escalate"') :]
    form = form[: form.index("</form>")]
    for label in (
        "监管机构（如12398能源监管热线）",
        "12345政务服务便民热线",
        "新闻媒体",
        "中心内部升级",
    ):
        assert label in form
    assert "三次催办自动升级" not in form
    response = client.post(
        f"/tickets/{number}/escalate/", {"version": 1, "source": "hotline_12345"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    history = page[page.index('class="timeline"') :]
    assert "12345政务服务便民热线" in history[history.index("event-escalate") :]
    assert TicketEvent.objects.get(ticket__number=number, action="escalate").data == {
        "source": "hotline_12345"
    }


def test_old_free_text_sources_are_named_by_what_they_say() -> None:
    """The migration that turns the free-text sources of earlier escalations into the list."""
    migration = importlib.import_module(
        "kefu.tickets.migrations.0010_backfill_answers_and_escalation_sources"
    )
    assert migration.source_of("12398能源监管热线转办") == "regulator"
    assert migration.source_of("12345热线转来") == "hotline_12345"
    assert migration.source_of("电视台记者采访") == "media"
    assert migration.source_of("centre") == migration.source_of("") == "internal"
    assert migration.source_of("urge") == "urge"
    assert migration.source_of("客户要求见面") == "other_external"
