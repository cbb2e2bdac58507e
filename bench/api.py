"""API benchmark: phone search and contact creation over real HTTP against gunicorn.

Builds a throw-away SQLite data directory with the demo centre scaled to 100,000
customers, starts `kefu serve` on loopback, drives each scenario with 20 concurrent
keep-alive clients for 30 s, and prints throughput and latency percentiles as JSON.

    make bench                      # the full run
    python bench/api.py --customers 5000 --seconds 5   # a quick look
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]
TARGETS = {
    "phone_search": {"p95_ms": 30.0},
    "contact_create": {"p95_ms": 80.0, "throughput_rps": 200.0},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


class Client:
    """One keep-alive HTTP/1.1 connection, like one agent's browser."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body).encode()
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def drive(
    port: int,
    token: str,
    clients: int,
    seconds: float,
    make_request: Callable[[random.Random], tuple[str, str, Any, int]],
) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.perf_counter() + seconds

    def run(slot: int) -> None:
        rng = random.Random(slot)
        client = Client(port, token)
        while time.perf_counter() < deadline:
            method, path, body, expected = make_request(rng)
            began = time.perf_counter()
            try:
                status, _ = client.call(method, path, body)
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                client = Client(port, token)
                continue
            latencies[slot].append((time.perf_counter() - began) * 1000)
            if status != expected:
                errors[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    values = sorted(value for per_client in latencies for value in per_client)
    return {
        "requests": len(values),
        "errors": sum(errors),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(values) / elapsed, 1),
        "mean_ms": round(statistics.fmean(values), 2) if values else None,
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
    }


def prepare(data_dir: Path, customers: int, env: dict[str, str]) -> None:
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*KEFU, "demo", "--customers", str(customers), "--contacts", "3000"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": "agent", "password": "kefu-demo-2026"})
    connection.request(
        "POST", "/api/v1/auth/token", body=body, headers={"Content-Type": "application/json"}
    )
    return str(json.loads(connection.getresponse().read())["token"])


def wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("kefu serve exited before it served")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("kefu serve did not answer in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--data-dir", help="reuse this data directory (kept afterwards)")
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kefu-bench-"))
    env = {
        **os.environ,
        "KEFU_DATA_DIR": str(data_dir),
        "KEFU_DATABASE_URL": "",
        "KEFU_LOG_LEVEL": "WARNING",
    }
    env.pop("KEFU_DATABASE_URL")
    began = time.perf_counter()
    prepare(data_dir, args.customers, env)
    prepare_seconds = time.perf_counter() - began

    with sqlite3.connect(data_dir / "kefu.sqlite3") as db:
        phones = [row[0] for row in db.execute("SELECT number FROM customers_customerphone")]
        customer_ids = [row[0] for row in db.execute("SELECT id FROM customers_customer")]
        contents = db.execute(
            "SELECT c.code, p.code FROM contacts_callreason c "
            "JOIN contacts_callreason p ON c.parent_id = p.id "
            "JOIN core_orgunit o ON c.centre_id = o.id WHERE o.code = 'nj95598'"
        ).fetchall()

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*KEFU, "serve", "--port", str(port), "--workers", str(args.workers), "--no-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, server)
        bearer = token(port)

        def search(rng: random.Random) -> tuple[str, str, Any, int]:
            return "GET", f"/api/v1/customers?phone={rng.choice(phones)}", None, 200

        def create(rng: random.Random) -> tuple[str, str, Any, int]:
            service, business = rng.choice(contents)
            body = {
                "channel": "hotline",
                "caller_number": rng.choice(phones),
                "customer_id": rng.choice(customer_ids),
                "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                "business_type": business,
                "service_content": service,
                "summary": "客户来电咨询，已答复。",
                "settled": True,
            }
            return "POST", "/api/v1/contacts", body, 201

        results = {
            "phone_search": drive(port, bearer, args.clients, args.seconds, search),
            "contact_create": drive(port, bearer, args.clients, args.seconds, create),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)

    met = {
        name: all(
            results[name][key] <= limit if key.endswith("_ms") else results[name][key] >= limit
            for key, limit in targets.items()
        )
        and results[name]["errors"] == 0
        for name, targets in TARGETS.items()
    }
    report = {
        "benchmark": "api",
        "database": "sqlite",
        "customers": len(customer_ids),
        "phones": len(phones),
        "clients": args.clients,
        "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(),
        "prepare_seconds": round(prepare_seconds, 1),
        **results,
        "targets": TARGETS,
        "targets_met": met,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
