"""Concurrent writers against the real database: one wins, the other is told, none is lost."""

from __future__ import annotations

import pytest

from kefu.conftest import race
from kefu.core.errors import Conflict
from kefu.core.models import OrgUnit, User
from kefu.core.services import user_create
from kefu.customers.models import Customer
from kefu.customers.services import customer_create, customer_update


@pytest.fixture
def two_agents(db: None) -> tuple[User, User]:
    centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="race", name="并发中心")
    return (
        user_create(username="a1", password="x-2026-pw", role="agent", centre=centre),
        user_create(username="a2", password="x-2026-pw", role="agent", centre=centre),
    )


@pytest.mark.django_db(transaction=True)
def test_two_agents_creating_one_account_number_one_wins(two_agents: tuple[User, User]) -> None:
    first, second = two_agents
    results = race(
        [
            lambda: customer_create(actor=first, name="甲", account_number="3201999999"),
            lambda: customer_create(actor=second, name="乙", account_number="3201999999"),
        ]
    )

    assert sorted(type(result).__name__ for result in results) == ["Conflict", "Customer"]
    assert Customer.objects.filter(account_number="3201999999").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_one_version_one_is_refused(two_agents: tuple[User, User]) -> None:
    first, second = two_agents
    customer = customer_create(actor=first, name="丙")
    results = race(
        [
            lambda: customer_update(actor=first, customer=customer, version=1, notes="第一位"),
            lambda: customer_update(actor=second, customer=customer, version=1, notes="第二位"),
        ]
    )

    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert len(conflicts) == 1, results
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.version == 2
    assert stored.notes in {"第一位", "第二位"}
