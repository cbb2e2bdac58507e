"""Customer due-date import benchmark (issue 19 point 4): ROWS dates for a reminder plan.

A centre's archive of ROWS // 2 customers (imported first with `kefu import customers`,
as bench/import.py writes them) gets a CSV of ROWS due dates, two a customer (a meter
calibration, a contract's or a prepaid balance's expiry, a planned visit, with what is
due). `kefu import customer-dates` runs in a process of its own, timed from start to exit
(Django's start-up included) and with its peak memory (the process's maximum resident
set, from wait4): the first import, which creates every date, then a re-import with 5%
of the dates moved to another day (updated in place, nothing added), and
`kefu export customer-dates` of them all. Prints one JSON report.

    python bench/customer_dates.py                              # SQLite, a fresh data dir
    python bench/customer_dates.py --database-url postgres://…/empty_db
    python bench/customer_dates.py --rows 20000                 # a quicker look
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, ROOT, bench_env, child, cpu_probe_ms

ROWS = 100_000
CHANGED_SHARE = 0.05
TARGETS = {"rows_per_second": 10_000, "peak_memory_mb": 300}
HEADER = ["户号", "日期类型", "到期日期", "事项"]
KINDS = [
    ("计量校验", "电能表周期检定"),
    ("合同到期", "供用电合同"),
    ("预付费余额到期", ""),
    ("预约上门", "上门核查表计"),
]

# bench/import.py: the centre, the customers' rows, and a timed `kefu` process.
_spec = importlib.util.spec_from_file_location("bench_import", Path(__file__).parent / "import.py")
assert _spec is not None and _spec.loader is not None
customers_bench: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(customers_bench)


def write_files(folder: str, rows: int) -> dict[str, Any]:
    """The customers (rows // 2), the dates, and the dates with CHANGED_SHARE moved."""
    from kefu.core.validation import id_number_check_digit

    people = Path(folder) / "customers.csv"
    with people.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(customers_bench.HEADER)
        rng = random.Random(2026)
        for n in range(rows // 2):
            writer.writerow(customers_bench.customer_row(n, rng, id_number_check_digit))
    first, second = Path(folder) / "dates.csv", Path(folder) / "dates-moved.csv"
    rng, changes = random.Random(19), random.Random(7)
    start = dt.date(2027, 1, 1)
    changed = 0
    with (
        first.open("w", encoding="utf-8", newline="") as one,
        second.open("w", encoding="utf-8", newline="") as two,
    ):
        a, b = csv.writer(one), csv.writer(two)
        a.writerow(HEADER)
        b.writerow(HEADER)
        for n in range(rows // 2):
            kinds = rng.sample(KINDS, 2)
            for kind, what in kinds:
                day = start + dt.timedelta(days=rng.randrange(730))
                row = [f"3201{n:08d}", kind, day.isoformat(), what]
                a.writerow(row)
                if changes.random() < CHANGED_SHARE:
                    row = [*row[:2], (day + dt.timedelta(days=365)).isoformat(), what]
                    changed += 1
                b.writerow(row)
    return {
        "customers_csv": str(people),
        "csv": str(first),
        "csv_moved": str(second),
        "customers": rows // 2,
        "rows": (rows // 2) * 2,
        "rows_changed": changed,
        "csv_mb": round(first.stat().st_size / 1024**2, 1),
    }


def import_dates(path: str, env: dict[str, str]) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    seconds, (user, system), peak, output = customers_bench._run(
        ["import", "customer-dates", path], env
    )
    cpu = user + system
    summary = output.splitlines()[0]
    found = customers_bench._COUNTS.search(summary)
    rows, created, updated, unchanged = (int(n) for n in found.groups()) if found else (0,) * 4
    return {
        "rows": rows,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "cpu_seconds": round(cpu, 1),
        "rows_per_cpu_second": round(rows / cpu) if cpu else 0,
        "peak_memory_mb": round(peak, 1),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "summary": summary,
    }


def export_dates(folder: str, env: dict[str, str]) -> dict[str, Any]:
    path = Path(folder) / "export.csv"
    seconds, (user, system), peak, _output = customers_bench._run(
        ["export", "customer-dates", "-o", str(path)], env
    )
    with path.open(encoding="utf-8-sig") as stream:
        rows = sum(1 for _line in stream) - 1
    path.unlink()
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "cpu_seconds": round(user + system, 1),
        "peak_memory_mb": round(peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--step", choices=["centre", "files"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "centre":
        print(json.dumps(customers_bench.prepare_centre()))
        return
    if args.step == "files":
        customers_bench._django()
        print(json.dumps(write_files(args.folder, args.rows)))
        return

    env = bench_env("dates", args.database_url)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    script = str(Path(__file__).resolve())
    probe_before = cpu_probe_ms()
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    child(script, env, "--step", "centre")
    folder = env["KEFU_DATA_DIR"]
    files = child(script, env, "--step", "files", "--folder", folder, "--rows", str(args.rows))
    customers_bench._run(["import", "customers", files["customers_csv"]], env)
    first = import_dates(files["csv"], env)
    again = import_dates(files["csv_moved"], env)
    exported = export_dates(folder, env)
    for name in ("customers_csv", "csv", "csv_moved"):
        Path(files[name]).unlink()
    figures = {
        "engine": "postgresql" if args.database_url else "sqlite",
        "cpu_probe_ms": [probe_before, cpu_probe_ms()],
        "files": {k: v for k, v in files.items() if not k.endswith("csv") and k != "csv_moved"},
        "first_import_csv": first,
        "reimport_5_percent_moved": again,
        "export_csv": exported,
        "targets": TARGETS,
        "met": {
            "rows_per_second": min(first["rows_per_second"], again["rows_per_second"])
            >= TARGETS["rows_per_second"],
            "peak_memory_mb": max(
                first["peak_memory_mb"], again["peak_memory_mb"], exported["peak_memory_mb"]
            )
            < TARGETS["peak_memory_mb"],
            "every_row_written": first["created"] == files["rows"]
            and again["updated"] == files["rows_changed"]
            and again["created"] == 0
            and exported["rows"] == files["rows"],
        },
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
