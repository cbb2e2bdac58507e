"""Customer import benchmark: a billing system's archive of a million customers.

A centre with 200 regions and two tags gets a CSV of ROWS customers as a billing export
lists them (account number, name, one or two phones in one cell, ID number, address, region
by code or by name, tier, a tag now and then). `kefu import customers FILE` runs in a
process of its own, timed from start to exit (Django's start-up included) and with its
peak memory (the process's own maximum resident set, from wait4): the first import, which
creates every customer, then a re-import of the same export with 5% of the rows changed
(names, phones, addresses, tiers), which updates those and leaves the rest. The same is
measured for an .xlsx workbook of XLSX_ROWS new customers, and for `kefu export customers`
of the whole archive to CSV. Prints one JSON report: rows per wall second and per CPU
second, peak memory, and the load average beside each import (on a shared machine the
wall time waits for the CPU).

    python bench/import.py                                  # SQLite, a fresh data dir
    python bench/import.py --database-url postgres://…/empty_db
    python bench/import.py --rows 100000                    # a quicker look
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, ROOT, bench_env, child, cpu_probe_ms

ROWS = 1_000_000
XLSX_ROWS = 100_000
CHANGED_SHARE = 0.05
REGIONS = 200
TARGETS = {"rows_per_second": 20_000, "peak_memory_mb": 300}
HEADER = ["户号", "户名", "联系电话", "身份证号", "用电地址", "区域", "客户级别", "标签"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰玉萍红建国志文斌辉宁鹏海燕霞"
STREETS = ["中山北路", "北京西路", "汉中路", "湖南路", "广州路", "虎踞路", "草场门大街", "云南路"]
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + ["150", "151", "158", "159", "186", "188", "199"]
TIERS = ["一般客户"] * 90 + ["中高端客户"] * 6 + ["VIP 客户"] * 3 + ["特定客户"]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def prepare_centre() -> dict[str, Any]:
    """The centre, its regions (GB/T 2260 codes under Nanjing, 3201xx) and its tags."""
    _django()
    from kefu.core.models import OrgUnit, Region
    from kefu.customers.models import Tag

    OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="bench", name="基准中心")
    city = Region.objects.create(code="320100", name="南京市")
    Region.objects.bulk_create(
        Region(code=f"32{n // 100 + 1:02d}{n % 100:02d}", name=f"第{n}供电区", parent=city)
        for n in range(1, REGIONS + 1)
    )
    Tag.objects.create(code="sensitive", name="敏感")
    Tag.objects.create(code="dissatisfied", name="不满意")
    return {"regions": REGIONS}


def _id_number(rng: random.Random, check_digit: Any) -> str:
    year = rng.randrange(1940, 2005)
    first17 = f"320106{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    first17 += f"{rng.randrange(1000):03d}"
    return first17 + str(check_digit(first17))


def customer_row(n: int, rng: random.Random, check_digit: Any, *, start: int = 0) -> list[str]:
    """Row n of a billing export; the same n always gives the same row."""
    phones = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
    if rng.random() < 0.3:
        phones += f"、025-8{rng.randrange(10**6, 10**7)}"
    region = rng.randrange(1, REGIONS + 1)
    return [
        f"3201{start + n:08d}",
        rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
        phones,
        _id_number(rng, check_digit),
        f"江苏省南京市鼓楼区{rng.choice(STREETS)}{rng.randrange(1, 400)}号{rng.randrange(1, 30)}栋",
        f"32{region // 100 + 1:02d}{region % 100:02d}" if n % 2 else f"第{region}供电区",
        rng.choice(TIERS),
        "敏感" if rng.random() < 0.02 else "",
    ]


def _changed(row: list[str], rng: random.Random) -> list[str]:
    row = list(row)
    what = rng.randrange(4)
    if what == 0:
        row[1] = row[1] + rng.choice(GIVEN)
    elif what == 1:
        row[2] = f"139{rng.randrange(10**8):08d}"
    elif what == 2:
        row[4] = row[4] + f"{rng.randrange(1, 9)}单元"
    else:
        row[6] = "VIP 客户" if row[6] != "VIP 客户" else "一般客户"
    return row


def write_files(folder: str, rows: int, xlsx_rows: int) -> dict[str, Any]:
    """The first export, the same with CHANGED_SHARE of its rows changed, and a workbook
    of other, new customers."""
    from openpyxl import Workbook

    from kefu.core.validation import id_number_check_digit

    began = time.perf_counter()
    first, second = Path(folder) / "customers.csv", Path(folder) / "customers-updated.csv"
    changes = random.Random(7)
    changed = 0
    with (
        first.open("w", encoding="utf-8", newline="") as one,
        second.open("w", encoding="utf-8", newline="") as two,
    ):
        a, b = csv.writer(one), csv.writer(two)
        a.writerow(HEADER)
        b.writerow(HEADER)
        rng = random.Random(2026)
        for n in range(rows):
            row = customer_row(n, rng, id_number_check_digit)
            a.writerow(row)
            if changes.random() < CHANGED_SHARE:
                row = _changed(row, changes)
                changed += 1
            b.writerow(row)
    workbook = Path(folder) / "customers-new.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(HEADER)
    rng = random.Random(2027)
    for n in range(xlsx_rows):
        sheet.append(customer_row(n, rng, id_number_check_digit, start=rows))
    book.save(workbook)
    return {
        "csv": str(first),
        "csv_updated": str(second),
        "xlsx": str(workbook),
        "rows": rows,
        "rows_changed": changed,
        "xlsx_rows": xlsx_rows,
        "csv_mb": round(first.stat().st_size / 1024**2, 1),
        "xlsx_mb": round(workbook.stat().st_size / 1024**2, 1),
        "write_seconds": round(time.perf_counter() - began, 1),
    }


def _run(args: list[str], env: dict[str, str]) -> tuple[float, tuple[float, float], float, str]:
    """A `kefu` command in a process of its own: wall seconds, CPU seconds (user, system),
    peak memory (MB) and output."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [*KEFU, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"kefu {' '.join(args)} failed ({process.returncode}):\n{output}")
    return seconds, (usage.ru_utime, usage.ru_stime), usage.ru_maxrss / 1024, output


_COUNTS = re.compile(r"(\d+)\D+?(\d+)\D+?(\d+)\D+?(\d+)")


def import_file(path: str, env: dict[str, str]) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    seconds, (user, system), peak, output = _run(["import", "customers", path], env)
    cpu = user + system
    summary = output.splitlines()[0]
    found = _COUNTS.search(summary)
    rows, created, updated, unchanged = (int(n) for n in found.groups()) if found else (0,) * 4
    return {
        "rows": rows,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        # On a shared machine the wall time waits for the CPU: what the import itself took.
        "cpu_seconds": round(cpu, 1),
        "cpu_system_seconds": round(system, 1),
        "rows_per_cpu_second": round(rows / cpu) if cpu else 0,
        "peak_memory_mb": round(peak, 1),
        # The machine's 1-minute load average before and after: other work on a shared
        # machine takes CPU from the import, and its wall time shows it.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "summary": summary,
    }


def export_archive(folder: str, env: dict[str, str]) -> dict[str, Any]:
    path = Path(folder) / "export.csv"
    seconds, (user, system), peak, _output = _run(["export", "customers", "-o", str(path)], env)
    cpu = user + system
    with path.open(encoding="utf-8-sig") as stream:
        rows = sum(1 for _line in stream) - 1
    path.unlink()
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "cpu_seconds": round(cpu, 1),
        "peak_memory_mb": round(peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--xlsx-rows", type=int, default=XLSX_ROWS)
    parser.add_argument("--step", choices=["centre", "files"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "centre":
        print(json.dumps(prepare_centre()))
        return
    if args.step == "files":
        print(json.dumps(write_files(args.folder, args.rows, args.xlsx_rows)))
        return

    env = bench_env("import", args.database_url)
    # Compiled modules are kept, as an installed kefu keeps them: without, each `kefu`
    # process compiles Django and kefu anew (seconds of every import's start-up).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    script = str(Path(__file__).resolve())
    probe_before = cpu_probe_ms()
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    child(script, env, "--step", "centre")
    folder = env["KEFU_DATA_DIR"]
    files = child(
        script,
        env,
        "--step",
        "files",
        "--folder",
        folder,
        "--rows",
        str(args.rows),
        "--xlsx-rows",
        str(args.xlsx_rows),
    )
    first = import_file(files["csv"], env)
    again = import_file(files["csv_updated"], env)
    workbook = import_file(files["xlsx"], env)
    exported = export_archive(folder, env)
    for name in ("csv", "csv_updated", "xlsx"):
        Path(files[name]).unlink()
    figures = {
        "engine": "postgresql" if args.database_url else "sqlite",
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "cpu_probe_ms": [probe_before, cpu_probe_ms()],
        "files": {k: v for k, v in files.items() if k not in {"csv", "csv_updated", "xlsx"}},
        "first_import_csv": first,
        "reimport_5_percent_changed": again,
        "xlsx_import_new_customers": workbook,
        "export_csv": exported,
        "targets": TARGETS,
        "met": {
            "rows_per_second": min(first["rows_per_second"], again["rows_per_second"])
            >= TARGETS["rows_per_second"],
            "peak_memory_mb": max(
                first["peak_memory_mb"],
                again["peak_memory_mb"],
                workbook["peak_memory_mb"],
                exported["peak_memory_mb"],
            )
            < TARGETS["peak_memory_mb"],
            "every_row_written": first["created"] == files["rows"]
            and again["updated"] == files["rows_changed"]
            and workbook["created"] == files["xlsx_rows"],
        },
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
