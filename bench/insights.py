"""Insights benchmark (issue 21): one JSON report, one section per part.

`reasons`, the call-reason classifier (kefu/insights/reasons.py, pure, no database): a
corpus of classified contacts as a power-grid centre's agents write them (the demo's 53
service contents, each note rewritten by `kefu.insights.demo.notes.agent_note` as a
hurried agent shortens it, and one contact in twenty filed under a sibling reason, as
agents misfile), trained on four fifths, measured on the held-out fifth (top-1, top-3),
then timed: single summaries through the serving function (`Model.suggest`, what the
workbench calls per keystroke pause) and batches (`Model.suggest_many`). CPU time, so the
figures are per core. Target (issue 21): at least 1,000 contacts a second.

`spikes`, the spike detection (bench/insights_spikes.py): a month of a provincial
centre's fault contacts (300,000 contacts a day) judged step by step, the time per
15-minute step (target under 1 s) and the incidents injected found; with
`--database-url` or `--sqlite`, the worker's own run on a database as well.

    python bench/insights.py
    python bench/insights.py --only reasons --contacts 20000
    python bench/insights.py --only spikes --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import cpu_probe_ms, percentile

from kefu.core import demo_content
from kefu.insights import reasons
from kefu.insights.demo.notes import agent_note

CONTACTS = 12_000
ROUNDS = 3
TARGET_PER_SECOND = 1000
MISFILED = 0.05  # contacts filed under a sibling reason


def reason_corpus(count: int, seed: int = 21) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    taxonomy = demo_content._SUMMARIES["power"]
    pairs = [
        (business, content) for business, (_, contents) in taxonomy.items() for content in contents
    ]
    label = {pair: index for index, pair in enumerate(pairs)}
    siblings = {pair: [p for p in pairs if p[0] == pair[0] and p != pair] for pair in pairs}
    rows = []
    for _ in range(count):
        pair = rng.choice(pairs)
        settled = rng.random() < 0.7
        text = agent_note(
            rng,
            demo_content.contact_note(rng, pair[0], pair[1]).summary,
            settled=settled,
        )
        filed = rng.choice(siblings[pair]) if siblings[pair] and rng.random() < MISFILED else pair
        rows.append((text, label[filed]))
    return rows


def reasons_section(contacts: int = CONTACTS, rounds: int = ROUNDS) -> dict[str, Any]:
    rows = reason_corpus(contacts)
    began = time.process_time()
    trained = reasons.train(rows, seed=1)
    training_s = time.process_time() - began
    model = trained.model
    texts = [text for text, _ in rows[: min(len(rows), 5000)]]
    for text in texts[:200]:  # warm-up
        model.suggest(text, threshold=0.2)
    single: list[float] = []
    batch: list[float] = []
    for _round in range(rounds):
        began = time.process_time()
        for text in texts:
            model.suggest(text, threshold=0.2)
        single.append(len(texts) / (time.process_time() - began))
        began = time.process_time()
        for start in range(0, len(texts), 500):
            model.suggest_many(texts[start : start + 500], threshold=0.2)
        batch.append(len(texts) / (time.process_time() - began))
    each: list[float] = []
    for text in texts[:500]:
        began = time.perf_counter()
        model.suggest(text, threshold=0.2)
        each.append((time.perf_counter() - began) * 1000)
    each.sort()
    single_rate, batch_rate = statistics.median(single), statistics.median(batch)
    evaluation = trained.evaluation
    recalls = [f.recall for f in evaluation.per_reason if f.recall is not None]
    return {
        "what": "call-reason classifier (kefu.insights.reasons): jieba words + char bigrams, "
        "TF-IDF, logistic regression",
        "contacts": contacts,
        "reasons": len(model.labels),
        "misfiled_share": MISFILED,
        "held_out": evaluation.held_out,
        "top1_accuracy": round(evaluation.top1, 4),
        "top3_accuracy": round(evaluation.top3, 4),
        "recall_min": round(min(recalls), 4),
        "recall_median": round(statistics.median(recalls), 4),
        "features": len(model.vocabulary),
        "model_bytes": len(model.to_bytes()),
        "training_cpu_s": round(training_s, 1),
        "single_per_second_per_core": round(single_rate, 1),
        "batch_per_second_per_core": round(batch_rate, 1),
        "single_ms_p50": round(percentile(each, 0.50), 3),
        "single_ms_p95": round(percentile(each, 0.95), 3),
        "target_per_second": TARGET_PER_SECOND,
        "meets_target": min(single_rate, batch_rate) >= TARGET_PER_SECOND,
    }


def spikes(args: argparse.Namespace) -> dict[str, Any]:
    """The spike detection over a provincial centre's month (bench/insights_spikes.py),
    with the worker's own run on a database when one is named."""
    from insights_spikes import db_section, spikes_section

    found = spikes_section()
    if args.database_url or args.sqlite:
        found["worker_run"] = db_section(args.database_url)
    return found


SECTIONS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "reasons": lambda args: reasons_section(args.contacts, args.rounds),
    "spikes": spikes,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(SECTIONS), help="run one section")
    parser.add_argument("--contacts", type=int, default=CONTACTS, help="classifier corpus")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed passes")
    parser.add_argument("--database-url", help="spikes: the worker's run on this empty database")
    parser.add_argument("--sqlite", action="store_true", help="spikes: the worker's run on SQLite")
    args = parser.parse_args()
    names = [args.only] if args.only else list(SECTIONS)
    report = {
        "benchmark": "insights (issue 21)",
        "sections": {name: SECTIONS[name](args) for name in names},
        "cpu_probe_ms": cpu_probe_ms(),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
