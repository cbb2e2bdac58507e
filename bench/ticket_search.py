"""Work-order text search benchmark: `GET /api/v1/tickets?q=…` over 100,000 orders.

Prepares the demo centre plus 100,000 bulk-inserted orders (bench/orders.py), then gives
every order the text of a real one: a title, a description written from the demo
centre's contact notes, and a result for the closed ones; the search index takes them
(its time is reported). Starts `kefu serve` and asks, at a paced rate, what people
search for: a word or two of the trouble (表箱, 电压 空调), a common word (停电), a
customer's name, an account number, an order's number, and words no order holds; as the
back office (the whole centre) and as a department's handler, mixed and kind by kind.
Prints p50/p95/p99 as JSON, `targets_met` for each, and for reference the same list
without a search. Target: p95 under 30 ms.

    python bench/ticket_search.py                                  # SQLite
    python bench/ticket_search.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import bench_env, child, cpu_probe_ms, drive, serving, token
from orders import prepare_orders

TARGET_P95_MS = 30.0
WORDS = [
    "表箱",
    "电压",
    "断线",
    "树枝",
    "电杆 倾斜",
    "电压 空调",
    "表箱 锈蚀",
    "打火",
    "漏电保护器",
    "停电",
    "电费",
    "客户",
]
NOWHERE = ["宽带", "光猫 红灯", "zz9999"]


def texts() -> dict[str, Any]:
    """Give every order a real order's text, then index it (run in a child process)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from django.db import connection, transaction

    from kefu.core import demo_content
    from kefu.tickets.models import Ticket
    from kefu.tickets.search import search_index_catch_up

    rng = random.Random(27)
    kinds = [
        (business, content)
        for business, _name, contents in demo_content.POWER_TAXONOMY["business_type"]
        for content, _label in contents
    ]
    notes: list[str] = []
    while len(notes) < 5000:
        business, content = rng.choice(kinds)
        try:
            notes.append(demo_content.contact_summary(rng, business, content))
        except ValueError:  # a content with no notes written for it
            kinds.remove((business, content))
    rows = list(Ticket.objects.values_list("pk", "state"))
    began = time.perf_counter()
    for start in range(0, len(rows), 5000):
        batch = []
        for pk, state in rows[start : start + 5000]:
            note, other = rng.choice(notes), rng.choice(notes)
            title = note.split("，")[0].removeprefix("客户来电")[:40] or note[:20]
            result = other.split("，", 1)[-1] if state == "closed" else ""
            batch.append((title, note, result, pk))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE tickets_ticket SET title = %s, description = %s, result = %s WHERE id = %s",
                batch,
            )
    written = time.perf_counter() - began
    began = time.perf_counter()
    indexed = search_index_catch_up()
    index_seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    sample = list(
        Ticket.objects.order_by("?").values_list(
            "number", "customer__name", "customer__account_number"
        )[:200]
    )
    return {
        "orders": len(rows),
        "write_seconds": round(written, 1),
        "indexed": indexed,
        "index_seconds": round(index_seconds, 1),
        "numbers": [number for number, _name, _account in sample],
        "names": sorted({name for _number, name, _account in sample}),
        "accounts": sorted({account for _number, _name, account in sample if account}),
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--texts":
        print(json.dumps(texts(), ensure_ascii=False))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=30.0, help="searches a second")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()

    env = bench_env("ticket-search", args.database_url)
    began = time.perf_counter()
    seeded = prepare_orders(env, args.orders, customers=2000, contacts=200)
    written = child(__file__, env, "--texts")
    prepare_seconds = time.perf_counter() - began
    queries = {
        "words": WORDS,
        "names": written["names"],
        "accounts": written["accounts"],
        "numbers": written["numbers"],
        "nowhere": NOWHERE,
    }

    def asking(kinds: list[str]) -> Any:
        def make(rng: random.Random) -> tuple[str, str, Any, int]:
            q = rng.choice(queries[rng.choice(kinds)])
            return "GET", f"/api/v1/tickets?q={quote(q)}", None, 200

        return make

    everything = asking(list(queries))
    probe_before = cpu_probe_ms()
    results: dict[str, Any] = {}
    with serving(env, []) as (port, cpu):
        for role in ("backoffice", "handler"):
            bearer = token(port, role)
            drive(port, bearer, args.clients, args.warmup, everything)
            results[role] = drive(port, bearer, args.clients, args.seconds, everything, args.rate)
        for role in ("backoffice", "handler"):
            bearer = token(port, role)
            for kind in queries:
                results[f"{role}_{kind}"] = drive(
                    port, bearer, args.clients, args.seconds / 2, asking([kind]), args.rate
                )
        # Not a search: the same list without `q`, what any list of 20 orders costs here.
        listing = drive(
            port,
            token(port, "backoffice"),
            args.clients,
            args.seconds / 2,
            lambda rng: ("GET", "/api/v1/tickets", None, 200),
            args.rate,
        )
    probe_after = cpu_probe_ms()
    report = {
        "benchmark": "ticket_search",
        "database": "postgresql" if args.database_url else "sqlite",
        "existing_orders": seeded["orders"],
        "prepare_seconds": round(prepare_seconds, 1),
        "index": {
            "orders": written["indexed"],
            "seconds": written["index_seconds"],
        },
        "searches": results,
        "reference_list_without_q": listing,
        **cpu,
        "cpu_probe_ms": {"before": probe_before, "after": probe_after},
        "target_p95_ms": TARGET_P95_MS,
        "targets_met": {
            name: result["p95_ms"] <= TARGET_P95_MS and result["errors"] == 0
            for name, result in results.items()
        },
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
