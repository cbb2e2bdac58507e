"""Masking per role, unmasked views audited, and the three-field check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.conftest import ApiClient
from kefu.core.models import AuditEntry, User
from kefu.core.roles import ROLES
from kefu.customers.models import Customer
from kefu.customers.services import customer_create

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "110105195001010012"  # valid, someone else's


@pytest.fixture
def customer(users: dict[str, User]) -> Customer:
    return customer_create(
        actor=users["agent"],
        name="王建国",
        phones=["13812345678"],
        id_number=ID_NUMBER,
        address="江苏省南京市鼓楼区中山北路128号3栋2单元501室",
    )


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"editor"}))
def test_every_role_sees_personal_data_masked_by_default(
    api_as: Callable[[str], ApiClient], users: dict[str, User], customer: Customer, role: str
) -> None:
    if role == "handler":  # a handler sees the customers of their department's orders
        from kefu.tickets.services import ActionInput, ticket_act, ticket_create

        order = ticket_create(
            actor=users["agent"], customer_id=customer.pk, kind="fault", title="停电"
        )
        ticket_act(
            actor=users["backoffice"],
            number=order.number,
            action="dispatch",
            version=1,
            fields=ActionInput(department="repair"),
        )
    body = api_as(role).get(f"/api/v1/customers/{customer.pk}").json()

    assert body["masked"] is True
    assert body["phones"] == [{"number": "138****5678", "kind": "mobile"}]
    assert body["id_number"] == "110105********002X"
    assert body["address"] == "江苏省南京市鼓楼区****"


@pytest.mark.parametrize(
    ("role", "may_unmask"),
    [(role, role in {"agent", "expert", "backoffice", "manager", "admin"}) for role in ROLES],
)
def test_unmasking_is_allowed_per_role_and_always_audited(
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
    customer: Customer,
    role: str,
    may_unmask: bool,
) -> None:
    response = api_as(role).get(f"/api/v1/customers/{customer.pk}", unmask="true")
    views = AuditEntry.objects.filter(
        action="customer.view_personal_data", object_id=str(customer.pk)
    )

    if may_unmask:
        assert response.status_code == 200
        body = response.json()
        assert body["masked"] is False
        assert body["phones"][0]["number"] == "13812345678"
        assert body["id_number"] == ID_NUMBER
        entry = views.get()
        assert entry.actor == users[role]
        assert entry.ip == "127.0.0.1"
    else:
        # A handler does not even see a customer none of their department's orders is for.
        assert response.status_code == (404 if role == "handler" else 403)
        assert not views.exists()


def test_masked_reads_leave_no_audit_rows(
    api_as: Callable[[str], ApiClient], customer: Customer
) -> None:
    api = api_as("agent")
    before = AuditEntry.objects.count()
    api.get(f"/api/v1/customers/{customer.pk}")
    api.get("/api/v1/customers", phone="13812345678")
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("phone", "name", "id_number", "matched"),
    [
        ("138-1234-5678", "王建国", ID_NUMBER.lower(), True),
        ("13812345678", "王建军", ID_NUMBER, False),
        ("13912345678", "王建国", ID_NUMBER, False),
        ("13812345678", "王建国", OTHER_ID_NUMBER, False),
    ],
)
def test_three_field_check(
    api_as: Callable[[str], ApiClient],
    customer: Customer,
    phone: str,
    name: str,
    id_number: str,
    matched: bool,
) -> None:
    response = api_as("agent").post(
        "/api/v1/customers/identity-check",
        {"phone": phone, "name": name, "id_number": id_number},
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "matched": matched,
        "customer_id": customer.pk if matched else None,
    }
    entry = AuditEntry.objects.get(action="customer.identity_check")
    assert entry.after is not None and entry.after["matched"] is matched


def test_three_field_check_is_rate_limited_per_user(
    api_as: Callable[[str], ApiClient], customer: Customer, settings: object
) -> None:
    api = api_as("agent")
    body = {"phone": "13812345678", "name": "猜名字", "id_number": ID_NUMBER}
    statuses = [api.post("/api/v1/customers/identity-check", body).status_code for _ in range(12)]

    assert statuses == [200] * 10 + [429, 429]
    assert AuditEntry.objects.filter(action="customer.identity_check.refused").count() == 2
    # Another agent has a budget of their own.
    assert api_as("expert").post("/api/v1/customers/identity-check", body).status_code == 200
