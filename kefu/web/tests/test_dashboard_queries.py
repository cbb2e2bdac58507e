"""The supervisor dashboard stays fast at 100,000 orders (issue 15, point 27a): its counts
of today's work-order events read today's events by their time, never the whole table,
and the page's query count is pinned (bench/pages.py measures its time)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket, TicketEvent, TimeLimitPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(
    centre: OrgUnit, users: dict[str, User], policy: TimeLimitPolicy, customer: Customer
) -> None:
    """400 orders of last year with ten events each, and statistics for the planner, as
    after the bench's bulk load (bench/orders.py)."""
    long_ago = timezone.now() - timedelta(days=300)
    Ticket.objects.bulk_create(
        Ticket(
            number=f"GD20260101{n:06d}",
            centre=centre,
            kind="query",
            customer=customer,
            title="历史工单",
            state="closed",
            policy=policy,
            created_by=users["agent"],
            created_at=long_ago,
            closed_at=long_ago,
            last_event_seq=10,
        )
        for n in range(400)
    )
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=pk, seq=seq, at=long_ago, action="close", from_state="replied")
        for pk in Ticket.objects.values_list("pk", flat=True)
        for seq in range(1, 11)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Whether an index can serve the query at all, whatever the small table's costs.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_todays_event_counts_read_todays_events_by_their_time(
    users: dict[str, User], history: None
) -> None:
    client = Client()
    client.force_login(users["manager"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboard/").status_code == 200
    counts = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "tickets_ticketevent"' in query["sql"]
    ]
    assert len(counts) >= 6  # the day's actions, escalations, stages, callbacks
    for sql in counts:
        plan = _plan(sql)
        assert "ticket_event_at_idx" in plan, plan


def test_the_dashboard_costs_a_fixed_number_of_queries(
    users: dict[str, User], history: None, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(users["manager"])
    client.get("/dashboard/")  # the 30-day trend's past days are cached after the first
    # Three of them read the rota's figures (shifts, the agents' stretches, the staff), one
    # the honours board, three today's hot topics (today's and yesterday's counts to the
    # same hour, the names of the topics found).
    with django_assert_max_num_queries(38):
        assert client.get("/dashboard/").status_code == 200
