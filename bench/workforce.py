"""Workforce benchmark (issue 17): staffing a whole day, and (joined from its own file) the
rota.

Staffing: a centre of 50 queues over a day of 96 intervals of 15 minutes, each queue with
its own size and handle time and the day's two peaks, is staffed for 80 % answered in 20 s
under 85 % occupancy with 30 % shrinkage: the agents on the phones, their probability of
waiting, service level, ASA and occupancy, and the agents to schedule, for all 4,800
intervals at once (`kefu.workforce.staffing`, pure, no database). The whole day is timed
over repeated runs (p50 and p95).

The named peer, pyworkforce's `ErlangC` (`required_positions` per interval, the way its
documentation staffs a day), runs on the same inputs in the same run, in a process of its
own: it is installed for the benchmark only, into a throw-away environment by uv
(`uv run --no-project --with pyworkforce==…`), never into kefu's. Its answers are compared
with ours interval by interval. Targets (issue 17): p95 under 100 ms for the day, and at
least 4× faster than pyworkforce.

Rota: `bench/workforce_rota.py` (200 agents over 4 weeks at 30-minute intervals) prints
its own JSON report; when that file is there, its report is included under "rota".

    python bench/workforce.py
    python bench/workforce.py --runs 200
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, cpu_probe_ms, percentile

QUEUES = 50
INTERVALS = 96
INTERVAL_MINUTES = 15
TARGET, ANSWER_SECONDS, MAX_OCCUPANCY, SHRINKAGE = 0.8, 20, 0.85, 0.3
RUNS = 100
PEER_RUNS = 7
PEER = "pyworkforce==0.5.1"
TARGETS = {"day_p95_ms": 100, "speedup_over_pyworkforce": 4}
ROTA = Path(__file__).resolve().parent / "workforce_rota.py"


def day(seed: int = 17) -> tuple[list[list[int]], list[float]]:
    """Calls per interval and queue (96 × 50) and each queue's handle time in seconds: the
    same in every process (a seeded generator of the standard library)."""
    rng = random.Random(seed)
    sizes = [
        rng.choice([20, 60, 120, 250, 500, 900]) * rng.uniform(0.7, 1.3) for _ in range(QUEUES)
    ]
    handle = [rng.uniform(150, 420) for _ in range(QUEUES)]
    calls = []
    for interval in range(INTERVALS):
        hour = interval * INTERVAL_MINUTES / 60
        # Quiet nights, a morning peak at 10:00 and a smaller one at 15:00.
        shape = (
            0.05
            + math.exp(-(((hour - 10) / 1.8) ** 2))
            + 0.7 * math.exp(-(((hour - 15) / 2.2) ** 2))
        )
        calls.append([max(1, round(size * shape * rng.uniform(0.85, 1.15))) for size in sizes])
    return calls, handle


def kefu_day(calls: Any, handle: Any) -> dict[str, Any]:
    """The whole day through kefu's staffing: what `kefu staffing` prints, per interval."""
    from kefu.workforce import staffing

    traffic = staffing.traffic_erlangs(
        calls=calls, interval_seconds=INTERVAL_MINUTES * 60, aht_seconds=handle
    )
    agents = staffing.agents_required(
        traffic,
        aht_seconds=handle,
        target=TARGET,
        answer_seconds=ANSWER_SECONDS,
        max_occupancy=MAX_OCCUPANCY,
    )
    return {
        "agents": agents,
        "scheduled_agents": staffing.scheduled_agents(agents, SHRINKAGE),
        "prob_wait": staffing.prob_wait(agents, traffic),
        "service_level": staffing.service_level(
            agents, traffic, aht_seconds=handle, answer_seconds=ANSWER_SECONDS
        ),
        "asa_seconds": staffing.asa_seconds(agents, traffic, aht_seconds=handle),
        "occupancy": staffing.occupancy(agents, traffic),
    }


def ours(runs: int) -> dict[str, Any]:
    import numpy as np

    calls, handle = day()
    calls_array, handle_array = np.asarray(calls, dtype=np.float64), np.asarray(handle)
    kefu_day(calls_array, handle_array)  # warm-up: imports and first-call costs
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = kefu_day(calls_array, handle_array)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {
        "runs": runs,
        "day_p50_ms": round(statistics.median(times), 2),
        "day_p95_ms": round(percentile(times, 0.95), 2),
        "agents": result["agents"].tolist(),
        "scheduled_agents_total": int(result["scheduled_agents"].sum()),
        "min_service_level": round(float(result["service_level"].min()), 4),
        "max_occupancy": round(float(result["occupancy"].max()), 4),
    }


def peer(runs: int) -> None:
    """Run inside the throw-away environment: pyworkforce's ErlangC over the same day."""
    from pyworkforce.queuing import ErlangC

    calls, handle = day()
    times: list[float] = []
    agents: list[list[int]] = []
    for _ in range(runs):
        agents = []
        began = time.perf_counter()
        for row in calls:
            agents.append(
                [
                    ErlangC(
                        transactions=count,
                        aht=handle[queue] / 60,
                        asa=ANSWER_SECONDS / 60,
                        interval=INTERVAL_MINUTES,
                        shrinkage=SHRINKAGE,
                    ).required_positions(service_level=TARGET, max_occupancy=MAX_OCCUPANCY)[
                        "raw_positions"
                    ]
                    for queue, count in enumerate(row)
                ]
            )
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "runs": runs,
                "day_p50_ms": round(statistics.median(times), 2),
                "day_p95_ms": round(percentile(times, 0.95), 2),
                "agents": agents,
            }
        )
    )


def run_peer(runs: int) -> dict[str, Any]:
    uv = ROOT / ".venv" / "bin" / "uv"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    command = [
        str(uv), "run", "--quiet", "--no-project", "--python", version, "--with", PEER,
        "python", str(Path(__file__).resolve()), "--peer", "--runs", str(runs),
    ]  # fmt: skip
    done = subprocess.run(command, cwd="/", capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"package": PEER, "error": done.stderr.strip()[-2000:]}
    return {"package": PEER, "python": version, **json.loads(done.stdout)}


def rota() -> dict[str, Any] | None:
    """The rota's report from bench/workforce_rota.py, when that part is there."""
    if not ROTA.exists():
        return None
    done = subprocess.run(
        [sys.executable, str(ROTA)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-2000:]}
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        peer(args.runs or PEER_RUNS)
        return
    probe_before = cpu_probe_ms()
    kefu = ours(args.runs or RUNS)
    other = run_peer(PEER_RUNS)
    agents = kefu.pop("agents")
    staffing: dict[str, Any] = {
        "day": {
            "queues": QUEUES,
            "intervals": INTERVALS,
            "interval_minutes": INTERVAL_MINUTES,
            "target": TARGET,
            "answer_seconds": ANSWER_SECONDS,
            "max_occupancy": MAX_OCCUPANCY,
            "shrinkage": SHRINKAGE,
        },
        "kefu": kefu,
    }
    met: dict[str, bool] = {"day_p95_ms": kefu["day_p95_ms"] < TARGETS["day_p95_ms"]}
    if "error" in other:
        staffing["pyworkforce"] = other
    else:
        theirs = other.pop("agents")
        cells = [(a, b) for row, peer_row in zip(agents, theirs, strict=True)
                 for a, b in zip(row, peer_row, strict=True)]  # fmt: skip
        speedup = other["day_p50_ms"] / kefu["day_p50_ms"]
        staffing["pyworkforce"] = other
        staffing["same_agents"] = sum(a == b for a, b in cells)
        staffing["intervals"] = len(cells)
        # Where the answers differ, by how many agents (pyworkforce starts its search at
        # round(A + 1), which can already be more than the fewest for a small queue).
        staffing["differences"] = dict(sorted(Counter(b - a for a, b in cells if a != b).items()))
        staffing["speedup_p50"] = round(speedup, 1)
        staffing["speedup_p95"] = round(other["day_p95_ms"] / kefu["day_p95_ms"], 1)
        met["speedup_over_pyworkforce"] = speedup >= TARGETS["speedup_over_pyworkforce"]
    figures = {
        "cpu_probe_ms": [probe_before, cpu_probe_ms()],
        "staffing": staffing,
        # The rota's figures (bench/workforce_rota.py) join here.
        "rota": rota(),
        "targets": TARGETS,
        "met": met,
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
