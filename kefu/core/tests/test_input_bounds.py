"""Text longer than its column and times outside 1970-2099 are refused wherever they come in:
the services (so forms, the API and commands alike), the API's schemas and the commands'
arguments. SQLite would store both, PostgreSQL refuse the text with a database error, and a
time before 1901 comes back with Shanghai's local mean time, +08:05:43, not RFC 3339."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from kefu.conftest import ApiClient
from kefu.contacts.models import Contact
from kefu.contacts.services import contact_create
from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.core.services import user_create
from kefu.core.validation import (
    EARLIEST,
    LATEST,
    InvalidInstant,
    check_instant,
    instant_problem,
)
from kefu.customers.models import Customer
from kefu.customers.services import customer_create, customer_update
from kefu.knowledge.models import Article, Synonym
from kefu.knowledge.services import article_create, synonym_save
from kefu.tickets.models import Ticket, TimeLimitPolicy
from kefu.tickets.services import policy_save, ticket_create

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

# -- times ----------------------------------------------------------------------------------

REFUSED_TIMES = [
    "1899-12-31T23:59:59+08:00",
    "1900-06-01T00:00:00+08:00",
    "0001-01-01T00:00:00+14:00",
    "1969-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
]


@pytest.mark.parametrize("text", REFUSED_TIMES)
def test_times_outside_1970_to_2099_are_refused(text: str):
    with pytest.raises(InvalidInstant):
        check_instant(dt.datetime.fromisoformat(text))


def test_times_inside_the_span_are_kept_whole():
    for value in (EARLIEST, LATEST - dt.timedelta(microseconds=1)):
        assert check_instant(value) is value
    # A naive time is judged by its date.
    assert instant_problem(dt.datetime.fromisoformat("2026-11-20T08:00")) == ""
    assert instant_problem(dt.datetime.fromisoformat("1899-12-31T08:00")) != ""


def contact(**change: Any) -> dict[str, Any]:
    return {"channel": "hotline", "started_at": "2026-11-20T09:00:00+08:00", **change}


@pytest.mark.parametrize("text", REFUSED_TIMES)
def test_the_api_refuses_a_contact_outside_the_span(
    text: str, api_as: Callable[[str], ApiClient], users: dict[str, User]
):
    agent = api_as("agent")
    response = agent.post("/api/v1/contacts", contact(started_at=text))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    response = agent.post("/api/v1/contacts", contact(ended_at=text))
    assert response.status_code == 422, response.content
    assert not Contact.objects.exists()
    # What is accepted comes back with a whole-minute offset.
    response = agent.post("/api/v1/contacts", contact(started_at="1970-01-02T00:00:00+08:00"))
    assert response.status_code == 201, response.content
    assert response.json()["started_at"] == "1970-01-02T00:00:00+08:00"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/contacts?since={t}",
        "/api/v1/contacts?until={t}",
        "/api/v1/tickets?created_since={t}",
        "/api/v1/tickets?created_until={t}",
        "/api/v1/metrics/summary?from={t}&to=2026-11-21T00:00:00%2B08:00",
        "/api/v1/metrics/summary?from=2026-11-20T00:00:00%2B08:00&to={t}",
    ],
)
def test_the_api_refuses_filters_outside_the_span(
    url: str, api_as: Callable[[str], ApiClient], users: dict[str, User]
):
    manager = api_as("manager")
    for text in ("1899-12-31T23:59:59%2B08:00", "9999-12-31T23:59:59%2B14:00"):
        response = manager.get(url.format(t=text))
        assert response.status_code == 422, (url, response.content)
        assert response.json()["code"] == "validation_error"


def test_the_contact_service_refuses_times_outside_the_span(users: dict[str, User]):
    for moment in (dt.datetime(1899, 12, 31, tzinfo=SHANGHAI), dt.datetime(1, 1, 1, tzinfo=dt.UTC)):
        with pytest.raises(Invalid) as refused:
            contact_create(actor=users["agent"], channel="hotline", started_at=moment)
        assert refused.value.code == "time_out_of_range"
        assert refused.value.detail == {"field": "started_at"}
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        [
            "calendar",
            "add",
            "--calendar",
            "always",
            "--start",
            "1899-12-31T00:00",
            "--duration",
            "PT1H",
        ],
        [
            "calendar",
            "between",
            "--calendar",
            "always",
            "--start",
            "2026-01-01",
            "--end",
            "9999-12-31",
        ],
        ["report", "summary", "--from", "1899-01-01", "--to", "2026-01-01"],
    ],
)
def test_command_arguments_outside_the_span_are_refused(args: list[str], centre: OrgUnit):
    WorkCalendar.objects.create(name="always", title="7×24", kind=WorkCalendar.Kind.ALWAYS)
    with pytest.raises(CommandError, match="1970"):
        call_command(*args, stdout=StringIO())


# -- text lengths ---------------------------------------------------------------------------


def refused_as_too_long(call: Callable[[], Any], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        call()
    assert refused.value.code == "too_long"
    assert refused.value.detail["field"] == field
    assert "最多" in str(refused.value.message) or "at most" in str(refused.value.message)


def test_services_refuse_text_longer_than_its_column(
    users: dict[str, User], centre: OrgUnit
) -> None:
    admin, agent, editor = users["admin"], users["agent"], users["editor"]
    refused_as_too_long(
        lambda: user_create(username="u" * 151, password="x-long-enough-1", role="agent"),
        "username",
    )
    refused_as_too_long(
        lambda: user_create(
            username="long", password="x-long-enough-1", role="agent", full_name="名" * 101
        ),
        "full_name",
    )
    refused_as_too_long(lambda: customer_create(actor=agent, name="张" * 101), "name")
    refused_as_too_long(
        lambda: customer_create(actor=agent, name="张三", address="路" * 201), "address"
    )
    customer = customer_create(actor=agent, name="张三")
    refused_as_too_long(
        lambda: customer_update(actor=agent, customer=customer, address="路" * 201), "address"
    )
    refused_as_too_long(
        lambda: article_create(actor=editor, title="题" * 201, body="正文", kind="faq"), "title"
    )
    refused_as_too_long(lambda: synonym_save(actor=editor, words="停电, " + "断" * 300), "words")
    refused_as_too_long(
        lambda: ticket_create(
            actor=agent, customer_id=customer.pk, kind="complaint", title="题" * 201
        ),
        "title",
    )
    refused_as_too_long(
        lambda: policy_save(actor=admin, name="策" * 101, calendar="workhours", limits={}),
        "name",
    )
    customer.refresh_from_db()
    assert customer.address == ""
    assert not Article.objects.exists() and not Synonym.objects.exists()
    assert not Ticket.objects.exists() and not TimeLimitPolicy.objects.exists()
    assert Customer.objects.count() == 1
    assert not User.objects.filter(username__in=["u" * 151, "long"]).exists()


def test_the_createuser_command_refuses_a_long_name_with_the_services_message(
    centre: OrgUnit,
) -> None:
    with pytest.raises((CommandError, Invalid)):
        call_command(
            "createuser",
            "u" * 151,
            "--role",
            "agent",
            "--password",
            "x-long-enough-1",
            stdout=StringIO(),
        )
    assert not User.objects.filter(username="u" * 151).exists()


def test_a_notification_made_of_a_full_length_title_is_shortened_to_fit(
    users: dict[str, User],
) -> None:
    from kefu.core.models import Notification
    from kefu.core.services import notify

    [row] = notify(
        recipients=[users["handler"]], kind="ticket.assigned", title="T-1 派单：" + "题" * 200
    )
    row.refresh_from_db()
    assert len(row.title) == 200 and row.title.endswith("…")
    assert Notification.objects.get().title == row.title


@pytest.mark.parametrize(
    "url",
    [
        "/contacts/?since={d}",
        "/contacts/?until={d}",
        "/tickets/?created_since={d}",
        "/tickets/?created_until={d}",
    ],
)
def test_page_filters_refuse_days_outside_the_span(
    url: str, users: dict[str, User], client: Any
) -> None:
    client.force_login(users["manager"])
    for day in ("0001-01-01", "1899-12-31", "9999-12-31"):
        response = client.get(url.format(d=day))
        assert response.status_code == 400, (url, day)
        assert "1970" in response.content.decode(), (url, day)
