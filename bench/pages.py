"""Page benchmark: the server time of the pages people keep open all day, with the demo
centre scaled to 100,000 work orders.

Prepares the demo centre plus 100,000 bulk-inserted orders (bench/orders.py), starts
`kefu serve`, signs in through the login page as the agent, the back office and the
manager, and requests each page one after another (no queueing, so the time measured is
the server's): the agent workbench opened by a screen pop with a customer's number, the
back office's review queue, and the supervisor dashboard. Prints p50/p95/p99 per page as
JSON. Target on this 2-core machine: p95 under 150 ms.

    python bench/pages.py                                  # SQLite, a fresh data dir
    python bench/pages.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PASSWORD, bench_env, child, cpu_probe_ms, serving, summarize
from orders import prepare_orders

TARGET_P95_MS = 150.0


def phones() -> dict[str, Any]:
    """Numbers of customers who have work orders, for the screen pops (child process)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from kefu.customers.models import CustomerPhone

    numbers = CustomerPhone.objects.filter(customer__tickets__isnull=False).values_list(
        "number", flat=True
    )
    return {"phones": sorted(set(numbers[:5000]))[:500]}


class Browser:
    """One signed-in session over a keep-alive connection, as a browser tab would hold."""

    def __init__(self, port: int, username: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.get("/login/")
        form = {"username": username, "password": PASSWORD}
        form["csrfmiddlewaretoken"] = self.cookies["csrftoken"]
        status, _ = self.request("POST", "/login/", urlencode(form))
        assert status == 302 and "sessionid" in self.cookies, f"{username} could not sign in"

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)


def measure(
    browser: Browser, make_path: Callable[[random.Random], str], count: int
) -> dict[str, Any]:
    rng = random.Random(20261123)
    for _ in range(10):  # untimed: first queries, template loading, cold caches
        browser.get(make_path(rng))
    latencies, errors = [], 0
    began = time.perf_counter()
    for _ in range(count):
        path = make_path(rng)
        start = time.perf_counter()
        status, content = browser.get(path)
        latencies.append((time.perf_counter() - start) * 1000)
        if status != 200 or not re.search(rb"<main|id=\"board\"", content):
            errors += 1
    return {"errors": errors, **summarize(latencies, time.perf_counter() - began)}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phones":
        print(json.dumps(phones()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()

    env = bench_env("pages", args.database_url)
    began = time.perf_counter()
    seeded = prepare_orders(env, args.orders, customers=2000, contacts=3000)
    numbers = child(__file__, env, "--phones")["phones"]
    prepare_seconds = time.perf_counter() - began

    pages: dict[str, tuple[str, Callable[[random.Random], str]]] = {
        "workbench_screen_pop": ("agent", lambda rng: f"/workbench/?caller={rng.choice(numbers)}"),
        "backoffice_review_queue": ("backoffice", lambda rng: "/backoffice/?queue=review"),
        "dashboard": ("manager", lambda rng: "/dashboard/"),
    }
    probe_before = cpu_probe_ms()
    results = {}
    with serving(env, []) as (port, cpu):
        for name, (username, make_path) in pages.items():
            results[name] = measure(Browser(port, username), make_path, args.requests)
    probe_after = cpu_probe_ms()
    report = {
        "benchmark": "pages",
        "database": "postgresql" if args.database_url else "sqlite",
        "existing_orders": seeded["orders"],
        "prepare_seconds": round(prepare_seconds, 1),
        "pages": results,
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
