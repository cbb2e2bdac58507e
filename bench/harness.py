"""What the benchmarks share: a load generator on one asyncio loop, percentiles, and
`kefu serve` started on a free loopback port."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]
PASSWORD = "kefu-demo-2026"


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


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length) if length else b""
    return status, body


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
                    status, _body = await exchange(reader, writer, request)
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
    return {"offered_rps": rate, "errors": errors, **summarize(latencies, elapsed)}


def summarize(latencies: list[float], elapsed: float) -> dict[str, Any]:
    values = sorted(latencies)
    return {
        "requests": len(values),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(values) / elapsed, 1) if elapsed else 0.0,
        "mean_ms": round(statistics.fmean(values), 2) if values else None,
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
    }


def token(port: int, username: str = "agent") -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": username, "password": PASSWORD})
    connection.request(
        "POST", "/api/v1/auth/token", body=body, headers={"Content-Type": "application/json"}
    )
    return str(json.loads(connection.getresponse().read())["token"])


def wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout: float = 180) -> None:
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


@contextmanager
def serving(env: dict[str, str], args: list[str]) -> Iterator[tuple[int, dict[str, float]]]:
    """`kefu serve` on a free port for the block; afterwards the CPU seconds it and this
    process (the load generator) used are filled into the yielded dict."""
    port = free_port()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    cpu: dict[str, float] = {}
    server = subprocess.Popen(
        [*KEFU, "serve", f"--port={port}", "--no-worker", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, server)
        yield port, cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        itself = resource.getrusage(resource.RUSAGE_SELF)
        cpu["server_cpu_seconds"] = round(
            children.ru_utime
            + children.ru_stime
            - children_before.ru_utime
            - children_before.ru_stime,
            1,
        )
        cpu["load_generator_cpu_seconds"] = round(
            itself.ru_utime + itself.ru_stime - self_before.ru_utime - self_before.ru_stime, 1
        )


def child(script: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run a benchmark script in a child process (its own Django set-up) for its JSON."""
    out = subprocess.run(
        [sys.executable, script, *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out[out.index("{") :]))


def bench_env(prefix: str, database_url: str | None) -> dict[str, str]:
    """The environment of a benchmark's `kefu` processes: a fresh data directory, and
    SQLite unless an (empty) PostgreSQL database is named."""
    data_dir = tempfile.mkdtemp(prefix=f"kefu-bench-{prefix}-")
    env = {**os.environ, "KEFU_DATA_DIR": data_dir, "KEFU_LOG_LEVEL": "WARNING"}
    env.pop("KEFU_DATABASE_URL", None)
    if database_url:
        env["KEFU_DATABASE_URL"] = database_url
    return env
