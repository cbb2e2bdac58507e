"""Hot topics benchmark (issue 21 point 3): the time to answer the hot-topics page's
question (`kefu.insights.queries.topics.hot_topics_of`) over a busy centre's fortnight.

A centre with the demo's 53 service contents under their business types receives
`--per-day` contacts a day for 15 days (the seven days to yesterday read back to 14 days
before it), each reason at its own rate, with four reasons doubling on the last day: the
topics to find. Then each comparison (the day against the day before, against the same
weekday a week before, and the last seven days against the seven before) is asked
`--rounds` times for the day running (up to 15:00) and for yesterday, with examples, as
the page asks; and once more as the dashboard asks (today, no examples).

    python bench/insights_topics.py --sqlite
    python bench/insights_topics.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import subprocess

from harness import KEFU, PASSWORD, ROOT, bench_env, child, cpu_probe_ms, percentile

PER_DAY = 100_000
DAYS = 15  # the seven days to yesterday read back to 14 days before it
ROUNDS = 10
SEED = 21


def db_child(per_day: int, rounds: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.utils import timezone

    from kefu.contacts.models import CallReason, Channel, Contact
    from kefu.core import demo_content
    from kefu.core.forms import start_of
    from kefu.core.models import OrgUnit
    from kefu.core.services.users import user_create
    from kefu.insights.queries.topics import TopicCompare, hot_topics_of

    rng = random.Random(SEED)
    centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="bench", name="基准中心")
    agent = user_create(username="bench-agent", password=PASSWORD, role="agent", centre=centre)
    leader = user_create(username="bench-leader", password=PASSWORD, role="leader", centre=centre)
    dims = CallReason.Dimension
    contents: list[CallReason] = []
    summaries: dict[int, list[str]] = {}
    for business, (_templates, business_contents) in demo_content._SUMMARIES["power"].items():
        parent = CallReason.objects.create(
            centre=centre, dimension=dims.BUSINESS_TYPE, code=business, name=business
        )
        for content in business_contents:
            reason = CallReason.objects.create(
                centre=centre,
                dimension=dims.SERVICE_CONTENT,
                code=content,
                name=content,
                parent=parent,
            )
            contents.append(reason)
            summaries[reason.pk] = [
                demo_content.contact_note(rng, business, content).summary for _ in range(20)
            ]
    weights = [rng.uniform(0.2, 3.0) for _ in contents]
    risers = set(rng.sample(range(len(contents)), 4))
    today = timezone.localdate()
    rows = 0
    began = time.perf_counter()
    for back in range(DAYS - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        start = start_of(day)
        day_weights = [
            weight * (2.0 if back == 0 and index in risers else 1.0)
            for index, weight in enumerate(weights)
        ]
        picks = rng.choices(range(len(contents)), day_weights, k=per_day)
        batch = []
        for pick in picks:
            reason = contents[pick]
            batch.append(
                Contact(
                    centre=centre,
                    channel=Channel.HOTLINE,
                    agent=agent,
                    started_at=start + dt.timedelta(seconds=rng.randrange(86_400)),
                    business_type_id=reason.parent_id,
                    service_content=reason,
                    summary=rng.choice(summaries[reason.pk]),
                )
            )
            if len(batch) >= 5000:
                Contact.objects.bulk_create(batch)
                rows += len(batch)
                batch = []
        Contact.objects.bulk_create(batch)
        rows += len(batch)
    load_seconds = time.perf_counter() - began

    afternoon = start_of(today) + dt.timedelta(hours=15)
    timings: dict[str, Any] = {}
    found: dict[str, int] = {}
    cases = [
        (f"{compare.value}_{when}", compare, day, now)
        for compare in TopicCompare
        for when, day, now in (
            ("today", today, afternoon),
            ("yesterday", today - dt.timedelta(days=1), None),
        )
    ]
    for name, compare, day, now in cases:
        spent = []
        for _ in range(rounds):
            started = time.perf_counter()
            report = hot_topics_of(leader, day=day, compare=compare, now=now)
            spent.append((time.perf_counter() - started) * 1000)
        spent.sort()
        timings[name] = {
            "p50_ms": round(percentile(spent, 0.5), 1),
            "p95_ms": round(percentile(spent, 0.95), 1),
        }
        found[name] = len(report.topics)
    spent = []
    for _ in range(rounds):
        started = time.perf_counter()
        hot_topics_of(leader, now=afternoon, limit=5, examples=False)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    timings["dashboard_today"] = {
        "p50_ms": round(percentile(spent, 0.5), 1),
        "p95_ms": round(percentile(spent, 0.95), 1),
    }
    risen = {contents[index].pk for index in risers}
    today_topics = hot_topics_of(leader, now=afternoon).topics
    return {
        "contacts_stored": rows,
        "per_day": per_day,
        "days": DAYS,
        "load_seconds": round(load_seconds, 1),
        "timings": timings,
        "topics_found": found,
        "doubled_reasons_found_today": sum(1 for row in today_topics if row.key in risen),
        "doubled_reasons": len(risen),
        "other_topics_today": sum(1 for row in today_topics if row.key not in risen),
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--db-child":
        print(json.dumps(db_child(int(sys.argv[2]), int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database")
    parser.add_argument("--sqlite", action="store_true", help="on SQLite (the default)")
    parser.add_argument("--per-day", type=int, default=PER_DAY, help="contacts a day")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed questions")
    args = parser.parse_args()
    env = bench_env("topics", args.database_url)
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    report = {
        "benchmark": "insights hot topics (issue 21 point 3)",
        "database": "postgresql" if args.database_url else "sqlite",
        **child(__file__, env, "--db-child", str(args.per_day), str(args.rounds)),
        "cpu_probe_ms": cpu_probe_ms(),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
