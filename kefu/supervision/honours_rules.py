"""The month's honours proposed from the measured figures (issue 20 point 4): a pure
module, no database.

The seeds name the honours and how they are chosen, not thresholds:
- 003 (八) 1 荣誉显性化展示: every month (每月评选) 岗位能手, 服务明星 and 新锐标兵, their sign
  put on the desk of whoever holds one.
- 004 强化服务支撑 2: the 蔚蓝天使 服务明星评选, positive incentive (变负向激励为正向激励) of
  the front line: the star agents are chosen on their service.
- 000 第6篇 6: 服务之星评比月 inside each team (班组内部进行服务质量比拼), everyone takes part
  (全员参加), the leader records each person's service, the choice is made at month end
  (月底进行评比): so the rule of 服务之星 ranks people within their team.

A rule says which figures count (each a threshold the person must meet), who may be
proposed at all (新锐标兵: joined within N months), the figure to rank by and how many to
propose. For each honour the outcome is the candidates, each with every criterion and the
person's value, and for each person left out the first thing they missed. A person with
no figure for a criterion or the ranking is not eligible, and the reason says there is no
figure rather than a failed threshold (issue 20: a person with no data is not ranked as 0).
Those who tie with the last proposed are all proposed and marked tied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

#: Figures kept as a share (0–1) and shown as a percentage.
PERCENT_FIGURES = frozenset({"occupancy", "attendance", "adherence", "settled_rate"})
#: Figures where less is better: ranked ascending unless the rule says otherwise.
LOWER_IS_BETTER = frozenset({"aht_seconds"})
#: Two values this close are the same value (shares computed by division).
PRECISION = 6

Op = Literal["gte", "lte"]
MissKind = Literal["no_figure", "threshold", "not_joined", "no_team", "below_cutoff"]


@dataclass(frozen=True)
class Criterion:
    figure: str
    op: Op
    value: float

    def met_by(self, value: float) -> bool:
        mine, bound = round(value, PRECISION), round(self.value, PRECISION)
        return mine >= bound if self.op == "gte" else mine <= bound


@dataclass(frozen=True)
class Rule:
    kind: str
    count: int
    rank_by: str
    descending: bool = True
    criteria: tuple[Criterion, ...] = ()
    joined_within_months: int | None = None
    per_team: bool = False


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    team: str
    joined_on: dt.date | None
    values: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One criterion and the person's value."""

    figure: str
    op: Op
    threshold: float
    value: float


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    team: str
    rank: int
    value: float
    tied: bool
    checks: tuple[Check, ...]
    joined_on: dt.date | None = None


@dataclass(frozen=True)
class Miss:
    """The first thing a person left out missed: no figure for `figure`, a threshold
    (`op` `threshold`, their `value`), not joined within the window, no team, or ranked
    below the last proposed (`threshold` is then the last proposed value)."""

    user_id: int
    name: str
    team: str
    kind: MissKind
    figure: str = ""
    op: str = ""
    threshold: float | None = None
    value: float | None = None


@dataclass(frozen=True)
class Outcome:
    kind: str
    candidates: tuple[Candidate, ...]
    left_out: tuple[Miss, ...]


def months_back(first: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before the month starting `first`."""
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_last(first: dt.date) -> dt.date:
    return months_back(first, -1) - dt.timedelta(days=1)


def joined_window(month: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """Joined within N months, counting the honoured month: for N = 6 and November, from
    the first of June to the last of November."""
    first = month.replace(day=1)
    return months_back(first, months - 1), month_last(first)


def _eligible(rule: Rule, person: Person, month: dt.date) -> tuple[tuple[Check, ...], float] | Miss:
    def miss(kind: MissKind, **extra: object) -> Miss:
        return Miss(person.user_id, person.name, person.team, kind, **extra)  # type: ignore[arg-type]

    if rule.joined_within_months is not None:
        if person.joined_on is None:
            return miss("no_figure", figure="joined_on")
        start, end = joined_window(month, rule.joined_within_months)
        if not start <= person.joined_on <= end:
            return miss("not_joined", figure="joined_on", threshold=rule.joined_within_months)
    if rule.per_team and not person.team:
        return miss("no_team")
    checks: list[Check] = []
    for criterion in rule.criteria:
        value = person.values.get(criterion.figure)
        if value is None:
            return miss("no_figure", figure=criterion.figure)
        if not criterion.met_by(value):
            return miss(
                "threshold",
                figure=criterion.figure,
                op=criterion.op,
                threshold=criterion.value,
                value=value,
            )
        checks.append(Check(criterion.figure, criterion.op, criterion.value, value))
    ranked = person.values.get(rule.rank_by)
    if ranked is None:
        return miss("no_figure", figure=rule.rank_by)
    return tuple(checks), ranked


def _cut(
    rule: Rule, group: Sequence[tuple[Person, tuple[Check, ...], float]]
) -> tuple[list[Candidate], list[Miss]]:
    sign = -1 if rule.descending else 1
    ordered = sorted(group, key=lambda row: (sign * round(row[2], PRECISION), row[0].name))
    if not ordered or rule.count <= 0:
        return [], []
    last = round(ordered[min(rule.count, len(ordered)) - 1][2], PRECISION)
    inside = [row for row in ordered if sign * round(row[2], PRECISION) <= sign * last]
    at_cutoff = [row for row in inside if round(row[2], PRECISION) == last]
    tied = len(inside) > rule.count
    candidates: list[Candidate] = []
    rank = 0
    previous: float | None = None
    for position, (person, checks, value) in enumerate(inside, start=1):
        if previous is None or round(value, PRECISION) != previous:
            rank, previous = position, round(value, PRECISION)
        candidates.append(
            Candidate(
                person.user_id,
                person.name,
                person.team,
                rank,
                value,
                tied and any(row[0] is person for row in at_cutoff),
                checks,
                person.joined_on,
            )
        )
    below = [
        Miss(
            person.user_id,
            person.name,
            person.team,
            "below_cutoff",
            figure=rule.rank_by,
            op="lte" if rule.descending else "gte",
            threshold=last,
            value=value,
        )
        for person, _checks, value in ordered[len(inside) :]
    ]
    return candidates, below


def propose(rule: Rule, people: Iterable[Person], month: dt.date) -> Outcome:
    """The candidates for one honour of the month starting `month`, best first (per team
    one after the other where the rule is per team), and why each other person is out."""
    eligible: list[tuple[Person, tuple[Check, ...], float]] = []
    left_out: list[Miss] = []
    for person in people:
        found = _eligible(rule, person, month)
        if isinstance(found, Miss):
            left_out.append(found)
        else:
            eligible.append((person, *found))
    groups: dict[str, list[tuple[Person, tuple[Check, ...], float]]] = {}
    for row in eligible:
        groups.setdefault(row[0].team if rule.per_team else "", []).append(row)
    candidates: list[Candidate] = []
    for team in sorted(groups):
        chosen, below = _cut(rule, groups[team])
        candidates.extend(chosen)
        left_out.extend(below)
    return Outcome(rule.kind, tuple(candidates), tuple(left_out))


def propose_all(rules: Sequence[Rule], people: Sequence[Person], month: dt.date) -> list[Outcome]:
    return [propose(rule, people, month) for rule in rules]


#: The rules a centre starts with, one per honour. The seeds fix the honours, that they
#: are monthly and that 服务之星 is chosen inside each team among everyone (000 第6篇 6);
#: the thresholds are ours for the manager to change: a monitoring score of at least 90
#: out of 100 (002 第7篇 监听分值, scored out of 100), a full month's attendance (002 第7篇
#: 出勤率), 新锐标兵 for those who joined within six months (003 (八) 1 calls them 新锐,
#: the newcomers).
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        kind="post_expert",  # 岗位能手: the most calls handled, well and every day
        count=3,
        rank_by="answered",
        criteria=(Criterion("monitoring_score", "gte", 90), Criterion("attendance", "gte", 1)),
    ),
    Rule(
        kind="service_star",  # 服务明星 (004 蔚蓝天使): the best scored service
        count=3,
        rank_by="monitoring_score",
        criteria=(Criterion("monitoring_score", "gte", 90), Criterion("attendance", "gte", 1)),
    ),
    Rule(
        kind="rising_star",  # 新锐标兵: the best newcomers
        count=2,
        rank_by="monitoring_score",
        criteria=(Criterion("monitoring_score", "gte", 85), Criterion("attendance", "gte", 1)),
        joined_within_months=6,
    ),
    Rule(
        kind="team_star",  # 服务之星: one a team, everyone takes part (000 第6篇 6)
        count=1,
        rank_by="monitoring_score",
        per_team=True,
    ),
)
