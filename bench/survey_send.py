"""Survey invitations in bulk (issue 19 point 2): how long one call of `invitations_send`
takes for 10,000 recipients (the most a call may send), through the outbox's batch path.

Three calls, timed: 10,000 recipients by number, 10,000 by customer (their mobile read
from the customer), and the first call again (every key written before: nothing new).
Prints JSON with seconds per call and invitations per second.

    python bench/survey_send.py                            # SQLite, a fresh data dir
    python bench/survey_send.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, ROOT, bench_env, child

ROWS = 10_000


def inner(rows: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from kefu.core.models import OrgUnit
    from kefu.core.services.users import user_create
    from kefu.customers.models import Customer, CustomerPhone
    from kefu.satisfaction.models import Invitation
    from kefu.satisfaction.services.outbound import rules_of
    from kefu.satisfaction.services.surveys import (
        QuestionSpec,
        Recipient,
        TemplateSpec,
        invitations_send,
        template_create,
    )

    centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="bench", name="压测中心")
    manager = user_create(
        username="bench-manager",
        password=os.urandom(12).hex(),
        role="manager",
        centre=centre,
    )
    rules = rules_of(centre.pk)
    rules.quiet_from = rules.quiet_until = rules.quiet_from.replace(hour=0)  # no quiet hours
    rules.save()
    template = template_create(
        actor=manager,
        spec=TemplateSpec(
            name="热线满意度",
            touchpoint="hotline",
            intro="请评价本次服务。",
            thanks="感谢您的评价。",
            sms_text="【客服中心】请评价本次服务：",
            questions=[QuestionSpec("csat", "您对本次服务满意吗？")],
        ),
    )
    customers = Customer.objects.bulk_create(
        [Customer(centre=centre, name=f"客户{n}") for n in range(rows)], batch_size=1000
    )
    CustomerPhone.objects.bulk_create(
        [
            CustomerPhone(customer=c, number=f"1370000{n:04d}", kind="mobile")
            for n, c in enumerate(customers)
        ],
        batch_size=1000,
    )
    by_number = [Recipient(key=f"n{n}", address=f"1380000{n:04d}") for n in range(rows)]
    by_customer = [Recipient(key=f"c{c.pk}", customer_id=c.pk) for c in customers]
    figures: dict[str, Any] = {"recipients": rows}
    for name, recipients in (
        ("by_number", by_number),
        ("by_customer", by_customer),
        ("repeated", by_number),
    ):
        started = time.perf_counter()
        sent = invitations_send(actor=manager, template_id=template.pk, recipients=recipients)
        seconds = time.perf_counter() - started
        figures[name] = {
            "seconds": round(seconds, 2),
            "per_second": round(len(sent) / seconds),
            "pending": sum(1 for i in sent if i.state == "pending"),
        }
    figures["invitations"] = Invitation.objects.count()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--database-url")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(inner(args.rows)))
        return
    env = bench_env("surveys", args.database_url)
    subprocess.run(
        [*KEFU, "migrate", "--no-input"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    result = child(__file__, env, "--inner", "--rows", str(args.rows))
    result["database"] = "postgresql" if args.database_url else "sqlite"
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
