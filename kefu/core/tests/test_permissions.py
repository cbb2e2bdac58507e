"""Each role against each endpoint: allowed, or 403 with the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.core.models import OrgUnit, User
from kefu.core.roles import ROLES
from kefu.customers.models import Customer

pytestmark = pytest.mark.django_db

FRONT_LINE = {"agent", "expert", "backoffice", "admin"}
EVERYONE = set(ROLES)

# (method, path template, body, roles allowed): written out here, not derived from
# kefu.core.roles, so that a change to the role table has to be made twice on purpose.
MATRIX: list[tuple[str, str, dict[str, Any] | None, set[str]]] = [
    ("GET", "/api/v1/me", None, EVERYONE),
    ("GET", "/api/v1/call-reasons", None, EVERYONE),
    (
        "GET",
        "/api/v1/customers",
        None,
        EVERYONE - {"editor"},
    ),
    ("POST", "/api/v1/customers", {"name": "新客户"}, FRONT_LINE | {"manager"}),
    ("GET", "/api/v1/customers/{customer}", None, EVERYONE - {"editor"}),
    ("GET", "/api/v1/customers/{customer}?unmask=true", None, FRONT_LINE | {"manager"}),
    ("PATCH", "/api/v1/customers/{customer}", {"notes": "改"}, FRONT_LINE | {"manager"}),
    (
        "GET",
        "/api/v1/customers/{customer}/history",
        None,
        FRONT_LINE | {"leader", "qa", "manager"},
    ),
    (
        "POST",
        "/api/v1/customers/identity-check",
        {"phone": "13812345678", "name": "王建国", "id_number": "11010519491231002X"},
        FRONT_LINE,
    ),
    ("GET", "/api/v1/contacts", None, FRONT_LINE | {"leader", "qa", "manager"}),
    (
        "POST",
        "/api/v1/contacts",
        {"channel": "hotline", "started_at": "2026-11-20T09:00:00+08:00"},
        FRONT_LINE | {"leader"},
    ),
    ("GET", "/api/v1/contacts/{contact}", None, FRONT_LINE | {"leader", "qa", "manager"}),
    # Supervision (issue 20): leaders, inspectors and managers read the round compliance;
    # inspectors and managers (the customer-relations department) keep the checklists.
    ("GET", "/api/v1/supervision/compliance", None, {"leader", "qa", "manager", "admin"}),
    (
        "POST",
        "/api/v1/supervision/checklists",
        {"kind": "round", "name": "夜班巡查", "items": [{"section": "scene", "text": "桌面整洁"}]},
        {"qa", "manager", "admin"},
    ),
    # Work reports (issue 20 point 6; 002 第14篇): everyone on staff writes their own;
    # team leaders and managers see who of their people has submitted.
    ("POST", "/api/v1/supervision/work-reports", {"kind": "weekly"}, EVERYONE),
    ("GET", "/api/v1/supervision/work-reports/team", None, {"leader", "manager", "admin"}),
    # Assessment (issue 20 point 3): leaders, inspectors and managers read the department
    # figures and the appraisal; the back office, handlers (their department's), leaders,
    # inspectors and managers the judgements; managers edit the weights (the administrator,
    # a superuser, may do everything).
    (
        "GET",
        "/api/v1/supervision/assessment/departments",
        None,
        {"leader", "qa", "manager", "admin"},
    ),
    ("GET", "/api/v1/supervision/appraisal", None, {"leader", "qa", "manager", "admin"}),
    (
        "GET",
        "/api/v1/supervision/judgements",
        None,
        {"backoffice", "handler", "leader", "qa", "manager", "admin"},
    ),
    (
        "PUT",
        "/api/v1/supervision/appraisal/weights",
        {
            "weights": {
                "answered": 15,
                "aht": 10,
                "qa": 30,
                "exam": 15,
                "attendance": 20,
                "complaints": 10,
            }
        },
        {"manager", "admin"},
    ),
]

CASES = [
    pytest.param(method, path, body, role, role in allowed, id=f"{role}-{method}-{path}")
    for method, path, body, allowed in MATRIX
    for role in sorted(ROLES)
]


@pytest.mark.parametrize(("method", "path", "body", "role", "allowed"), CASES)
def test_role_against_endpoint(
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
    centre: OrgUnit,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    role: str,
    allowed: bool,
) -> None:
    from kefu.contacts.services import contact_create
    from kefu.core.roles import ADMIN
    from kefu.tickets.services import ActionInput, ticket_act, ticket_create

    customer = Customer.objects.create(centre=centre, name="王建国")
    # An order of the customer's at the handler's department: handlers see only the
    # customers of their department's orders.
    order = ticket_create(actor=users[ADMIN], customer_id=customer.pk, kind="fault", title="停电")
    ticket_act(
        actor=users[ADMIN],
        number=order.number,
        action="dispatch",
        version=1,
        fields=ActionInput(department="repair"),
    )
    contact = contact_create(
        actor=users[ADMIN],
        channel="hotline",
        started_at=customer.created_at,
        customer_id=customer.pk,
    )
    url = path.format(customer=customer.pk, contact=contact.pk)
    if "?" in url:
        url, query = url.split("?")
        response = api_as(role).get(url, **dict([query.split("=")]))
    else:
        response = api_as(role).request(method, url, body)

    if allowed:
        assert response.status_code in {200, 201}, response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json() == {
            "code": "forbidden",
            "message": response.json()["message"],
            "detail": None,
        }
        assert response.json()["message"]


def test_every_role_group_exists_after_migrate(db: None) -> None:
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
