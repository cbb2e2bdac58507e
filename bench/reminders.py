"""Reminder benchmark: a million reminders scheduled, then each dispatched exactly once,
within a minute of its due time, by two dispatcher processes (issue 19, point 4).

A centre with ROWS customers, each with a mobile number and a planned visit tomorrow, and
one reminder rule (the day of the visit, a text, sent over a window of ROWS / RATE
seconds). `kefu outbox remind`'s scheduler writes the reminders (timed, with its peak
memory): a million outbox messages due tomorrow. Rather than wait a day, the bench then
moves every due time back by one interval so that the window opens twenty seconds from
now (one UPDATE; a scheduled time is data, the dispatcher reads nothing else). Two
`kefu outbox run` processes send through a stand-in gateway that appends each key it is
handed to a ledger file of its own process (a provider as fast as the loopback allows).
When nothing is left to send the dispatchers are stopped and the bench prints JSON:

- dispatch throughput, messages per second of the dispatch (first due to last sent), and
  the arrival rate it had to keep up with;
- lag (sent minus due) p50 / p95 / max in seconds, and how many were later than 60 s;
- duplicates (keys in the ledgers more than once) and missing (messages not sent, or not
  in a ledger): both must be 0;
- peak memory of the scheduler and of each dispatcher (maximum resident set, from wait4).

    python bench/reminders.py                              # SQLite, a fresh data dir
    python bench/reminders.py --rows 100000                # a quicker look
    python bench/reminders.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, ROOT, bench_env, cpu_probe_ms, percentile

ROWS = 1_000_000
RATE = 1000  # reminders falling due per second, spread evenly
DISPATCHERS = 2
BATCH = 500
CHUNK = 20_000
LEDGER_VARIABLE = "KEFU_BENCH_LEDGER"
TARGETS = {"lag_max_s": 60, "duplicates": 0, "missing": 0}


class LedgerGateway:
    """The stand-in provider: each send's key and moment, one line, to this process's
    ledger. It can look a send up, so a dispatcher's crash would be settled, not resent."""

    name = "bench"

    def __init__(self) -> None:
        folder = Path(os.environ[LEDGER_VARIABLE])
        self.path = folder / f"ledger-{os.getpid()}.txt"
        self.file = self.path.open("a", buffering=1, encoding="utf-8")

    def send(self, number: str, text: str, *, key: str = "") -> str:
        self.file.write(f"{key} {time.time():.3f}\n")
        return key

    def find(self, number: str, key: str, since: dt.datetime) -> str | None:
        for ledger in Path(os.environ[LEDGER_VARIABLE]).glob("ledger-*.txt"):
            with ledger.open(encoding="utf-8") as file:
                if any(line.split(" ", 1)[0] == key for line in file):
                    return key
        return None


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def _setup(rows: int, spread: int) -> dict[str, Any]:
    """The centre, its customers with a mobile and a planned visit tomorrow, the rule."""
    _django()
    from django.utils import timezone

    from kefu.core.models import OrgUnit
    from kefu.customers.models import Customer, CustomerPhone
    from kefu.satisfaction.models import CustomerDate, OutreachRules, ReminderRule

    began = time.perf_counter()
    centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="bench", name="基准中心")
    OutreachRules.objects.create(
        centre=centre, quiet_from=dt.time(0), quiet_until=dt.time(0), messages_per_day=10
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(9, 0))
    ReminderRule.objects.create(
        centre=centre,
        name="上门服务提醒",
        event="planned_visit",
        days=0,
        channel="sms",
        template="尊敬的{客户}：我们将于{日期}上门服务，请留意。",
        send_from=start.time(),
        send_until=(start + dt.timedelta(seconds=spread)).time(),
    )
    for first in range(0, rows, CHUNK):
        count = min(CHUNK, rows - first)
        customers = Customer.objects.bulk_create(
            [Customer(centre=centre, name=f"客户{first + i}") for i in range(count)]
        )
        CustomerPhone.objects.bulk_create(
            [
                CustomerPhone(customer=c, number=f"13{(first + i):09d}", kind="mobile")
                for i, c in enumerate(customers)
            ]
        )
        CustomerDate.objects.bulk_create(
            [
                CustomerDate(centre=centre, customer=c, kind="planned_visit", date=tomorrow)
                for c in customers
            ]
        )
    return {"setup_s": round(time.perf_counter() - began, 1)}


def _shift(lead: float) -> dict[str, Any]:
    """Move every due time back so the window opens `lead` seconds from now."""
    _django()
    from django.db.models import F, Min
    from django.utils import timezone

    from kefu.satisfaction.models import Message

    first = Message.objects.aggregate(first=Min("scheduled_for"))["first"]
    delta = first - (timezone.now() + dt.timedelta(seconds=lead))
    began = time.perf_counter()
    Message.objects.update(scheduled_for=F("scheduled_for") - delta, due_at=F("due_at") - delta)
    return {"shift_s": round(time.perf_counter() - began, 1)}


def _left() -> int:
    from kefu.satisfaction.models import Message, MessageState

    return Message.objects.filter(state__in=[MessageState.QUEUED, MessageState.SENDING]).count()


def _verify(ledger_dir: str) -> dict[str, Any]:
    _django()
    from kefu.satisfaction.models import Message, MessageState

    keys: Counter[str] = Counter()
    for ledger in Path(ledger_dir).glob("ledger-*.txt"):
        with ledger.open(encoding="utf-8") as file:
            keys.update(line.split(" ", 1)[0] for line in file)
    lags: list[float] = []
    first_due = last_sent = None
    missing = 0
    after = 0
    while True:
        chunk = list(
            Message.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "state", "reference", "scheduled_for", "sent_at")[:CHUNK]
        )
        if not chunk:
            break
        after = chunk[-1][0]
        for _pk, state, reference, due, sent in chunk:
            if state != MessageState.SENT or sent is None or reference not in keys:
                missing += 1
                continue
            lags.append((sent - due).total_seconds())
            first_due = due if first_due is None else min(first_due, due)
            last_sent = sent if last_sent is None else max(last_sent, sent)
    lags.sort()
    elapsed = (last_sent - first_due).total_seconds() if lags and first_due and last_sent else 0
    return {
        "sent": len(lags),
        "throughput_per_s": round(len(lags) / elapsed, 1) if elapsed else None,
        "lag_p50_s": round(percentile(lags, 0.50), 2),
        "lag_p95_s": round(percentile(lags, 0.95), 2),
        "lag_max_s": round(lags[-1], 2) if lags else None,
        "later_than_60s": sum(1 for lag in lags if lag > 60),
        "duplicates": sum(count - 1 for count in keys.values() if count > 1),
        "missing": missing,
    }


def _run(env: dict[str, str], *args: str) -> tuple[dict[str, Any], float]:
    """This script's step in a child process: its JSON and its peak memory (MB)."""
    process = subprocess.Popen(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"step {args[:2]} failed")
    return dict(json.loads(output[output.index("{") :])), round(usage.ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--rate", type=int, default=RATE, help="reminders due per second")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    parser.add_argument("--step", choices=["setup", "shift", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--spread", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--ledger", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step == "setup":
        print(json.dumps(_setup(options.rows, options.spread)))
        return
    if options.step == "shift":
        print(json.dumps(_shift(20)))
        return
    if options.step == "verify":
        print(json.dumps(_verify(options.ledger)))
        return

    env = bench_env("reminders", options.database_url)
    ledger = Path(env["KEFU_DATA_DIR"]) / "ledgers"
    ledger.mkdir()
    env.update(
        {
            LEDGER_VARIABLE: str(ledger),
            "KEFU_SMS_GATEWAY": "reminders.LedgerGateway",
            "PYTHONPATH": os.pathsep.join(
                [str(Path(__file__).resolve().parent), env.get("PYTHONPATH", "")]
            ),
        }
    )
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    spread = max(1, options.rows // max(1, options.rate))
    report: dict[str, Any] = {
        "rows": options.rows,
        "database": "postgresql" if options.database_url else "sqlite",
        "dispatchers": DISPATCHERS,
        "arrival_rate_per_s": round(options.rows / spread, 1),
        "cpu_probe_ms": cpu_probe_ms(),
    }
    setup, _memory = _run(
        env, "--step", "setup", "--rows", str(options.rows), "--spread", str(spread)
    )
    report.update(setup)

    began = time.perf_counter()
    process = subprocess.Popen(
        [*KEFU, "outbox", "remind"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    written = process.stdout.read().strip()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit("the scheduler failed")
    seconds = time.perf_counter() - began
    report["scheduled"] = written
    report["schedule_s"] = round(seconds, 1)
    report["schedule_rows_per_s"] = round(options.rows / seconds, 1)
    report["schedule_peak_mb"] = round(usage.ru_maxrss / 1024, 1)
    shift, _memory = _run(env, "--step", "shift")
    report.update(shift)

    dispatchers = [
        subprocess.Popen(
            [*KEFU, "outbox", "run", "--batch", str(BATCH), "--poll", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(DISPATCHERS)
    ]
    os.environ["KEFU_DATA_DIR"] = env["KEFU_DATA_DIR"]
    if options.database_url:
        os.environ["KEFU_DATABASE_URL"] = options.database_url
    _django()
    time.sleep(20 + spread)
    for _tick in range(3600):  # at most an hour past the window
        if _left() == 0:
            break
        time.sleep(2)
    from django.db import connection

    connection.close()
    memory = []
    for dispatcher in dispatchers:
        dispatcher.terminate()
        _pid, _status, usage = os.wait4(dispatcher.pid, 0)
        memory.append(round(usage.ru_maxrss / 1024, 1))
    report["dispatcher_peak_mb"] = memory
    verified, _memory = _run(env, "--step", "verify", "--ledger", str(ledger))
    report.update(verified)
    report["targets"] = TARGETS
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
