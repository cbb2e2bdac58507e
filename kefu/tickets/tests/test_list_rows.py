"""The API's list of orders read as rows (issue 15, 27b): its page is read by key through a
statement compiled once and built without model instances, and each row says exactly
what the order's own GET says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db.models.signals import pre_init

from kefu.conftest import ApiClient
from kefu.core.models import OrgUnit, User
from kefu.tickets.api import TicketOut
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]


def orders_in_every_situation(open_ticket: Callable[..., dict[str, Any]], act: Act) -> list[str]:
    """Orders with and without a department, a holder, a result, a merge, a suspension, an
    extension asked for, a callback outcome, a close."""
    numbers = [open_ticket()["number"] for _ in range(6)]
    fresh, handled, merged, suspended, closed, extended = numbers
    for number in (handled, closed, extended):
        assert act("backoffice", number, "dispatch", department="repair").status_code == 200
        assert act("handler", number, "take").status_code == 200
    asked = act("handler", extended, "request_extension", minutes=60, reason="等材料")
    assert asked.status_code == 200
    assert act("handler", closed, "return", result="已更换表箱。").status_code == 200
    steps: list[tuple[str, dict[str, Any]]] = [
        ("verify", {}),
        ("reply", {"channel": "phone", "text": "已向客户说明。"}),
        ("callback", {"satisfied": True, "note": "满意"}),
    ]
    for action, fields in steps:
        assert act("backoffice", closed, action, **fields).status_code == 200, action
    assert act("backoffice", merged, "merge", into=fresh).status_code == 200
    assert act("backoffice", suspended, "suspend", reason="等客户在家").status_code == 200
    return numbers


@pytest.mark.parametrize("role", ["backoffice", "handler", "leader", "agent"])
def test_a_list_row_says_what_the_orders_own_page_says(
    role: str,
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    department: OrgUnit,
    api_as: Callable[[str], ApiClient],
) -> None:
    numbers = orders_in_every_situation(open_ticket, act)
    api = api_as(role)
    listed = api.get("/api/v1/tickets", limit=50).json()["items"]
    assert listed, role
    assert {item["number"] for item in listed} <= set(numbers)
    for item in listed:
        whole = api.get(f"/api/v1/tickets/{item['number']}").json()
        assert item == {field: whole[field] for field in TicketOut.model_fields}, item["number"]
    searched = api.get("/api/v1/tickets", q="态度", limit=50).json()["items"]
    assert searched == listed


@contextmanager
def instances_built() -> Iterator[list[type[Any]]]:
    """The models instantiated while the block runs."""
    built: list[type[Any]] = []

    def note(sender: type[Any], **kwargs: Any) -> None:
        built.append(sender)

    pre_init.connect(note, weak=False)
    try:
        yield built
    finally:
        pre_init.disconnect(note)


def test_the_list_builds_no_model_instance_for_its_orders(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    department: OrgUnit,
    api_as: Callable[[str], ApiClient],
) -> None:
    orders_in_every_situation(open_ticket, act)
    api = api_as("backoffice")
    for query in ({}, {"q": "态度"}, {"q": "态度", "state": "handling"}):
        with instances_built() as built:
            body = api.get("/api/v1/tickets", **query).json()
        assert body["items"], query
        # The signed-in user is the only instance: no order, customer, unit or policy.
        assert {model for model in built if model is not User} == set(), query
    assert Ticket.objects.count() == 6
