"""A customer import keeps the work-order search right (issue 16, point 4): the import
writes customers in bulk, bypassing the services, and the search's triggers still note the
orders of a customer whose name it changed."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.core.imports import import_file
from kefu.core.models import OrgUnit
from kefu.customers.models import Customer

pytestmark = pytest.mark.django_db


def found(api: ApiClient, q: str) -> set[str]:
    response = api.get("/api/v1/tickets", q=q, limit=200)
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


def test_an_imported_change_of_name_or_account_finds_the_orders_by_the_new_ones(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    customer: Customer,
    centre: OrgUnit,
    tmp_path: Path,
) -> None:
    Customer.objects.filter(pk=customer.pk).update(account_number="0101000001")
    number = open_ticket(title="停电报修")["number"]
    api = api_as("backoffice")
    assert found(api, "王建国") == {number}
    path = tmp_path / "archive.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["户号", "户名"], ["0101000001", "王建军"]])
    report = import_file("customers", path, centre=centre, actor=None)
    assert (report.ok, report.updated) == (True, 1), report.problems
    assert found(api, "王建军") == {number}
    assert found(api, "王建国") == set()
