"""Rota benchmark (issue 17 point 3): 200 agents over 4 weeks at 30-minute intervals.

A hotline's requirement: a night trough, a morning peak (09:00–11:30) and an afternoon
peak (14:00–16:30), weekends lower, over four skills (general calls, billing, complaints
and the broadband expert seat), with agents holding one or two skills. Eight shift
templates from 07:00 to a 22:00 night shift, each with two paid breaks and an unpaid
meal break placed by the solver; contracts of 40 hours (some part-time of 24), two rest
days a week, at most 6 days in a row, 11 hours between shifts, nights in runs of 2 to 4;
5 % of agent-days on approved leave and some wished days off. The solver
(`kefu.workforce.rota.solve_rota`) gets the whole budget, model building and the
explanation included; the report says the agent-intervals short and over, the solver's
status and the time. Prints one JSON report.

    python bench/workforce_rota.py [--time-limit 45] [--workers 2] [--explanation]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import cpu_probe_ms

AGENTS = 200
DAYS = 28
INTERVAL = 30
START = dt.date(2026, 11, 2)  # a Monday
TARGET_SECONDS = 60
SKILLS = {
    "general": ("普通话务", 1.0),
    "billing": ("缴费业务", 0.22),
    "complaints": ("投诉专席", 0.12),
    "broadband": ("宽带专席", 0.14),
}
# (skills, how many agents)
TEAMS = [
    (frozenset({"general"}), 100),
    (frozenset({"general", "billing"}), 44),
    (frozenset({"general", "complaints"}), 28),
    (frozenset({"broadband"}), 16),
    (frozenset({"broadband", "general"}), 12),
]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate("zh-hans")


def demand_shape(minute: int) -> float:
    """Relative call volume at a minute of the day: a night trough, two peaks."""
    hour = minute / 60

    def bump(centre: float, width: float) -> float:
        return math.exp(-(((hour - centre) / width) ** 2))

    return 0.08 + 0.95 * bump(10.2, 1.8) + 0.85 * bump(15.2, 1.9) + 0.35 * bump(20.0, 1.6)


def requirements(rng: random.Random) -> dict[str, list[int]]:
    """Agents needed per skill and interval. The first night until 07:00 is left out:
    the last rota's night shift covers it."""
    per_day = 24 * 60 // INTERVAL
    curves: dict[str, list[int]] = {skill: [] for skill in SKILLS}
    peak_general = 62
    for day in range(DAYS):
        weekend = (START + dt.timedelta(days=day)).weekday() >= 5
        factor = (0.7 if weekend else 1.0) * rng.uniform(0.95, 1.05)
        for interval in range(per_day):
            shape = demand_shape(interval * INTERVAL + INTERVAL // 2)
            for skill, (_name, share) in SKILLS.items():
                value = peak_general * share * shape * factor
                curves[skill].append(max(1 if skill == "general" else 0, round(value)))
    for curve in curves.values():
        curve[: 7 * 60 // INTERVAL] = [0] * (7 * 60 // INTERVAL)
    return curves


def problem(seed: int = 17) -> Any:
    from kefu.workforce.rota import (
        Agent,
        Break,
        Contract,
        Horizon,
        Preference,
        RotaProblem,
        ShiftKind,
        ShiftTemplate,
    )

    rng = random.Random(seed)
    breaks = (
        Break(15, 90, 150),
        Break(30, 210, 300, paid=False, meal=True),
        Break(15, 360, 420),
    )
    templates = [
        ShiftTemplate("M7", 7 * 60, 510, ShiftKind.MORNING, breaks, "早班 07:00"),
        ShiftTemplate("M8", 8 * 60, 510, ShiftKind.MORNING, breaks, "早班 08:00"),
        ShiftTemplate("D9", 9 * 60, 510, ShiftKind.DAY, breaks, "白班 09:00"),
        ShiftTemplate("D10", 10 * 60, 510, ShiftKind.DAY, breaks, "白班 10:00"),
        ShiftTemplate("D12", 12 * 60, 510, ShiftKind.DAY, breaks, "中班 12:00"),
        ShiftTemplate("E13", 13 * 60 + 30, 510, ShiftKind.EVENING, breaks, "晚班 13:30"),
        ShiftTemplate("E15", 15 * 60, 510, ShiftKind.EVENING, breaks, "晚班 15:00"),
        ShiftTemplate("N22", 22 * 60, 540, ShiftKind.NIGHT, breaks, "夜班 22:00"),
    ]
    full_time = Contract(
        min_minutes_per_week=32 * 60,
        max_minutes_per_week=40 * 60,
        rest_days_per_week=2,
        max_consecutive_days=6,
        min_rest_minutes=11 * 60,
        max_consecutive_nights=4,
        min_consecutive_nights=2,
    )
    part_time = Contract(
        min_minutes_per_week=16 * 60,
        max_minutes_per_week=24 * 60,
        rest_days_per_week=3,
        max_consecutive_days=5,
        min_consecutive_nights=2,
    )
    day_shifts = frozenset(template.code for template in templates if template.code != "N22")
    agents: list[Agent] = []
    preferences: list[Preference] = []
    number = 0
    for skills, count in TEAMS:
        for _ in range(count):
            number += 1
            leave = frozenset(
                START + dt.timedelta(days=day) for day in range(DAYS) if rng.random() < 0.05
            )
            agent_id = f"A{number:03d}"
            agents.append(
                Agent(
                    id=agent_id,
                    skills=skills,
                    contract=part_time if number % 10 == 0 else full_time,
                    leave=leave,
                    shifts=None if number % 5 in (1, 2) else day_shifts,
                )
            )
            preferences.extend(
                Preference(agent_id, rng.randint(1, 5), START + dt.timedelta(days=day))
                for day in rng.sample(range(DAYS), 2)
            )
    return RotaProblem(
        horizon=Horizon(START, DAYS, INTERVAL),
        requirements=requirements(rng),
        templates=templates,
        agents=agents,
        preferences=preferences,
        skill_names={skill: name for skill, (name, _share) in SKILLS.items()},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=45.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--explanation", action="store_true", help="print it to stderr")
    arguments = parser.parse_args()
    _django()
    from kefu.workforce.rota import solve_rota

    probe = cpu_probe_ms()
    began = time.perf_counter()
    rota_problem = problem()
    result = solve_rota(
        rota_problem, time_limit_seconds=arguments.time_limit, workers=arguments.workers
    )
    seconds = time.perf_counter() - began
    required = sum(sum(curve) for curve in rota_problem.requirements.values())
    if arguments.explanation and result.explanation is not None:
        print(result.explanation.text, file=sys.stderr)
    report = {
        "benchmark": "workforce_rota",
        "agents": AGENTS,
        "days": DAYS,
        "interval_minutes": INTERVAL,
        "skills": len(SKILLS),
        "shift_templates": len(rota_problem.templates),
        "status": result.status.value,
        "stage_statuses": list(result.stage_statuses),
        "required_agent_intervals": required,
        "agent_intervals_short": result.short_total,
        "agent_intervals_over": result.over_total,
        "preference_cost": result.preference_cost,
        "shifts": len(result.assignments),
        "binding_rules": [
            rule.family.value for rule in (result.explanation or _Empty()).binding_rules
        ],
        "model_variables": result.model_size.get("variables"),
        "model_constraints": result.model_size.get("constraints"),
        "time_limit_seconds": arguments.time_limit,
        "workers": arguments.workers,
        "solve_seconds": round(result.solve_seconds, 2),
        "total_seconds": round(seconds, 2),
        "target_seconds": TARGET_SECONDS,
        "within_target": seconds <= TARGET_SECONDS,
        "cpu_probe_ms": probe,
    }
    print(json.dumps(report, ensure_ascii=False))


class _Empty:
    binding_rules: tuple[Any, ...] = ()


if __name__ == "__main__":
    main()
