"""API benchmark: phone search and contact creation over real HTTP against gunicorn.

Builds a throw-away SQLite data directory with the demo centre scaled to 100,000
customers, starts `kefu serve` on loopback, drives each scenario with 20 concurrent
keep-alive clients for 30 s, and prints throughput and latency percentiles as JSON.

    make bench                      # the full run
    python bench/api.py --customers 5000 --seconds 5   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kefu.cli import web_threads, web_workers

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]
TARGETS = {
    "phone_search": {"p95_ms": 30.0},
    "contact_create": {"p95_ms": 80.0, "throughput_rps": 200.0},
}


def cpu_probe_ms() -> float:
    """A fixed pure-Python loop: how fast this machine's cores are right now, since shared
    machines vary by a factor of two or more over minutes."""
    began = time.perf_counter()
    total = 0
    for number in range(2_000_000):
        total += number
    return round((time.perf_counter() - began) * 1000, 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


def encode(method: str, path: str, token: str, body: Any = None) -> bytes:
    payload = b"" if body is None else json.dumps(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def drive(
    port: int,
    token: str,
    clients: int,
    seconds: float,
    make_request: Callable[[random.Random], tuple[str, str, Any, int]],
    rate: float | None = None,
) -> dict[str, Any]:
    """`clients` keep-alive connections, like that many agents' browsers.

    Without `rate`, each client sends its next request as soon as the last returns: the
    throughput the server can sustain. With `rate`, the clients together send `rate`
    requests a second on a fixed schedule, and a request's latency counts from when it
    was due, so a server falling behind shows in the figures (no coordinated omission).
    The load generator is one asyncio loop writing pre-encoded requests, so it takes as
    little as possible of the CPU that the server under test shares with it.
    """
    latencies: list[float] = []
    errors = 0

    async def client(slot: int, deadline: float) -> None:
        nonlocal errors
        rng = random.Random(slot)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        interval = clients / rate if rate else 0.0
        due = time.perf_counter() + interval * slot / clients
        try:
            while time.perf_counter() < deadline:
                method, path, body, expected = make_request(rng)
                request = encode(method, path, token, body)
                if rate:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    began = due
                    due += interval
                else:
                    began = time.perf_counter()
                try:
                    status = await _exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append((time.perf_counter() - began) * 1000)
                if status != expected:
                    errors += 1
        finally:
            writer.close()

    async def run_all() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(client(slot, deadline) for slot in range(clients)))
        return time.perf_counter() - started

    elapsed = asyncio.run(run_all())
    values = sorted(latencies)
    return {
        "offered_rps": rate,
        "requests": len(values),
        "errors": errors,
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
    parser.add_argument("--warmup", type=float, default=5.0, help="untimed seconds first")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn processes (kefu serve's default)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads a process (kefu serve's default)"
    )
    parser.add_argument(
        "--rate", type=float, default=200.0, help="requests a second in the paced runs"
    )
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

    probe_before = cpu_probe_ms()
    port = free_port()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    server = subprocess.Popen(
        [
            *KEFU,
            "serve",
            f"--port={port}",
            *([f"--workers={args.workers}"] if args.workers else []),
            *([f"--threads={args.threads}"] if args.threads else []),
            "--no-worker",
        ],
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

        scenarios = {"phone_search": search, "contact_create": create}
        results = {}
        for name, scenario in scenarios.items():
            # Untimed first: lazy imports, new connections and cold caches are start-up
            # costs, not what a centre sees all day.
            # The paced run goes before the flat-out one: on a shared machine a long run at
            # full load can slow the cores for the minute after it.
            drive(port, bearer, args.clients, args.warmup, scenario)
            at_rate = drive(port, bearer, args.clients, args.seconds, scenario, args.rate)
            saturation = drive(port, bearer, args.clients, args.seconds, scenario)
            results[name] = {"at_rate": at_rate, "saturation": saturation}
    finally:
        server.terminate()
        server.wait(timeout=30)
    probe_after = cpu_probe_ms()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = {
        "server_cpu_seconds": round(
            children_after.ru_utime
            + children_after.ru_stime
            - children_before.ru_utime
            - children_before.ru_stime,
            1,
        ),
        "load_generator_cpu_seconds": round(
            self_after.ru_utime + self_after.ru_stime - self_before.ru_utime - self_before.ru_stime,
            1,
        ),
    }

    # Throughput targets are what the server sustains; latency targets are at the offered
    # rate, the load a centre puts on it.
    met = {
        name: all(
            results[name]["at_rate"][key] <= limit
            if key.endswith("_ms")
            else results[name]["saturation"][key] >= limit
            for key, limit in targets.items()
        )
        and results[name]["at_rate"]["errors"] == 0
        and results[name]["saturation"]["errors"] == 0
        for name, targets in TARGETS.items()
    }
    report = {
        "benchmark": "api",
        "database": "sqlite",
        "customers": len(customer_ids),
        "phones": len(phones),
        "clients": args.clients,
        "gunicorn_workers": args.workers or web_workers(),
        "gunicorn_threads": args.threads or web_threads(),
        "cpus": os.cpu_count(),
        "prepare_seconds": round(prepare_seconds, 1),
        **results,
        **cpu,
        "cpu_probe_ms": {"before": probe_before, "after": probe_after},
        "targets": TARGETS,
        "targets_met": met,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
