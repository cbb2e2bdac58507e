from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import TimeLimitPolicy

FOUR_HOURS = {"limit": "PT4H", "warning": "PT3H"}


@pytest.fixture
def always(db: None) -> WorkCalendar:
    return WorkCalendar.objects.create(name="24x7", title="7×24", kind=WorkCalendar.Kind.ALWAYS)


@pytest.fixture
def policy(centre: OrgUnit, always: WorkCalendar) -> TimeLimitPolicy:
    """Every stage four hours round the clock, five days overall."""
    stages = ["review", "take", "return", "verify", "reply", "callback"]
    return TimeLimitPolicy.objects.create(
        name="默认",
        calendar=always,
        limits={
            **{stage: FOUR_HOURS for stage in stages},
            "overall": {"limit": "P5D", "warning": "P4D"},
        },
    )


@pytest.fixture
def complaint_category(centre: OrgUnit) -> CallReason:
    business = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="complaint", name="投诉"
    )
    return CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="attitude",
        name="服务态度",
        parent=business,
    )


@pytest.fixture
def customer(users: dict[str, User]) -> Customer:
    return customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])


@pytest.fixture
def open_ticket(
    api_as: Callable[[str], ApiClient],
    customer: Customer,
    policy: TimeLimitPolicy,
    complaint_category: CallReason,
) -> Callable[..., dict[str, Any]]:
    def create(**change: Any) -> dict[str, Any]:
        body = {
            "customer_id": customer.pk,
            "kind": "complaint",
            "category": "attitude",
            "urgency": "normal",
            "title": "抢修人员态度差",
            "description": "客户反映抢修人员上门时态度生硬。",
            **change,
        }
        response = api_as("agent").post("/api/v1/tickets", body)
        assert response.status_code == 201, response.content
        return dict(response.json())

    return create


@pytest.fixture
def act(api_as: Callable[[str], ApiClient]) -> Callable[..., Any]:
    """Act as `role` on the order with its current version; returns the response."""

    def run(role: str, number: str, action: str, **fields: Any) -> Any:
        api = api_as(role)
        version = fields.pop("version", None)
        if version is None:
            version = api_as("admin").get(f"/api/v1/tickets/{number}").json()["version"]
        return api.post(f"/api/v1/tickets/{number}/{action}", {"version": version, **fields})

    return run
