"""Supervision page benchmark (issue 20): the supervision pages at p95 with two months of
supervision data for a centre of 500 agents.

Prepares, straight into a fresh database: a centre on the working calendar with 500
agents in 25 teams, a team leader for each team, four QA inspectors and two managers;
two months of their contacts (40 a working day each, about a million) and the telephone
platform's daily roll-ups; then the demo's own supervision loader
(kefu/supervision/demo) writes two months of it for this centre: every leader's and
manager's daily rounds with their item results, findings corrected on the spot,
rectifications re-checked or overdue, spot checks with records drawn, mystery calls,
site inspections, and whatever the later parts of issue 20 load (exams, judgements,
honours, projects, work reports). Then starts `kefu serve`, signs in through the login
page and requests each page one after another (no queueing: the time is the server's).
Prints p50/p95/p99 per page as JSON. Target on this 2-core machine: p95 under 150 ms.

    python bench/supervision_pages.py
    python bench/supervision_pages.py --database-url postgres://…/empty_db
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
#: Each agent's working day in the two months: contacts recorded and calls answered (the
#: telephone platform's daily roll-up), which the appraisal, the honours and the person
#: page read.
CONTACTS_PER_DAY = 40
DAYS = 61


def seed_calls(centre: Any, agents: list[Any], now: Any) -> int:
    """Two months of each agent's contacts and daily call roll-ups, bulk-written."""
    from datetime import timedelta

    from kefu.contacts.models import Channel, Contact
    from kefu.telephony.models import Agent, AgentDay

    rng = random.Random(20)
    platform = Agent.objects.bulk_create(
        Agent(centre=centre, name=f"Agent/{1000 + n}", user=user, team=user.team)
        for n, user in enumerate(agents)
    )
    written = 0
    for back in range(DAYS, 0, -1):
        day = (now - timedelta(days=back)).replace(hour=8, minute=0, second=0, microsecond=0)
        if day.weekday() == 6:
            continue
        rows = []
        for user in agents:
            for n in range(CONTACTS_PER_DAY):
                started = day + timedelta(seconds=n * 720 + rng.randrange(600))
                rows.append(
                    Contact(
                        centre=centre,
                        channel=Channel.HOTLINE,
                        agent=user,
                        caller_number=f"139{rng.randrange(10**8):08d}",
                        started_at=started,
                        ended_at=started + timedelta(seconds=240),
                        summary="咨询电费",
                        settled=rng.random() < 0.8,
                    )
                )
        Contact.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
        AgentDay.objects.bulk_create(
            AgentDay(
                agent=agent,
                day=day.date(),
                answered=CONTACTS_PER_DAY,
                completed=CONTACTS_PER_DAY,
                talk_sum=CONTACTS_PER_DAY * rng.randrange(180, 300),
                acw_sum=CONTACTS_PER_DAY * 30,
                acw_count=CONTACTS_PER_DAY,
                login_sum=8 * 3600,
            )
            for agent in platform
        )
    return written


def seed(agents: int) -> dict[str, Any]:
    """Write the centre, its people and two months of supervision (run in a child)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from kefu.core.models import OrgUnit, User, WorkCalendar
    from kefu.supervision.demo import load_supervision
    from kefu.supervision.models import (
        Finding,
        HonourCandidate,
        ItemResult,
        Paper,
        Question,
        Rectification,
        Round,
        WorkReport,
    )

    now = timezone.now()
    password = make_password(PASSWORD)
    with transaction.atomic():
        calendar, _ = WorkCalendar.objects.get_or_create(
            name="bench-workhours",
            defaults={"title": "工作时间", "kind": WorkCalendar.Kind.WORKING_HOURS},
        )
        centre = OrgUnit.objects.create(
            kind=OrgUnit.Kind.CENTRE, code="bench", name="基准中心", calendar=calendar
        )
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

        staff = people("agent", [(f"a{n:03d}", teams[n % TEAMS]) for n in range(agents)])
        people("leader", [(f"leader{n}", team) for n, team in enumerate(teams)])
        people("qa", [(f"qa{n}", None) for n in range(INSPECTORS)])
        people("manager", [("manager", None), ("manager2", None)])
    began = time.perf_counter()
    contacts = seed_calls(centre, staff, now)
    load_supervision(centre)
    return {
        "agents": agents,
        "leaders": TEAMS,
        "contacts": contacts,
        "rounds": Round.objects.count(),
        "item_results": ItemResult.objects.count(),
        "findings": Finding.objects.count(),
        "rectifications": Rectification.objects.count(),
        "questions": Question.objects.count(),
        "papers": Paper.objects.count(),
        "honour_candidates": HonourCandidate.objects.count(),
        "work_reports": WorkReport.objects.count(),
        "load_seconds": round(time.perf_counter() - began, 1),
    }


def ids() -> dict[str, Any]:
    """Rounds and rectifications to open (run in a child)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from kefu.core.models import User
    from kefu.supervision.models import Exam, Project, Rectification, Round

    return {
        "rounds": list(Round.objects.values_list("pk", flat=True)[:2000]),
        "rectifications": list(Rectification.objects.values_list("pk", flat=True)[:2000]),
        "agents": list(
            User.objects.filter(groups__name="agent").values_list("pk", flat=True)[:500]
        ),
        "exams": list(Exam.objects.values_list("pk", flat=True)),
        "projects": list(Project.objects.values_list("pk", flat=True)),
    }


def pages(found: dict[str, Any]) -> dict[str, tuple[str, Callable[[random.Random], str]]]:
    rounds, rects, agents = found["rounds"], found["rectifications"], found["agents"]
    listed: dict[str, tuple[str, Callable[[random.Random], str]]] = {
        "rounds": ("manager", lambda rng: "/supervision/rounds/"),
        "rounds_of_a_leader": ("leader0", lambda rng: "/supervision/rounds/"),
        "round": ("manager", lambda rng: f"/supervision/rounds/{rng.choice(rounds)}/"),
        "compliance": ("manager", lambda rng: "/supervision/compliance/"),
        "rectifications": ("manager", lambda rng: "/supervision/rectifications/"),
        "rectification": (
            "manager",
            lambda rng: f"/supervision/rectifications/{rng.choice(rects)}/",
        ),
        "monthly_report": ("manager", lambda rng: "/reports/?kind=monthly"),
        "exams": ("manager", lambda rng: "/supervision/exams/"),
        "honours": ("manager", lambda rng: "/supervision/honours/"),
        "person": ("manager", lambda rng: f"/supervision/people/{rng.choice(agents)}/"),
        "appraisal": ("manager", lambda rng: "/supervision/assessment/appraisal/"),
        "departments": ("manager", lambda rng: "/supervision/assessment/departments/"),
        "judgements": ("manager", lambda rng: "/supervision/assessment/judgements/"),
        "indicator_library": ("manager", lambda rng: "/supervision/indicators/"),
        "projects": ("manager", lambda rng: "/supervision/projects/"),
        "team_reports": ("leader0", lambda rng: "/supervision/reports/team/"),
        "meetings": ("leader0", lambda rng: "/supervision/meetings/"),
    }
    if found["exams"]:
        exams = found["exams"]
        listed["exam"] = ("manager", lambda rng: f"/supervision/exams/{rng.choice(exams)}/")
    if found["projects"]:
        projects = found["projects"]
        listed["project"] = (
            "manager",
            lambda rng: f"/supervision/projects/{rng.choice(projects)}/",
        )
    return listed


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--seed":
        print(json.dumps(seed(int(sys.argv[2]))))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--ids":
        print(json.dumps(ids()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()

    env = bench_env("supervision-pages", args.database_url)
    began = time.perf_counter()
    subprocess.run([*KEFU, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = child(__file__, env, "--seed", str(args.agents))
    found = child(__file__, env, "--ids")
    prepare_seconds = time.perf_counter() - began

    probe_before = cpu_probe_ms()
    results = {}
    with serving(env, []) as (port, cpu):
        for name, (username, make_path) in pages(found).items():
            results[name] = measure(Browser(port, username), make_path, args.requests)
    report = {
        "benchmark": "supervision_pages",
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
