"""100,000 work orders for the benchmarks: the demo centre plus orders bulk-inserted
straight into the database (70 % closed, the rest spread over the open states, some
overdue), then analysed as autovacuum or an operator would after an import.

    python bench/orders.py COUNT    # into the database KEFU_* points at; prints JSON
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, ROOT, child


def prepare_orders(
    env: dict[str, str], count: int, *, customers: int, contacts: int
) -> dict[str, Any]:
    """Migrate, load the demo centre without its orders, then bulk-insert `count`."""
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*KEFU, "demo", f"--customers={customers}", f"--contacts={contacts}", "--tickets=0"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return child(__file__, env, str(count))


def seed(count: int) -> dict[str, Any]:
    """Bulk-insert `count` orders into the configured database (run in a child process)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from kefu.core.models import OrgUnit, User
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket, TicketEvent, TicketSequence, TimeLimitPolicy

    rng = random.Random(20261123)
    centre = OrgUnit.objects.get(code="nj95598")
    departments = list(OrgUnit.objects.filter(parent=centre, kind=OrgUnit.Kind.DEPARTMENT))
    customers = list(Customer.objects.filter(centre=centre).values_list("pk", flat=True))
    agent = User.objects.get(username="agent")
    policy = TimeLimitPolicy.objects.get(name="一般工单")
    now = timezone.now()
    open_states = ["accepted", "dispatched", "handling", "returned", "verified", "replied"]
    stage_of = dict(
        zip(open_states, ["review", "take", "return", "verify", "reply", "callback"], strict=True)
    )
    sequences: dict[Any, int] = {}
    fresh_due = 0
    batch: list[Ticket] = []

    def flush() -> None:
        with transaction.atomic():
            Ticket.objects.bulk_create(batch, batch_size=1000)
            created = Ticket.objects.filter(number__in=[t.number for t in batch]).values_list(
                "pk", "created_at"
            )
            TicketEvent.objects.bulk_create(
                (
                    TicketEvent(
                        ticket_id=pk,
                        seq=1,
                        at=at,
                        actor=agent,
                        action="create",
                        to_state="accepted",
                    )
                    for pk, at in created
                ),
                batch_size=1000,
            )
        batch.clear()

    for _ in range(count):
        created_at = now - timedelta(minutes=rng.randint(10, 60 * 24 * 60))
        day = timezone.localdate(created_at)
        sequences[day] = sequences.get(day, 0) + 1
        closed = rng.random() < 0.7
        state = "closed" if closed else rng.choice(open_states)
        started = created_at + timedelta(minutes=rng.randint(1, 600))
        started = min(started, now)
        due = started + timedelta(hours=4)
        # Most past points were recorded by earlier sweeps; a few hundred are new.
        recorded = closed or rng.random() > 0.01
        fresh_due += int(not closed and not recorded and due <= now)
        batch.append(
            Ticket(
                number=f"GD{day:%Y%m%d}{sequences[day]:06d}",
                centre=centre,
                kind=rng.choice(["query", "business", "complaint", "fault", "consultation"]),
                customer_id=rng.choice(customers),
                title="客户来电反映用电问题",
                description="基准测试工单",
                state=state,
                department=rng.choice(departments) if state != "accepted" else None,
                policy=policy,
                created_by=agent,
                created_at=created_at,
                closed_at=started if closed else None,
                stage="" if closed else stage_of[state],
                stage_started_at=None if closed else started,
                stage_warn_at=None if closed else started + timedelta(hours=3),
                stage_due_at=None if closed else due,
                stage_warned=recorded and due - timedelta(hours=1) <= now,
                stage_overdue=recorded and due <= now,
                last_event_seq=1,
            )
        )
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    for day, last in sequences.items():
        TicketSequence.objects.update_or_create(day=day, defaults={"last": last})
    # What autovacuum (PostgreSQL) or an operator's ANALYZE after an import would do: give
    # the planner statistics for the bulk-loaded table.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"orders": count, "fresh_points_due": fresh_due, "customers": customers}


if __name__ == "__main__":
    print(json.dumps(seed(int(sys.argv[1]))))
