"""The work-order pages through real requests: lists, one order, queues, the inbox."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from kefu.core.models import OrgUnit, User
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_filters_and_exports_what_it_shows(
    open_ticket: Callable[..., dict[str, Any]], act: Act, users: dict[str, User]
) -> None:
    numbers = [open_ticket()["number"] for _ in range(3)]
    act("backoffice", numbers[0], "dispatch", department="repair")
    client = signed_in(users["backoffice"])

    page = client.get("/tickets/", {"state": "dispatched"}).content.decode()
    assert numbers[0] in page and numbers[1] not in page

    export = client.get("/tickets/export.xlsx", {"state": "accepted"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == set(numbers[1:])


def test_bad_filters_get_a_clear_error(users: dict[str, User]) -> None:
    response = signed_in(users["backoffice"]).get("/tickets/", {"created_since": "yesterday"})
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_a_filter_that_matches_nothing_is_an_empty_list_not_an_error(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    open_ticket()
    response = signed_in(users["leader"]).get("/tickets/", {"warning": "true"})
    assert response.status_code == 200
    assert "筛选条件有误" not in response.content.decode()


@pytest.mark.parametrize("orders", [1, 8])
def test_lists_cost_a_fixed_number_of_queries(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    api_as: Callable[[str], Any],
    users: dict[str, User],
    django_assert_max_num_queries: Any,
    orders: int,
) -> None:
    """Rows with every relation a list shows (a department, a holder, a merged-into
    order) cost no query of their own: the list reads only some of the related rows'
    columns (queries.LIST_RELATIONS), and a row reading another would show here."""
    numbers = [open_ticket()["number"] for _ in range(orders)]
    for number in numbers[: orders // 2]:
        act("backoffice", number, "dispatch", department="repair")
        act("handler", number, "take")
    if orders > 1:
        act("backoffice", numbers[-1], "merge", into=numbers[-2])
    client = signed_in(users["backoffice"])
    paths = (
        ("/tickets/", 9),
        ("/tickets/?q=王建国", 17),  # the new orders enter the search index first,
        ("/tickets/export.xlsx", 4),
        ("/backoffice/?queue=review", 9),
        ("/backoffice/?queue=came_back", 9),  # the work that came back: two grouped counts
        ("/department/", 9),
    )
    for path, queries in paths:
        with django_assert_max_num_queries(queries):
            assert client.get(path).status_code == 200, path
    api = api_as("backoffice")
    for path, queries in (("/api/v1/tickets", 3), ("/api/v1/tickets?q=王建国", 7)):
        with django_assert_max_num_queries(queries):
            listed = api.get(path)
        assert listed.status_code == 200, path
        assert len(listed.json()["items"]) == orders, path


def test_the_order_page_offers_only_what_the_user_may_do_now(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    backoffice = signed_in(users["backoffice"]).get(f"/tickets/{number}/").content.decode()
    agent = signed_in(users["agent"]).get(f"/tickets/{number}/").content.decode()
    assert f"/tickets/{number}/dispatch/" in backoffice
    assert f"/tickets/{number}/dispatch/" not in agent
    assert f"/tickets/{number}/urge/" in agent


def test_an_action_from_the_page_moves_the_order_and_shows_it(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    client = signed_in(users["backoffice"])
    response = client.post(
        f"/tickets/{number}/dispatch/", {"version": 1, "department": "repair"}, follow=True
    )
    assert response.status_code == 200
    assert Ticket.objects.get(number=number).state == "dispatched"
    assert "已完成：派单" in response.content.decode()


def test_a_stale_page_gets_a_clear_message_and_the_fresh_state(
    open_ticket: Callable[..., dict[str, Any]], act: Act, users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    act("backoffice", number, "dispatch", department="repair")  # version 1 → 2 elsewhere
    response = signed_in(users["backoffice"]).post(
        f"/tickets/{number}/reassign/", {"version": 1, "department": "billing"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "其他人刚刚修改了这张工单" in page
    assert 'name="version" value="2"' in page
    assert Ticket.objects.get(number=number).department.code == "repair"  # type: ignore[union-attr]


def test_a_refused_action_keeps_what_was_typed_in_its_form(
    open_ticket: Callable[..., dict[str, Any]], act: Act, users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    act("backoffice", number, "dispatch", department="repair")  # version 1 → 2 elsewhere
    client = signed_in(users["backoffice"])
    note = "客户第三次来电催促，情绪激动"
    for version, status in (("1", 409), ("not a number", 400)):
        response = client.post(f"/tickets/{number}/urge/", {"version": version, "note": note})
        page = response.content.decode()
        assert response.status_code == status
        assert f'<input name="note" value="{note}">' in page
        assert 'class="action action-urge refused"' in page
    assert Ticket.objects.get(number=number).urge_count == 0


def test_a_handler_sees_only_the_departments_orders(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    users: dict[str, User],
    centre: OrgUnit,
) -> None:
    OrgUnit.objects.create(kind=OrgUnit.Kind.DEPARTMENT, code="billing", name="电费", parent=centre)
    mine, theirs = open_ticket()["number"], open_ticket()["number"]
    act("backoffice", mine, "dispatch", department="repair")
    act("backoffice", theirs, "dispatch", department="billing")
    client = signed_in(users["handler"])
    inbox = client.get("/department/").content.decode()
    assert mine in inbox and theirs not in inbox
    assert client.get(f"/tickets/{theirs}/").status_code == 404

    taken = client.post(f"/tickets/{mine}/take/", {"version": 2, "next": "/department/"})
    assert taken.headers["Location"] == "/department/"
    assert Ticket.objects.get(number=mine).assignee == users["handler"]


def test_the_back_office_dispatches_several_orders_at_once(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    first, second = open_ticket()["number"], open_ticket()["number"]
    client = signed_in(users["backoffice"])
    queue = client.get("/backoffice/", {"queue": "review"}).content.decode()
    assert first in queue and second in queue
    response = client.post(
        "/backoffice/dispatch",
        {
            "numbers": [first, second],
            f"version-{first}": 1,
            f"version-{second}": 9,  # stale: left alone, and said so
            f"department-{first}": "repair",
            f"department-{second}": "repair",
        },
        follow=True,
    )
    assert Ticket.objects.get(number=first).state == "dispatched"
    assert Ticket.objects.get(number=second).state == "accepted"
    assert second in response.content.decode()


def test_the_department_hears_of_each_order_sent_to_it(
    open_ticket: Callable[..., dict[str, Any]], act: Act, users: dict[str, User]
) -> None:
    from kefu.core.models import Notification

    number = open_ticket()["number"]
    act("backoffice", number, "dispatch", department="repair")
    notes = Notification.objects.filter(recipient=users["handler"], kind="ticket.assigned")
    assert [note.title.split(" ")[0] for note in notes] == [number]
    assert not Notification.objects.filter(recipient=users["agent"]).exists()
    badge = signed_in(users["handler"]).get("/notifications/badge")
    assert badge.content == b"1"


def test_the_reply_form_offers_the_standard_phrases_with_the_result_filled_in(
    open_ticket: Callable[..., dict[str, Any]], act: Act, users: dict[str, User]
) -> None:
    from kefu.tickets.models import StandardPhrase

    StandardPhrase.objects.create(use="reply", kind="complaint", text="经核实，{result}。")
    StandardPhrase.objects.create(use="reply", kind="fault", text="故障已处理：{result}。")
    number = open_ticket()["number"]
    act("backoffice", number, "handle_in_centre")
    act("backoffice", number, "return", result="已向客户当面致歉。")
    act("backoffice", number, "verify")
    page = signed_in(users["backoffice"]).get(f"/tickets/{number}/").content.decode()
    assert "经核实，已向客户当面致歉。" in page
    assert "故障已处理" not in page  # a complaint's reply, not a fault's
