"""Fixtures of the duty-log tests: two leaders of the centre and work orders in warning,
overdue and on time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.core.models import User
from kefu.tickets.models import Ticket
from kefu.tickets.tests.conftest import (  # noqa: F401 - fixtures pytest finds by name
    always,
    complaint_category,
    customer,
    policy,
)
from kefu.tickets.tests.conftest import open_ticket as open_ticket


@pytest.fixture
def outgoing(make_user: Callable[..., User]) -> User:
    return make_user("leader", "zhang", full_name="张班长")


@pytest.fixture
def incoming(make_user: Callable[..., User]) -> User:
    return make_user("leader", "li", full_name="李班长")


@pytest.fixture
def orders(open_ticket: Callable[..., dict[str, Any]]) -> dict[str, Ticket]:
    """Three open orders: one past its stage's limit, one past the warning point only,
    one on time."""
    now = timezone.now()
    late = open_ticket(title="抄表数据错误多收电费")
    warned = open_ticket(title="停电报修未到场")
    fine = open_ticket(title="咨询电价")
    Ticket.objects.filter(number=late["number"]).update(
        stage_warn_at=now - timedelta(hours=2), stage_due_at=now - timedelta(hours=1)
    )
    Ticket.objects.filter(number=warned["number"]).update(
        stage_warn_at=now - timedelta(minutes=30), stage_due_at=now + timedelta(hours=1)
    )
    Ticket.objects.filter(number=fine["number"]).update(
        stage_warn_at=now + timedelta(hours=3), stage_due_at=now + timedelta(hours=4)
    )
    return {
        name: Ticket.objects.get(number=number)
        for name, number in (
            ("overdue", late["number"]),
            ("warning", warned["number"]),
            ("ok", fine["number"]),
        )
    }
