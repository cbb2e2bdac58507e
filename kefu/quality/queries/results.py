"""The results of quality inspection (issue 18 points 2 and 8; 001 4.6): the monitoring
score (监听分值, 002 第7篇) per agent, team and centre with its sample size and 95 %
interval, over time, the most frequent faults and the standard phrases most often
missed; and the indicator's input for the metrics app.

A score counts in the month of the contact it scored; only current scores of sampled
contacts count (a superseded score gives way to its review; calibration scores never
count)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.quality import stats
from kefu.quality.models import Answer, Evaluation, EvaluationPurpose, Transcript
from kefu.telephony.models import Agent

# The transcripts read for the phrases most often missed: the latest of the period.
PHRASE_TRANSCRIPTS = 5000


def counted(scores: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """The scores that count towards the monitoring score."""
    return scores.filter(
        current=True, purpose__in=[EvaluationPurpose.SAMPLE, EvaluationPurpose.REVIEW]
    )


def monitoring_totals(
    centre: OrgUnit,
    start: dt.datetime,
    end: dt.datetime,
    *,
    agent: str | None = None,
    team: OrgUnit | None = None,
) -> dict[str, Any]:
    """The metrics app's input for 监听分值 (002 第7篇) over [start, end) and a scope (the
    telephone platform's agent name, or a team), as a `Totals` field. One query."""
    scores = counted(
        Evaluation.objects.filter(centre=centre, contact_at__gte=start, contact_at__lt=end)
    )
    if agent is not None or team is not None:
        agents = Agent.objects.filter(centre=centre, user__isnull=False)
        if agent is not None:
            agents = agents.filter(name=agent)
        if team is not None:
            agents = agents.filter(team=team)
        scores = scores.filter(agent__in=agents.values("user"))
    values = tuple(float(value) for value in scores.values_list("score", flat=True))
    return {"monitoring_scores": values} if values else {}


@dataclass(frozen=True)
class Row:
    """One agent's or team's monitoring score, with how far it can be trusted."""

    key: int
    name: str
    team: str
    estimate: stats.Estimate
    fatal: int
    standing: str  # above / below / unclear, against the whole's mean


@dataclass(frozen=True)
class Results:
    whole: stats.Estimate
    agents: list[Row]
    teams: list[Row]
    faults: list[tuple[str, str, int, int]]  # section, item, not met, answered
    missed: list[tuple[str, str, int]]  # rule family, what was found, count
    months: list[tuple[dt.date, stats.Estimate]]


def _rows(
    groups: dict[int, list[float]],
    names: dict[int, tuple[str, str]],
    fatal: Counter[int],
    reference: float | None,
) -> list[Row]:
    rows = []
    for key, values in groups.items():
        estimate = stats.estimate(values)
        name, team = names.get(key, ("", ""))
        rows.append(Row(key, name, team, estimate, fatal[key], stats.against(estimate, reference)))
    return sorted(rows, key=lambda row: (-(row.estimate.mean or 0), row.name))


def results(
    scores: QuerySet[Evaluation], start: dt.datetime, end: dt.datetime, *, months_back: int = 6
) -> Results:
    """The results of the visible ``scores`` (the caller's access-checked queryset) for
    contacts in [start, end), and the monthly means of the months before ``end``."""
    scores = counted(scores)
    period = scores.filter(contact_at__gte=start, contact_at__lt=end)
    rows = list(
        period.values_list(
            "pk", "agent_id", "agent__team_id", "score", "fatal", "agent__team__name"
        )
    )
    whole = stats.estimate([float(row[3]) for row in rows])
    by_agent: dict[int, list[float]] = defaultdict(list)
    by_team: dict[int, list[float]] = defaultdict(list)
    fatal_agent: Counter[int] = Counter()
    fatal_team: Counter[int] = Counter()
    team_names: dict[int, tuple[str, str]] = {}
    for _pk, agent, team, score, fatal, team_name in rows:
        by_agent[agent].append(float(score))
        fatal_agent[agent] += fatal
        if team is not None:
            by_team[team].append(float(score))
            fatal_team[team] += fatal
            team_names[team] = (team_name, "")
    people = {
        user.pk: (str(user), user.team.name if user.team else "")
        for user in User.objects.filter(pk__in=list(by_agent)).select_related("team")
    }
    faults = [
        (section, item, int(missed), int(answered))
        for section, item, missed, answered in Answer.objects.filter(evaluation__in=period)
        .exclude(value=Answer.Value.NA)
        .values_list("item__section__title", "item__text")
        .annotate(missed=Count("id", filter=Q(value=Answer.Value.NO)), answered=Count("id"))
        .filter(missed__gt=0)
        .order_by("-missed", "item__text")[:10]
    ]
    hits: Counter[tuple[str, str]] = Counter()
    # A transcript with a hit scored under 100 (every rule takes points off): only those.
    transcripts = Transcript.objects.filter(
        contact_id__in=period.values("contact_id"), auto_score__lt=100
    ).order_by("-imported_at")[:PHRASE_TRANSCRIPTS]
    for found in transcripts.values_list("hits", flat=True):
        for hit in found:
            hits[(hit.get("rule", ""), hit.get("detail", ""))] += 1
    missed = [(rule, detail, n) for (rule, detail), n in hits.most_common(10)]
    return Results(
        whole=whole,
        agents=_rows(by_agent, people, fatal_agent, whole.mean),
        teams=_rows(by_team, team_names, fatal_team, whole.mean),
        faults=faults,
        missed=missed,
        months=_months(scores, end, months_back),
    )


def _months(scores: QuerySet[Evaluation], end: dt.datetime, count: int) -> list[Any]:
    """The mean of each of the ``count`` months up to the one ``end`` closes, local time,
    summed up by the database (a centre's six months are thousands of scores)."""
    starts = [timezone.localdate(end - dt.timedelta(microseconds=1)).replace(day=1)]
    for _ in range(count - 1):
        starts.append((starts[-1] - dt.timedelta(days=1)).replace(day=1))
    starts.reverse()
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time.min))
    rows = (
        scores.filter(contact_at__gte=since, contact_at__lt=end)
        .annotate(month=TruncMonth("contact_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        # Sums, not the engine's standard deviation: SQLite's refuses a single score.
        .annotate(
            n=Count("id"),
            mean=Avg("score", output_field=FloatField()),
            squares=Sum(F("score") * F("score"), output_field=FloatField()),
        )
        .order_by()
    )
    found: dict[dt.date, tuple[int, float, float | None]] = {}
    for row in rows:
        month = row["month"]
        day = timezone.localdate(month) if isinstance(month, dt.datetime) else month
        n, mean = row["n"], float(row["mean"])
        spread = (float(row["squares"]) - n * mean * mean) / (n - 1) if n > 1 else None
        found[day] = (n, mean, math.sqrt(max(0.0, spread)) if spread is not None else None)
    while len(starts) > 1 and starts[0] not in found:
        starts.pop(0)  # the months before the first score: nothing to show
    return [(month, stats.summarised(*found.get(month, (0, None, None)))) for month in starts]
