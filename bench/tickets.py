"""Work-order benchmark: the whole loop over HTTP against gunicorn, on 100,000 orders.

Prepares the demo centre plus 100,000 existing orders (bulk-inserted: 70 % closed, the
rest spread over the open states, some overdue; then analysed) and starts `kefu serve`.
20 clients walk orders through create → dispatch → take → return → verify → reply →
callback: first paced at 150 actions a second, for the latency of each action at that
load, then flat out, for the actions a second the server sustains. The filtered list
(`overdue=true&department=repair`) runs the same two ways, then the time-limit sweep over
all open orders. Prints actions per second and p50/p95/p99 per action as JSON.

    python bench/tickets.py                                   # SQLite, a fresh data dir
    python bench/tickets.py --database-url postgres://…/empty_db   # PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    bench_env,
    child,
    cpu_probe_ms,
    drive,
    encode,
    exchange,
    serving,
    summarize,
    token,
)
from orders import prepare_orders

from kefu.cli import web_threads, web_workers

LOOP = ["create", "dispatch", "take", "return", "verify", "reply", "callback"]
TARGETS = {"loop_actions_rps": 150.0, "action_p95_ms": 100.0, "list_p95_ms": 100.0}


def sweep_twice() -> dict[str, Any]:
    """Time the sweep over every open order: first with new points due, then steady."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from kefu.tickets.models import Ticket
    from kefu.tickets.services import deadline_sweep

    open_orders = Ticket.objects.exclude(state__in=["closed", "cancelled", "merged"]).count()
    timings = []
    for _ in range(2):
        began = time.perf_counter()
        result = deadline_sweep()
        timings.append(
            {
                "seconds": round(time.perf_counter() - began, 3),
                "warnings": result.warnings,
                "overdue": result.overdue,
            }
        )
    return {"open_orders": open_orders, "first": timings[0], "steady": timings[1]}


def walk(
    port: int,
    tokens: dict[str, str],
    customers: list[int],
    seconds: float,
    clients: int,
    rate: float | None = None,
) -> dict[str, Any]:
    """`clients` clients each walking orders round the loop for `seconds`.

    Without `rate`, each sends its next action as soon as the last returns: the throughput
    the server sustains. With `rate`, the clients together send `rate` actions a second on
    a fixed schedule and each action's latency counts from when it was due, so a server
    falling behind shows in the figures (no coordinated omission).
    """
    latencies: dict[str, list[float]] = {action: [] for action in LOOP}
    errors = 0
    interval = clients / rate if rate else 0.0

    async def client(slot: int, deadline: float) -> None:
        nonlocal errors
        rng = random.Random(slot)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        due = time.perf_counter() + interval * slot / clients

        async def call(action: str, role: str, path: str, body: dict[str, Any]) -> Any:
            nonlocal errors, due
            request = encode("POST", path, tokens[role], body)
            if rate:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                began, due = due, due + interval
            else:
                began = time.perf_counter()
            status, raw = await exchange(reader, writer, request)
            latencies[action].append((time.perf_counter() - began) * 1000)
            if status not in {200, 201}:
                errors += 1
                return None
            return json.loads(raw)

        try:
            while time.perf_counter() < deadline:
                order = await call(
                    "create",
                    "agent",
                    "/api/v1/tickets",
                    {
                        "customer_id": rng.choice(customers),
                        "kind": "query",
                        "title": "客户查询电费",
                        "description": "基准测试",
                    },
                )
                steps: list[tuple[str, str, dict[str, Any]]] = [
                    ("dispatch", "backoffice", {"department": "repair"}),
                    ("take", "handler", {}),
                    ("return", "handler", {"result": "已处理"}),
                    ("verify", "backoffice", {}),
                    ("reply", "backoffice", {"channel": "phone", "text": "已答复客户"}),
                    ("callback", "backoffice", {"satisfied": True, "note": "满意"}),
                ]
                for action, role, fields in steps:
                    if order is None:
                        break
                    order = await call(
                        action,
                        role,
                        f"/api/v1/tickets/{order['number']}/{action}",
                        {"version": order["version"], **fields},
                    )
        finally:
            writer.close()

    async def run_all() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(client(slot, started + seconds) for slot in range(clients)))
        return time.perf_counter() - started

    elapsed = asyncio.run(run_all())
    total = sum(len(values) for values in latencies.values())
    return {
        "offered_actions_rps": rate,
        "actions": total,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "actions_rps": round(total / elapsed, 1),
        "loops_completed": len(latencies["callback"]),
        "per_action": {action: summarize(values, elapsed) for action, values in latencies.items()},
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--sweep":
        print(json.dumps(sweep_twice()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=150.0, help="loop actions a second")
    parser.add_argument("--list-rate", type=float, default=50.0, help="list requests a second")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()

    env = bench_env("tickets", args.database_url)
    began = time.perf_counter()
    seeded = prepare_orders(env, args.orders, customers=2000, contacts=200)
    prepare_seconds = time.perf_counter() - began
    customers = seeded.pop("customers")

    def overdue_repair(rng: random.Random) -> tuple[str, str, Any, int]:
        return "GET", "/api/v1/tickets?overdue=true&department=repair", None, 200

    probe_before = cpu_probe_ms()
    with serving(env, []) as (port, cpu):
        tokens = {role: token(port, role) for role in ("agent", "backoffice", "handler")}
        # Untimed first: new connections, prepared statements and cold caches are
        # start-up costs. Paced before flat out, as in bench/api.py.
        walk(port, tokens, customers, args.warmup, args.clients)
        loop_at_rate = walk(port, tokens, customers, args.seconds, args.clients, args.rate)
        loop_saturation = walk(port, tokens, customers, args.seconds, args.clients)
        list_seconds = min(args.seconds, 15.0)
        drive(port, tokens["backoffice"], args.clients, args.warmup, overdue_repair)
        list_at_rate = drive(
            port, tokens["backoffice"], args.clients, list_seconds, overdue_repair, args.list_rate
        )
        list_saturation = drive(
            port, tokens["backoffice"], args.clients, list_seconds, overdue_repair
        )
    probe_after = cpu_probe_ms()
    sweep = child(__file__, env, "--sweep")

    # As in bench/api.py: throughput is what the server sustains flat out; latency is
    # measured at the offered rate. With 20 clients in a closed loop, Little's law makes
    # every latency 20 ÷ throughput whatever the server does; those figures are printed
    # too, under "saturation".
    worst_p95 = max(summary["p95_ms"] for summary in loop_at_rate["per_action"].values())
    met = {
        "loop_actions_rps": loop_saturation["actions_rps"] >= TARGETS["loop_actions_rps"],
        "action_p95_ms": worst_p95 <= TARGETS["action_p95_ms"],
        "list_p95_ms": list_at_rate["p95_ms"] <= TARGETS["list_p95_ms"],
        "sweep_under_2_s": sweep["first"]["seconds"] < 2.0,
        "no_errors": not any(
            run["errors"] for run in (loop_at_rate, loop_saturation, list_at_rate, list_saturation)
        ),
    }
    report = {
        "benchmark": "tickets",
        "database": "postgresql" if args.database_url else "sqlite",
        "existing_orders": seeded["orders"],
        "clients": args.clients,
        "gunicorn_workers": web_workers(),
        "gunicorn_threads": web_threads(),
        "prepare_seconds": round(prepare_seconds, 1),
        "loop": {"at_rate": loop_at_rate, "saturation": loop_saturation},
        "list_overdue_repair": {"at_rate": list_at_rate, "saturation": list_saturation},
        "sweep": sweep,
        **cpu,
        "cpu_probe_ms": {"before": probe_before, "after": probe_after},
        "targets": TARGETS,
        "targets_met": met,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
