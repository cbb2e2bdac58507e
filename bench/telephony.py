"""Telephony benchmark: queue_log ingestion speed and memory, then the monthly report.

A centre of 50 queues and 500 agents (in 50 teams) gets a month of simulated queue_log.
Its first 1,000,000 lines are imported (`services.telephony_import`, what `kefu telephony
import` runs) in a process of their own: events per second (lines read over the import's
time, Django's start-up apart), that process's peak memory, and the ratio of the import's
time to `wc -l` on the same file. The rest of the month is imported the same way, a file
several times larger, to show the peak memory does not grow with the file. Then the
monthly report of the centre (`metrics.reports.build`) and the month's indicator summary
are timed over 30 runs each. Prints one JSON report.

    python bench/telephony.py                                  # SQLite, a fresh data dir
    python bench/telephony.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, ROOT, bench_env, child, cpu_probe_ms, percentile

QUEUES = 50
AGENTS = 500
TEAMS = 50
EVENTS = 1_000_000
MONTH = dt.date(2026, 10, 1)
DAYS = 31
REPORT_RUNS = 30
TARGETS = {"events_per_second": 100_000, "peak_memory_mb": 300, "monthly_report_p95_ms": 200}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def prepare_centre() -> dict[str, Any]:
    """The centre, its teams, and a user per agent so calls map to people and teams."""
    _django()
    from kefu.core.models import OrgUnit, User

    centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="bench", name="基准中心")
    teams = OrgUnit.objects.bulk_create(
        OrgUnit(kind=OrgUnit.Kind.TEAM, code=f"team-{n:02d}", name=f"{n}班", parent=centre)
        for n in range(1, TEAMS + 1)
    )
    User.objects.bulk_create(
        User(
            username=f"agent{n}",
            full_name=f"坐席{n}",
            employee_number=str(1000 + n),
            centre=centre,
            team=teams[n % TEAMS],
        )
        for n in range(1, AGENTS + 1)
    )
    return {"centre": centre.pk}


def write_logs(folder: Path) -> dict[str, Any]:
    """A month of queue_log split into the first EVENTS lines and the rest."""
    from zoneinfo import ZoneInfo

    from kefu.telephony import simulator

    lines = simulator.simulate(
        start=MONTH,
        days=DAYS,
        queues=[f"queue-{n:02d}" for n in range(1, QUEUES + 1)],
        agents=[f"Agent/{1000 + n}" for n in range(1, AGENTS + 1)],
        tz=ZoneInfo("Asia/Shanghai"),
        seed=2026,
    )
    began = time.perf_counter()
    first, rest = folder / "queue_log.1m", folder / "queue_log.rest"
    with first.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(lines, EVENTS))
    with rest.open("w", encoding="utf-8") as out:
        rest_lines = 0
        for line in lines:
            out.write(line)
            rest_lines += 1
    return {
        "first": str(first),
        "rest": str(rest),
        "rest_lines": rest_lines,
        "simulate_seconds": round(time.perf_counter() - began, 1),
    }


INGEST = """
import json, os, resource, sys, time
from pathlib import Path
began = time.perf_counter()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
import django
django.setup()
from kefu.telephony import services
from kefu.core.queries import centre_by_code
centre = centre_by_code(None)
started = time.perf_counter()
report = services.telephony_import(centre=centre, path=Path(sys.argv[1]))
done = time.perf_counter()
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
parts = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({**report.as_dict(), "seconds": done - started, "process_seconds": done - began,
                  "peak_kb": max(own, parts), "workers": services.import_workers()}))
"""


def ingest(path: str, env: dict[str, str]) -> dict[str, Any]:
    """The import in a process of its own, for its time and that process's peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", INGEST, path],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    began = time.perf_counter()
    subprocess.run(["wc", "-l", path], check=True, capture_output=True)
    wc_seconds = time.perf_counter() - began
    return {
        "lines": figures["lines"],
        "events": figures["events"],
        "malformed": figures["malformed"],
        "calls": figures["calls"],
        "seconds": round(figures["seconds"], 2),
        "process_seconds": round(figures["process_seconds"], 2),
        "events_per_second": round(figures["lines"] / figures["seconds"]),
        "workers": figures["workers"],
        # The largest of the import's processes (the parent and each part).
        "peak_memory_mb": round(figures["peak_kb"] / 1024, 1),
        "wc_l_seconds": round(wc_seconds, 3),
        "ratio_to_wc_l": round(figures["seconds"] / wc_seconds, 1),
    }


def report_latency() -> dict[str, Any]:
    _django()
    from kefu.core.models import OrgUnit
    from kefu.metrics import queries, reports
    from kefu.telephony.models import Agent, Call, Queue

    centre = OrgUnit.objects.get(code="bench")
    day = MONTH + dt.timedelta(days=14)
    timings: dict[str, list[float]] = {"monthly_report": [], "monthly_summary": []}
    built = reports.build(centre, "monthly", day)
    for _ in range(REPORT_RUNS):
        began = time.perf_counter()
        reports.build(centre, "monthly", day)
        timings["monthly_report"].append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        queries.summary(centre, reports.period_of("monthly", day))
        timings["monthly_summary"].append((time.perf_counter() - began) * 1000)
    result: dict[str, Any] = {
        "queues": Queue.objects.filter(centre=centre).count(),
        "agents": Agent.objects.filter(centre=centre).count(),
        "agents_with_team": Agent.objects.filter(centre=centre, team__isnull=False).count(),
        "calls": Call.objects.count(),
        "report_rows": {
            "queues": len(built.queues),
            "teams": len(built.teams),
            "agents": len(built.agents),
            "trend": len(built.trend),
        },
        "service_level": next(line.value for line in built.lines if line.code == "service_level"),
    }
    for name, values in timings.items():
        values.sort()
        result[f"{name}_p50_ms"] = round(percentile(values, 0.5), 1)
        result[f"{name}_p95_ms"] = round(percentile(values, 0.95), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--step", choices=["centre", "logs", "report"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "centre":
        print(json.dumps(prepare_centre()))
        return
    if args.step == "logs":
        print(json.dumps(write_logs(Path(args.folder))))
        return
    if args.step == "report":
        print(json.dumps(report_latency()))
        return

    env = bench_env("telephony", args.database_url)
    script = str(Path(__file__).resolve())
    probe_before = cpu_probe_ms()
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    child(script, env, "--step", "centre")
    logs = child(script, env, "--step", "logs", "--folder", env["KEFU_DATA_DIR"])
    first = ingest(logs["first"], env)
    rest = ingest(logs["rest"], env)
    report = child(script, env, "--step", "report")
    for path in (logs["first"], logs["rest"]):
        Path(path).unlink()
    figures = {
        "engine": "postgresql" if args.database_url else "sqlite",
        "cpu_probe_ms": [probe_before, cpu_probe_ms()],
        "simulated": {"queues": QUEUES, "agents": AGENTS, "days": DAYS, **logs},
        "ingest_1m": first,
        "ingest_rest_of_month": rest,
        "report": report,
        "targets": TARGETS,
        "met": {
            "events_per_second": first["events_per_second"] >= TARGETS["events_per_second"],
            "peak_memory_mb": max(first["peak_memory_mb"], rest["peak_memory_mb"])
            < TARGETS["peak_memory_mb"],
            "monthly_report_p95_ms": report["monthly_report_p95_ms"]
            < TARGETS["monthly_report_p95_ms"],
        },
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
