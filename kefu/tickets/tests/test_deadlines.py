"""Deadlines on real calendars, through the services that store them on the order."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.customers.models import Customer
from kefu.tickets.models import TimeLimitPolicy
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_complaint_accepted_the_afternoon_before_national_day(
    users: dict[str, User], customer: Customer, centre: OrgUnit
) -> None:
    TimeLimitPolicy.objects.create(
        name="投诉",
        kind="complaint",
        calendar=WorkCalendar.objects.get(name="workhours"),
        limits={"review": {"limit": "PT4H", "warning": "PT3H"}},
    )
    ticket = ticket_create(
        actor=users["agent"],
        customer_id=customer.pk,
        kind="complaint",
        title="节前投诉",
        created_at=datetime(2025, 9, 30, 16, 0, tzinfo=SH),
    )
    # 1.5 h left on 30 September; 1–8 October are holidays; 2.5 h from 08:30 on the 9th.
    assert ticket.stage_due_at == datetime(2025, 10, 9, 11, 0, tzinfo=SH)
    assert ticket.stage_warn_at == datetime(2025, 10, 9, 10, 0, tzinfo=SH)


def test_a_fault_report_runs_round_the_clock(
    users: dict[str, User], customer: Customer, always: WorkCalendar
) -> None:
    TimeLimitPolicy.objects.create(
        name="故障",
        kind="fault",
        calendar=always,
        limits={"review": {"limit": "PT2H", "warning": "PT1H30M"}},
    )
    ticket = ticket_create(
        actor=users["agent"],
        customer_id=customer.pk,
        kind="fault",
        title="夜间停电",
        created_at=datetime(2025, 9, 30, 23, 30, tzinfo=SH),
    )
    assert ticket.stage_due_at == datetime(2025, 10, 1, 1, 30, tzinfo=SH)
