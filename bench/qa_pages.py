"""QA page benchmark (issue 18): the inspector's queue, the scoring page, one score and the
results page at p95 with two months of quality data for 500 agents.

Prepares, straight into a fresh database: a centre of 500 agents in 25 teams, four
inspectors, a team leader and a manager; the hotline scorecard (kefu/quality/demo.py);
two months of hotline contacts (`--per-day` a day for each agent); each agent's contacts
scored at the plan's pace (5 a month, 12 answers each) with their transcripts checked and
their sampled-contact rows, a share of them appealed; and today's draw waiting in the
inspectors' queues. Then starts `kefu serve`, signs in through the login page and requests
each page one after another (no queueing: the time is the server's). Prints p50/p95/p99
per page as JSON. Target on this 2-core machine: p95 under 150 ms.

    python bench/qa_pages.py
    python bench/qa_pages.py --database-url postgres://…/empty_db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEFU, PASSWORD, ROOT, bench_env, child, cpu_probe_ms, serving
from pages import Browser, measure

TARGET_P95_MS = 150.0
AGENTS = 500
TEAMS = 25
INSPECTORS = 4
DAYS = 60
PER_MONTH = 5


def seed(agents: int, per_day: int) -> dict[str, Any]:
    """Write the centre and its quality history (run in a child process)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from kefu.contacts.models import Channel, Contact
    from kefu.core.models import OrgUnit, User
    from kefu.quality import checks, scoring
    from kefu.quality.demo import DEMO_ITEMS
    from kefu.quality.models import (
        AgentResponse,
        Answer,
        Appeal,
        Evaluation,
        SampleItem,
        SampleReason,
        SampleState,
        SamplingPlan,
        ScorecardItem,
        Transcript,
    )
    from kefu.quality.services import scorecards
    from kefu.quality.services.sampling import samples_draw
    from kefu.quality.services.transcripts import hits_value

    rng = random.Random(20261206)
    now = timezone.now()
    password = make_password(PASSWORD)
    with transaction.atomic():
        centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="bench", name="基准中心")
        teams = [
            OrgUnit.objects.create(
                kind=OrgUnit.Kind.TEAM, code=f"t{n}", name=f"{n + 1}班", parent=centre
            )
            for n in range(TEAMS)
        ]

        def people(role: str, names: list[tuple[str, OrgUnit | None]]) -> list[User]:
            made = User.objects.bulk_create(
                User(
                    username=name,
                    full_name=name,
                    centre=centre,
                    team=team,
                    password=password,
                    date_joined=now - timedelta(days=400),
                )
                for name, team in names
            )
            Group.objects.get(name=role).user_set.add(*made)
            return made

        agent_users = people("agent", [(f"a{n:03d}", teams[n % TEAMS]) for n in range(agents)])
        inspectors = people("qa", [(f"qa{n}", None) for n in range(INSPECTORS)])
        people("leader", [("leader", teams[0])])
        people("manager", [("manager", None)])
    card = scorecards.scorecard_create(actor=inspectors[0], name="热线质检表", items=DEMO_ITEMS)
    scorecards.scorecard_publish(actor=inspectors[0], scorecard_id=card.pk)
    plan = SamplingPlan.objects.create(centre=centre, scorecard=card, per_agent=PER_MONTH)
    version = card.versions.get()
    items = list(ScorecardItem.objects.filter(section__version=version))
    rules = [i.rule() for i in items]
    examples = [
        checks.read_transcript(path.read_bytes())
        for kinds in checks.examples().values()
        for paths in kinds.values()
        for path in paths
    ]

    start = now - timedelta(days=DAYS)
    contacts_made = 0
    with transaction.atomic():
        for agent in agent_users:
            rows = [
                Contact(
                    centre=centre,
                    channel=Channel.HOTLINE,
                    agent=agent,
                    started_at=start + timedelta(minutes=rng.randint(0, DAYS * 24 * 60 - 30)),
                    summary="客户来电咨询停电原因，已告知预计恢复时间。",
                )
                for _ in range(per_day * DAYS)
            ]
            for row in rows:
                row.ended_at = row.started_at + timedelta(minutes=rng.randint(2, 9))
            Contact.objects.bulk_create(rows, batch_size=2000)
            contacts_made += len(rows)
    scored = 0
    with transaction.atomic():
        picked: list[tuple[Any, int, Any]] = []
        for agent in agent_users:
            mine = list(
                Contact.objects.filter(agent=agent, ended_at__lt=now - timedelta(days=1))
                .order_by("?")
                .values_list("pk", "started_at")[: PER_MONTH * 2]
            )
            picked.extend((agent, pk, at) for pk, at in mine)
        transcripts, scores = [], []
        for index, (agent, contact_id, at) in enumerate(picked):
            example = rng.choice(examples)
            result = checks.check(example)
            transcripts.append(
                Transcript(
                    centre=centre,
                    contact_id=contact_id,
                    sentences=example.as_dict(),
                    source="kefu",
                    imported_at=at,
                    hits=hits_value(result),
                    auto_score=result.score,
                )
            )
            answers = scoring.prefill(
                {i.pk: i.auto_check for i in items}, {h.rule for h in result.hits}
            )
            for item in items:
                answers.setdefault(
                    item.pk, "no" if rng.random() < 0.1 and not item.fatal else "yes"
                )
            outcome = scoring.score(rules, answers)
            scores.append(
                (
                    Evaluation(
                        centre=centre,
                        contact_id=contact_id,
                        agent=agent,
                        inspector=inspectors[index % INSPECTORS],
                        version=version,
                        score=outcome.score,
                        fatal=outcome.fatal,
                        comment="开头语不规范",
                        submitted_at=at + timedelta(days=1),
                        contact_at=at,
                        response=AgentResponse.ACKNOWLEDGED,
                        respond_by=at + timedelta(days=6),
                    ),
                    answers,
                )
            )
        Transcript.objects.bulk_create(transcripts, batch_size=1000)
        Evaluation.objects.bulk_create([e for e, _a in scores], batch_size=1000)
        Answer.objects.bulk_create(
            (
                Answer(evaluation=e, item_id=key, value=value)
                for e, answers in scores
                for key, value in answers.items()
            ),
            batch_size=5000,
        )
        SampleItem.objects.bulk_create(
            (
                SampleItem(
                    centre=centre,
                    contact_id=e.contact_id,
                    agent=e.agent,
                    plan=plan,
                    reason=SampleReason.RANDOM,
                    inspector=e.inspector,
                    drawn_at=e.contact_at,
                    month=timezone.localdate(e.contact_at).replace(day=1),
                    state=SampleState.SCORED,
                    evaluation=e,
                )
                for e, _a in scores
            ),
            batch_size=1000,
        )
        for e, _a in scores[:: max(1, len(scores) // 100)]:
            Appeal.objects.create(evaluation=e, reason="请复核", filed_at=e.submitted_at)
        scored = len(scores)
    drawn = samples_draw(centre_id=centre.pk, now=now)
    return {
        "agents": agents,
        "contacts": contacts_made,
        "scores": scored,
        "answers": scored * len(items),
        "open_in_queues": drawn,
    }


def ids() -> dict[str, Any]:
    """The open queue items of the first inspector and some scores (run in a child)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from kefu.quality.models import Evaluation, SampleItem

    return {
        "items": list(
            SampleItem.objects.filter(inspector__username="qa0", state="open").values_list(
                "pk", flat=True
            )[:200]
        ),
        "scores": list(Evaluation.objects.values_list("pk", flat=True)[:2000]),
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--seed":
        print(json.dumps(seed(int(sys.argv[2]), int(sys.argv[3]))))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--ids":
        print(json.dumps(ids()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--per-day", type=int, default=10, help="contacts per agent a day")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()

    env = bench_env("qa-pages", args.database_url)
    began = time.perf_counter()
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = child(__file__, env, "--seed", str(args.agents), str(args.per_day))
    found = child(__file__, env, "--ids")
    prepare_seconds = time.perf_counter() - began
    items, scores = found["items"], found["scores"]

    pages: dict[str, tuple[str, Callable[[random.Random], str]]] = {
        "queue": ("qa0", lambda rng: "/quality/queue/"),
        "scoring_page": ("qa0", lambda rng: f"/quality/queue/{rng.choice(items)}/"),
        "score": ("qa0", lambda rng: f"/quality/scores/{rng.choice(scores)}/"),
        "results": ("manager", lambda rng: "/quality/results/"),
    }
    probe_before = cpu_probe_ms()
    results = {}
    with serving(env, []) as (port, cpu):
        for name, (username, make_path) in pages.items():
            results[name] = measure(Browser(port, username), make_path, args.requests)
    report = {
        "benchmark": "qa_pages",
        "database": "postgresql" if args.database_url else "sqlite",
        **seeded,
        "prepare_seconds": round(prepare_seconds, 1),
        "pages": results,
        **cpu,
        "cpu_probe_ms": {"before": probe_before, "after": cpu_probe_ms()},
        "target_p95_ms": TARGET_P95_MS,
        "targets_met": {
            name: result["p95_ms"] <= TARGET_P95_MS and result["errors"] == 0
            for name, result in results.items()
        },
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
