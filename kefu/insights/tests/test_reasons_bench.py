"""bench/insights.py in small: its report holds the classifier's figures the closing note
quotes, in its section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_insights_benchmark_runs_in_small() -> None:
    done = subprocess.run(  # noqa: S603 - our interpreter, our script
        [
            sys.executable,
            str(ROOT / "bench" / "insights.py"),
            *("--only", "reasons", "--contacts", "400", "--rounds", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    section = json.loads(done.stdout)["sections"]["reasons"]
    assert section["contacts"] == 400 and section["held_out"] > 0
    assert 0 < section["top1_accuracy"] <= section["top3_accuracy"] <= 1
    assert section["single_per_second_per_core"] > 0 and section["batch_per_second_per_core"] > 0
    assert section["target_per_second"] == 1000
