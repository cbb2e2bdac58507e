"""Why a rota falls short, in the leader's words (Chinese through gettext).

Two kinds of evidence, per run of short intervals of one skill:

- the upper bound: how many agents with the skill, not on leave, some shift template
  could put on the phones in that interval at all. A requirement above it cannot be met
  by any rota; the agents on leave then are named too.
- the rules: each rule family is relaxed alone and the shortfall solved again; a family
  whose relaxation lowers the shortfall binds, by the agent-intervals it would save.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kefu.workforce.rota.problem import MINUTES_PER_DAY, Agent, RotaProblem
from kefu.workforce.rota.result import BindingRule, Explanation, RuleFamily, Shortfall
from kefu.workforce.rota.solver import Built, Clock, build, evaluate, run_stage

# The text lists this many runs, the largest first; the data holds them all.
RUNS_IN_TEXT = 10


def rule_label(family: RuleFamily) -> str:
    return {
        RuleFamily.WEEKLY_HOURS: _("weekly working hours"),
        RuleFamily.REST_DAYS: _("rest days per week"),
        RuleFamily.CONSECUTIVE_DAYS: _("most days worked in a row"),
        RuleFamily.REST_BETWEEN_SHIFTS: _("the least rest between two shifts"),
        RuleFamily.NIGHTS: _(
            "the night shift rules (no morning shift after a night, nights in a row)"
        ),
        RuleFamily.LEAVE: _("approved leave"),
        RuleFamily.BREAKS: _("the breaks and meal breaks in the shifts"),
    }[family]


def number(value: float) -> str:
    """2, 2.5, 0.33: agents and agent-intervals as a leader reads them."""
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class Run:
    skill: str
    first: int
    last: int
    slots: list[int]


def shortfall_runs(problem: RotaProblem, built: Built, values: list[int]) -> list[Run]:
    """Consecutive intervals of one skill with agents short."""
    runs: list[Run] = []
    for skill in sorted({skill for skill, _interval in built.short}):
        current: list[int] = []
        first = 0
        for interval in range(problem.horizon.intervals + 1):
            short = (
                evaluate(built.short[skill, interval], values)
                if interval < problem.horizon.intervals
                else 0
            )
            if short > 0:
                if not current:
                    first = interval
                current.append(short)
            elif current:
                runs.append(Run(skill, first, interval - 1, current))
                current = []
    return runs


def available(problem: RotaProblem, *, with_leave: bool) -> dict[str, list[int]]:
    """Per skill and interval, the agents some allowed shift could put there (breaks
    aside): the most any rota can have on the phones."""
    horizon = problem.horizon
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * horizon.intervals)
    for agent in problem.agents:
        seen = agent if with_leave else Agent(agent.id, agent.skills, shifts=agent.shifts)
        reach = [False] * horizon.intervals
        for day in range(horizon.days):
            for index in problem.allowed(seen, day):
                template = problem.templates[index]
                begin = day * MINUTES_PER_DAY + template.start
                first = begin // horizon.interval_minutes
                last = min(
                    horizon.intervals - 1,
                    (begin + template.length - 1) // horizon.interval_minutes,
                )
                for interval in range(first, last + 1):
                    reach[interval] = True
        for skill in agent.skills:
            counts[skill] = [
                count + (1 if here else 0) for count, here in zip(counts[skill], reach, strict=True)
            ]
    return counts


def _when(problem: RotaProblem, first: int, last: int) -> tuple[dt.datetime, dt.datetime, str]:
    horizon = problem.horizon
    starts = horizon.moment(first * horizon.interval_minutes)
    ends = horizon.moment((last + 1) * horizon.interval_minutes)
    # An end at midnight reads as 24:00 of the day before.
    end_day = (ends - dt.timedelta(minutes=1)).date()
    end_time = "24:00" if ends.time() == dt.time() else ends.strftime("%H:%M")
    day = _("%(month)s/%(day)s") % {"month": starts.month, "day": starts.day}
    if end_day == starts.date():
        text = _("%(date)s %(start)s–%(end)s") % {
            "date": day,
            "start": starts.strftime("%H:%M"),
            "end": end_time,
        }
    else:
        text = _("%(date)s %(start)s to %(end_date)s %(end)s") % {
            "date": day,
            "start": starts.strftime("%H:%M"),
            "end_date": _("%(month)s/%(day)s") % {"month": end_day.month, "day": end_day.day},
            "end": end_time,
        }
    return starts, ends, text


def relax_seconds(build_seconds: float) -> float:
    """The least time a relaxed model deserves: built again, then a fair search."""
    return 2 * build_seconds + 0.2


def relaxed_shortfalls(
    problem: RotaProblem,
    built: Built,
    values: list[int],
    *,
    clock: Clock,
    workers: int,
    least: float = 0.0,
) -> dict[RuleFamily, list[int] | None] | None:
    """Per rule family worth trying, the short slots per (skill, interval) in the
    horizon's order with that family relaxed (None when the solve found nothing). None
    at all when the time left cannot give each family `relax_seconds(least)`, `least`
    being the time the model took to build."""
    families = list(families_worth_trying(problem))
    if clock.left() < len(families) * relax_seconds(least):
        return None
    results: dict[RuleFamily, list[int] | None] = {}
    for position, family in enumerate(families):
        relaxed = build(problem, relax=frozenset({family}))
        hint = _carry_hint(built, relaxed, values)
        seconds = clock.left() / (len(families) - position)
        stage = run_stage(
            relaxed, relaxed.short_total(), seconds=seconds, workers=workers, hint=hint
        )
        if stage.values is None:
            results[family] = None
            continue
        relaxed_values = stage.values
        results[family] = [evaluate(value, relaxed_values) for value in relaxed.short.values()]
    return results


def families_worth_trying(problem: RotaProblem) -> list[RuleFamily]:
    families = [
        RuleFamily.WEEKLY_HOURS,
        RuleFamily.REST_DAYS,
        RuleFamily.CONSECUTIVE_DAYS,
        RuleFamily.REST_BETWEEN_SHIFTS,
    ]
    if any(template.kind == "night" for template in problem.templates):
        families.append(RuleFamily.NIGHTS)
    if any(agent.leave for agent in problem.agents):
        families.append(RuleFamily.LEAVE)
    if any(template.breaks for template in problem.templates):
        families.append(RuleFamily.BREAKS)
    return families


def _carry_hint(built: Built, relaxed: Built, values: list[int]) -> list[int] | None:
    """The base rota as a starting point for the relaxed model: the same shifts."""
    relaxed.model.clear_hints()
    for key, var in relaxed.works.items():
        base = built.works.get(key)
        relaxed.model.add_hint(var, values[base.index] if base is not None else 0)
    return None


def explain_shortfall(
    problem: RotaProblem,
    built: Built,
    values: list[int],
    *,
    proven: bool,
    relaxed: dict[RuleFamily, list[int] | None] | None,
) -> Explanation:
    """The explanation of a rota with agents short (`values` its solution)."""
    per = built.per_interval
    runs = shortfall_runs(problem, built, values)
    reachable = available(problem, with_leave=True)
    reachable_without_leave = available(problem, with_leave=False)
    keys = list(built.short)
    base_total = sum(evaluate(value, values) for value in built.short.values())
    position = {key: index for index, key in enumerate(keys)}
    shortfalls: list[Shortfall] = []
    for run in runs:
        intervals = range(run.first, run.last + 1)
        curve = problem.requirements.get(run.skill, [0] * problem.horizon.intervals)
        required = max(curve[interval] for interval in intervals)
        reach = reachable.get(run.skill, [0] * problem.horizon.intervals)
        most = max(reach[interval] for interval in intervals)
        reasons: list[str] = []
        if any(curve[interval] > reach[interval] for interval in intervals):
            tightest = min(intervals, key=lambda interval: reach[interval] - curve[interval])
            if most == 0:
                reasons.append(_("No agent with this skill can be on a shift then."))
            else:
                reasons.append(
                    _(
                        "At most %(available)s agents with this skill, not on leave, can be "
                        "on a shift then, against %(required)s needed."
                    )
                    % {"available": reach[tightest], "required": curve[tightest]}
                )
            on_leave = reachable_without_leave.get(run.skill, reach)[tightest] - reach[tightest]
            if on_leave:
                reasons.append(
                    _("%(count)s agents with this skill are on approved leave then.")
                    % {"count": on_leave}
                )
        helping = []
        for family, shorts in (relaxed or {}).items():
            # Only a family that lowers the whole shortfall binds; a relaxed rota that
            # merely moves the shortfall elsewhere says nothing about this run.
            if shorts is None or sum(shorts) >= base_total:
                continue
            after = sum(shorts[position[run.skill, interval]] for interval in intervals)
            saved = sum(run.slots) - after
            if saved > 0:
                helping.append(
                    _("%(rule)s (%(saved)s fewer)")
                    % {"rule": rule_label(family), "saved": number(saved / per)}
                )
        if helping:
            reasons.append(
                _("Relaxing any one of these alone would cut this shortfall: %(rules)s.")
                % {"rules": _("; ").join(helping)}
            )
        if not reasons and relaxed is None:
            reasons.append(_("The rules were not tried one by one within the time limit."))
        if not reasons:
            reasons.append(
                _(
                    "No single rule relaxed lowers this shortfall: several rules bind "
                    "together, or the shifts' hours and breaks leave these intervals short."
                )
            )
        starts, ends, _words = _when(problem, run.first, run.last)
        shortfalls.append(
            Shortfall(
                skill=run.skill,
                first_interval=run.first,
                last_interval=run.last,
                starts_at=starts,
                ends_at=ends,
                most_agents_short=max(run.slots) / per,
                agent_intervals_short=sum(run.slots) / per,
                most_agents_available=most,
                most_agents_required=required,
                reasons=tuple(reasons),
            )
        )
    binding = []
    for family, shorts in (relaxed or {}).items():
        if shorts is not None and sum(shorts) < base_total:
            binding.append(
                BindingRule(family, rule_label(family), (base_total - sum(shorts)) / per)
            )
    binding.sort(key=lambda rule: -rule.agent_intervals_saved)
    text = _text(problem, shortfalls, binding, base_total / per, proven=proven)
    return Explanation(tuple(shortfalls), tuple(binding), text)


def _text(
    problem: RotaProblem,
    shortfalls: Sequence[Shortfall],
    binding: Sequence[BindingRule],
    total: float,
    *,
    proven: bool,
) -> str:
    lines = [
        _("The requirement cannot be met in full: %(total)s agent-intervals short.")
        % {"total": number(total)}
    ]
    largest = sorted(shortfalls, key=lambda item: -item.agent_intervals_short)[:RUNS_IN_TEXT]
    for item in sorted(largest, key=lambda item: (item.first_interval, item.skill)):
        _starts, _ends, when = _when(problem, item.first_interval, item.last_interval)
        lines.append(
            _("%(skill)s, %(when)s: up to %(short)s agents short (%(total)s agent-intervals).")
            % {
                "skill": problem.skill_name(item.skill),
                "when": when,
                "short": number(item.most_agents_short),
                "total": number(item.agent_intervals_short),
            }
            + "".join(f"\n  · {reason}" for reason in item.reasons)
        )
    if len(shortfalls) > len(largest):
        lines.append(
            _("%(count)s more runs of intervals are short.")
            % {"count": len(shortfalls) - len(largest)}
        )
    if binding:
        lines.append(
            _("Rules that bind: %(rules)s.")
            % {
                "rules": _("; ").join(
                    _("%(rule)s (relaxing it saves %(saved)s agent-intervals)")
                    % {"rule": rule.label, "saved": number(rule.agent_intervals_saved)}
                    for rule in binding
                )
            }
        )
    if not proven:
        lines.append(
            _(
                "The solver did not prove within the time limit that the shortfall cannot "
                "be smaller."
            )
        )
    return "\n".join(lines)


def explain_infeasible(feasible_when_relaxed: Sequence[RuleFamily]) -> Explanation:
    """The hard rules contradict each other: which family, relaxed alone, allows a rota."""
    lines = [_("The rota's rules contradict each other: no rota keeps them all.")]
    if feasible_when_relaxed:
        lines += [
            _("Relaxing %(rule)s makes a rota possible.") % {"rule": rule_label(family)}
            for family in feasible_when_relaxed
        ]
    else:
        lines.append(_("No single rule relaxed makes a rota possible."))
    binding = tuple(
        BindingRule(family, rule_label(family), 0.0) for family in feasible_when_relaxed
    )
    return Explanation((), binding, "\n".join(lines))


def explain_unknown() -> Explanation:
    return Explanation(
        (), (), _("No rota was found within the time limit: allow the solver more time.")
    )
