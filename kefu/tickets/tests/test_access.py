"""Each role against each kind of work order, through the API and the web forms: who sees
it, who may take it, who may return it.

The orders: one at the handler's department (repair), one at another department
(marketing), one at the expert user's own expert seat, one at another expert seat, one
the centre handles itself, and one of another centre. The expectations are written out
here, not derived from the code, so that a change of the rules has to be made twice.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.conftest import ApiClient
from kefu.core.models import Notification, OrgUnit, User
from kefu.core.roles import ROLES
from kefu.core.services import user_create
from kefu.customers.models import Customer
from kefu.customers.queries import customers_visible_to
from kefu.tickets.models import Ticket
from kefu.tickets.services import ActionInput, deadline_sweep, ticket_act, ticket_create

pytestmark = pytest.mark.django_db

OBJECTS = ["own_department", "other_department", "own_seat", "other_seat", "other_centre"]

# What a GET of the order answers, per role and order.
SEES: dict[str, dict[str, int]] = {
    role: dict.fromkeys(OBJECTS, 200) | {"other_centre": 404}
    for role in ("agent", "expert", "backoffice", "leader", "qa", "manager")
}
SEES["handler"] = dict.fromkeys(OBJECTS, 404) | {"own_department": 200}
SEES["editor"] = dict.fromkeys(OBJECTS, 403)
SEES["admin"] = dict.fromkeys(OBJECTS, 200)  # the administrator of the whole installation

# What `take` on the dispatched order answers.
TAKES: dict[str, dict[str, int]] = {
    role: dict.fromkeys(OBJECTS, 403) | {"other_centre": 404}
    for role in ("agent", "backoffice", "leader", "qa", "manager")
}
TAKES["expert"] = dict.fromkeys(OBJECTS, 403) | {"own_seat": 200, "other_centre": 404}
TAKES["handler"] = dict.fromkeys(OBJECTS, 404) | {"own_department": 200}
TAKES["editor"] = dict.fromkeys(OBJECTS, 403)
TAKES["admin"] = dict.fromkeys(OBJECTS, 200)


@pytest.fixture
def units(centre: OrgUnit, department: OrgUnit, users: dict[str, User]) -> dict[str, OrgUnit]:
    """The centre's departments and expert seats; the expert user sits at `expert-seat`."""

    def unit(code: str, *, seat: bool = False, parent: OrgUnit = centre) -> OrgUnit:
        return OrgUnit.objects.create(
            kind=OrgUnit.Kind.DEPARTMENT, code=code, name=code, parent=parent, expert_seat=seat
        )

    found = {
        "repair": department,
        "marketing": unit("marketing"),
        "expert-seat": unit("expert-seat", seat=True),
        "broadband-seat": unit("broadband-seat", seat=True),
    }
    users["expert"].department = found["expert-seat"]
    users["expert"].save(update_fields=["department"])
    return found


@pytest.fixture
def orders(
    units: dict[str, OrgUnit], users: dict[str, User], centre: OrgUnit, other_centre: OrgUnit
) -> dict[str, str]:
    """One dispatched order of each kind, by number."""
    admin = users["admin"]

    def order(centre: OrgUnit, action: str, department: str) -> str:
        customer = Customer.objects.create(centre=centre, name="王建国")
        ticket = ticket_create(actor=admin, customer_id=customer.pk, kind="fault", title="停电")
        ticket_act(
            actor=admin,
            number=ticket.number,
            action=action,
            version=1,
            fields=ActionInput(department=department),
        )
        return ticket.number

    OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="their-repair", name="抢修", parent=other_centre
    )
    numbers = {
        "own_department": order(centre, "dispatch", "repair"),
        "other_department": order(centre, "dispatch", "marketing"),
        "own_seat": order(centre, "transfer", "expert-seat"),
        "other_seat": order(centre, "transfer", "broadband-seat"),
    }
    # The other centre's order is dispatched there by its own back office.
    their_admin = user_create(
        username="their-admin", password="x-pass-2026", role="backoffice", centre=other_centre
    )
    customer = Customer.objects.create(centre=other_centre, name="李四")
    ticket = ticket_create(actor=their_admin, customer_id=customer.pk, kind="fault", title="停电")
    ticket_act(
        actor=their_admin,
        number=ticket.number,
        action="dispatch",
        version=1,
        fields=ActionInput(department="their-repair"),
    )
    numbers["other_centre"] = ticket.number
    return numbers


CASES = [pytest.param(role, obj, id=f"{role}-{obj}") for role in sorted(ROLES) for obj in OBJECTS]


@pytest.mark.parametrize(("role", "obj"), CASES)
def test_role_against_order_through_the_api(
    api_as: Callable[[str], ApiClient], orders: dict[str, str], role: str, obj: str
) -> None:
    api = api_as(role)
    number = orders[obj]

    seen = api.get(f"/api/v1/tickets/{number}")
    assert seen.status_code == SEES[role][obj], seen.content
    listed = api.get("/api/v1/tickets", limit=100)
    if SEES[role][obj] == 200:
        assert number in {item["number"] for item in listed.json()["items"]}
        # What the order offers the user is what the user may do.
        offered = "take" in seen.json()["allowed_actions"]
        assert offered == (TAKES[role][obj] == 200)
    elif listed.status_code == 200:
        assert number not in {item["number"] for item in listed.json()["items"]}

    version = Ticket.objects.get(number=number).version
    taken = api.post(f"/api/v1/tickets/{number}/take", {"version": version})
    assert taken.status_code == TAKES[role][obj], taken.content
    assert taken.json().get("code") != "transition_refused"
    after = Ticket.objects.get(number=number)
    assert (after.version == version + 1) == (TAKES[role][obj] == 200)


@pytest.mark.parametrize(("role", "obj"), CASES)
def test_role_against_order_through_the_web_form(
    users: dict[str, User], orders: dict[str, str], role: str, obj: str
) -> None:
    client = Client()
    client.force_login(users[role])
    number = orders[obj]

    page = client.get(f"/tickets/{number}/")
    assert page.status_code == SEES[role][obj]
    version = Ticket.objects.get(number=number).version
    taken = client.post(f"/tickets/{number}/take/", {"version": version})
    allowed = TAKES[role][obj] == 200
    assert taken.status_code == (302 if allowed else TAKES[role][obj])
    assert (Ticket.objects.get(number=number).version == version + 1) == allowed


def test_an_expert_cannot_take_or_return_another_departments_order(
    api_as: Callable[[str], ApiClient], orders: dict[str, str], users: dict[str, User]
) -> None:
    """The report's case: the back office dispatched the order to marketing."""
    number = orders["other_department"]
    marketing = user_create(
        username="marketing-handler",
        password="x-pass-2026",
        role="handler",
        centre=users["admin"].centre,
        department=OrgUnit.objects.get(code="marketing"),
    )
    expert = api_as("expert")

    assert expert.post(f"/api/v1/tickets/{number}/take", {"version": 2}).status_code == 403
    ticket_act(actor=marketing, number=number, action="take", version=2)
    returned = expert.post(f"/api/v1/tickets/{number}/return", {"version": 3, "result": "已处理"})
    assert returned.status_code == 403
    assert returned.json()["code"] == "forbidden"
    client = Client()
    client.force_login(users["expert"])
    form = client.post(f"/tickets/{number}/return/", {"version": 3, "result": "已处理"})
    assert form.status_code == 403
    ticket = Ticket.objects.get(number=number)
    assert (ticket.state, ticket.version, ticket.assignee) == ("handling", 3, marketing)


def test_an_expert_works_the_orders_of_their_own_seat(
    api_as: Callable[[str], ApiClient], orders: dict[str, str], users: dict[str, User]
) -> None:
    number = orders["own_seat"]
    expert = api_as("expert")
    assert expert.post(f"/api/v1/tickets/{number}/take", {"version": 2}).status_code == 200
    suspended = expert.post(f"/api/v1/tickets/{number}/suspend", {"version": 3, "reason": "等"})
    assert suspended.status_code == 200
    assert expert.post(f"/api/v1/tickets/{number}/resume", {"version": 4}).status_code == 200
    returned = expert.post(f"/api/v1/tickets/{number}/return", {"version": 5, "result": "已答复"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"

    other = orders["other_seat"]
    refused = expert.post(f"/api/v1/tickets/{other}/suspend", {"version": 2, "reason": "等"})
    assert refused.status_code == 403


def test_the_inbox_shows_a_unit_its_own_orders_alone(
    orders: dict[str, str], users: dict[str, User]
) -> None:
    for role, own in (("expert", "own_seat"), ("handler", "own_department")):
        client = Client()
        client.force_login(users[role])
        inbox = client.get("/department/").content.decode()
        assert orders[own] in inbox, role
        assert not [o for o in OBJECTS if o != own and orders[o] in inbox], role


def test_a_handler_without_a_department_sees_no_orders(
    make_user: Callable[..., User], orders: dict[str, str], users: dict[str, User], centre: OrgUnit
) -> None:
    """Not the orders no department holds, either."""
    admin = users["admin"]
    customer = Customer.objects.create(centre=centre, name="张三")
    ticket = ticket_create(actor=admin, customer_id=customer.pk, kind="fault", title="停电")
    ticket_act(actor=admin, number=ticket.number, action="handle_in_centre", version=1)
    loose = make_user("handler", username="loose-handler", department=None)
    client = Client()
    client.force_login(loose)

    assert client.get(f"/tickets/{ticket.number}/").status_code == 404
    assert ticket.number not in client.get("/tickets/").content.decode()
    assert not customers_visible_to(loose).exists()


def test_the_back_office_takes_only_what_the_centre_handles_itself(
    api_as: Callable[[str], ApiClient],
    orders: dict[str, str],
    users: dict[str, User],
    centre: OrgUnit,
) -> None:
    admin = users["admin"]
    customer = Customer.objects.create(centre=centre, name="张三")
    ticket = ticket_create(actor=admin, customer_id=customer.pk, kind="query", title="电费")
    backoffice = api_as("backoffice")
    assert (
        backoffice.post(f"/api/v1/tickets/{ticket.number}/handle_in_centre", {"version": 1})
    ).status_code == 200
    returned = backoffice.post(
        f"/api/v1/tickets/{ticket.number}/return", {"version": 2, "result": "已电话解释"}
    )
    assert returned.status_code == 200
    # A department's order is the department's to return.
    number = orders["own_department"]
    ticket_act(actor=users["handler"], number=number, action="take", version=2)
    refused = backoffice.post(f"/api/v1/tickets/{number}/return", {"version": 3, "result": "x"})
    assert refused.status_code == 403


def test_overdue_orders_at_an_expert_seat_warn_its_experts(
    orders: dict[str, str], users: dict[str, User]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    Ticket.objects.filter(number=orders["own_seat"]).update(
        stage_warn_at=now - timedelta(minutes=2), stage_due_at=now - timedelta(minutes=1)
    )
    deadline_sweep(now=now)
    told = Notification.objects.filter(kind="ticket.overdue", title__startswith=orders["own_seat"])
    assert users["expert"].pk in set(told.values_list("recipient_id", flat=True))
    assert users["handler"].pk not in set(told.values_list("recipient_id", flat=True))


def _customer_ids(api: ApiClient) -> set[int]:
    response = api.get("/api/v1/customers", limit=100)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_a_handler_sees_the_customers_of_their_departments_orders_alone(
    api_as: Callable[[str], ApiClient], orders: dict[str, str]
) -> None:
    customer_of = {obj: Ticket.objects.get(number=orders[obj]).customer_id for obj in OBJECTS}
    handler = api_as("handler")

    assert _customer_ids(handler) == {customer_of["own_department"]}
    for obj, customer in customer_of.items():
        expected = 200 if obj == "own_department" else 404
        assert handler.get(f"/api/v1/customers/{customer}").status_code == expected, obj
    agent = _customer_ids(api_as("agent"))
    assert agent == {customer_of[o] for o in OBJECTS if o != "other_centre"}
