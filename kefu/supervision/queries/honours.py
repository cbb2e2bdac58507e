"""Reads of the monthly honours (issue 20 point 4): who may see what (everyone their
centre's published honours; managers, and team leaders read-only, the proposals before
they are confirmed), the one getter of a month and of a person's page, the honours board,
and each criterion and each miss told in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import KEEP_HONOURS, LEADER, MANAGER, QA, VIEW_HONOUR_PROPOSALS
from kefu.supervision.honours_rules import LOWER_IS_BETTER, PERCENT_FIGURES
from kefu.supervision.models import (
    HonourCandidate,
    HonourKind,
    HonourMonth,
    HonourMonthState,
    HonourRule,
)

FIGURE_LABELS: dict[str, Any] = {
    "answered": _("Answered"),
    "aht_seconds": _("Average handling time (s)"),
    "calls_per_agent_hour": _("Calls per agent hour"),
    "occupancy": _("Occupancy"),
    "monitoring_score": _("Monitoring score"),
    "attendance": _("Attendance"),
    "adherence": _("Adherence"),
    "contacts": _("Contacts taken"),
    "settled_rate": _("Share settled on contact"),
    "joined_on": _("joined on"),
}
OP_SIGNS = {"gte": "≥", "lte": "≤"}


def may_keep(user: User) -> bool:
    return user.is_superuser or user.has_perm(KEEP_HONOURS)


def may_view_proposals(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_HONOUR_PROPOSALS)


def figure_label(code: str) -> str:
    return str(FIGURE_LABELS.get(code, code))


def figure_value(code: str, value: float | None) -> str:
    """A figure as people read it: shares as percentages, scores with one decimal."""
    if value is None:
        return "—"
    if code in PERCENT_FIGURES:
        return f"{value * 100:.1f} %".replace(".0 %", " %")
    if code in ("answered", "contacts"):
        return f"{value:.0f}"
    return f"{value:.1f}".removesuffix(".0")


def describe_check(check: dict[str, Any]) -> str:
    figure = check["figure"]
    return gettext("%(figure)s %(value)s (needs %(op)s %(threshold)s)") % {
        "figure": figure_label(figure),
        "value": figure_value(figure, check["value"]),
        "op": OP_SIGNS.get(check["op"], check["op"]),
        "threshold": figure_value(figure, check["threshold"]),
    }


def describe_miss(miss: dict[str, Any]) -> str:
    """The first thing a person left out missed, in words."""
    figure = miss.get("figure", "")
    kind = miss["kind"]
    if kind == "no_figure":
        return gettext("No figure: %(figure)s") % {"figure": figure_label(figure)}
    if kind == "not_joined":
        return gettext("Did not join within %(months)d months") % {"months": int(miss["threshold"])}
    if kind == "no_team":
        return gettext("In no team")
    if kind == "threshold":
        return gettext("%(figure)s %(value)s, needs %(op)s %(threshold)s") % {
            "figure": figure_label(figure),
            "value": figure_value(figure, miss["value"]),
            "op": OP_SIGNS.get(miss["op"], miss["op"]),
            "threshold": figure_value(figure, miss["threshold"]),
        }
    return gettext("%(figure)s %(value)s, below the last proposed (%(threshold)s)") % {
        "figure": figure_label(figure),
        "value": figure_value(figure, miss["value"]),
        "threshold": figure_value(figure, miss["threshold"]),
    }


def describe_group(kind: str, figure: str, first: dict[str, Any]) -> str:
    """What everyone of a group of misses missed, in words (without their own value)."""
    if kind == "no_figure":
        return gettext("No figure: %(figure)s") % {"figure": figure_label(figure)}
    if kind == "not_joined":
        return gettext("Did not join within %(months)d months") % {
            "months": int(first["threshold"])
        }
    if kind == "no_team":
        return gettext("In no team")
    if kind == "threshold":
        return gettext("%(figure)s not %(op)s %(threshold)s") % {
            "figure": figure_label(figure),
            "op": OP_SIGNS.get(first["op"], first["op"]),
            "threshold": figure_value(figure, first["threshold"]),
        }
    return gettext("%(figure)s below the last proposed") % {"figure": figure_label(figure)}


def rules_of(user: User) -> QuerySet[HonourRule]:
    return HonourRule.objects.filter(centre_id=user.centre_id).order_by("kind")


def months_of(user: User) -> QuerySet[HonourMonth]:
    """The months a user may see: every one of their centre to those who may see the
    proposals, the confirmed (published) ones to everyone else."""
    months = HonourMonth.objects.filter(centre_id=user.centre_id)
    if user.centre_id is None:
        return months.none()
    if not may_view_proposals(user):
        months = months.filter(state=HonourMonthState.CONFIRMED)
    return months.order_by("-month")


def honour_month_get_for_user(user: User, month: dt.date) -> HonourMonth:
    found = months_of(user).filter(month=month.replace(day=1)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class KindRows:
    kind: str
    label: str
    candidates: list[HonourCandidate] = field(default_factory=list)
    left_out: list[LeftOutGroup] = field(default_factory=list)
    left_out_count: int = 0
    rule: dict[str, Any] | None = None


#: The people named under each reason for not being proposed; the rest are counted (a
#: centre of 500 agents has hundreds without a figure, and the list is read, not searched:
#: anyone's own reason shows on their person page).
LEFT_OUT_NAMED = 20


@dataclass
class LeftOutGroup:
    """Those left out for one reason (no figure for X, a threshold on X, …), the nearest
    to being proposed first."""

    label: str
    count: int
    named: list[dict[str, Any]]


def _left_out_groups(missed: list[dict[str, Any]]) -> list[LeftOutGroup]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for miss in missed:
        groups.setdefault((miss["kind"], miss.get("figure", "")), []).append(miss)
    found = []
    for (kind, figure), people in groups.items():
        if kind in ("threshold", "below_cutoff"):
            sign = 1 if figure in LOWER_IS_BETTER else -1
            people.sort(key=lambda m: (m["value"] is None, sign * (m["value"] or 0)))
        label = describe_group(kind, figure, people[0])
        named = [{**miss, "why": describe_miss(miss)} for miss in people[:LEFT_OUT_NAMED]]
        found.append(LeftOutGroup(label=label, count=len(people), named=named))
    return sorted(found, key=lambda group: -group.count)


def month_detail(month: HonourMonth) -> list[KindRows]:
    """The month's candidates (removed ones too, marked) and those left out, by honour,
    in two reads."""
    rows = {kind: KindRows(kind, str(label)) for kind, label in HonourKind.choices}
    candidates = month.candidates.select_related("person", "changed_by").order_by(
        "kind", "removed", "rank", "team", "person__full_name"
    )
    for candidate in candidates:
        rows[candidate.kind].candidates.append(candidate)
    for rule in month.rules:
        if rule["kind"] in rows:
            rows[rule["kind"]].rule = rule
    for kind, missed in month.left_out.items():
        if kind in rows:
            rows[kind].left_out = _left_out_groups(list(missed))
            rows[kind].left_out_count = len(missed)
    return [row for row in rows.values() if row.rule is not None or row.candidates]


def rule_text(rule: dict[str, Any]) -> str:
    """A rule in one line: the criteria, who may be proposed, the ranking and how many."""
    parts = [
        f"{figure_label(c['figure'])} {OP_SIGNS.get(c['op'], c['op'])} "
        f"{figure_value(c['figure'], float(c['value']))}"
        for c in rule.get("criteria", [])
    ]
    if rule.get("joined_within_months"):
        parts.append(
            gettext("joined within %(months)d months") % {"months": rule["joined_within_months"]}
        )
    descending = rule.get("descending", rule["rank_by"] not in LOWER_IS_BETTER)
    order = gettext("highest first") if descending else gettext("lowest first")
    scope = gettext("in each team") if rule.get("per_team") else ""
    parts.append(
        gettext("ranked by %(figure)s, %(order)s, %(count)d proposed %(scope)s")
        % {
            "figure": figure_label(rule["rank_by"]),
            "order": order,
            "count": rule["count"],
            "scope": scope,
        }
    )
    return "；".join(part.strip() for part in parts)


@dataclass
class Board:
    month: HonourMonth | None
    rows: list[tuple[str, list[HonourCandidate]]]


def board_of(user: User) -> Board:
    """The honours board: the centre's latest published month, each honour with its
    holders. One read."""
    if user.centre_id is None:
        return Board(None, [])
    latest = (
        HonourMonth.objects.filter(centre_id=user.centre_id, state=HonourMonthState.CONFIRMED)
        .order_by("-month")
        .values("pk")[:1]
    )
    rows = list(
        HonourCandidate.objects.filter(month_id__in=Subquery(latest), removed=False)
        .select_related("person", "month")
        .order_by("team", "rank", "person__full_name")
    )
    if not rows:
        return Board(None, [])
    holders: dict[str, list[HonourCandidate]] = {}
    for row in rows:
        holders.setdefault(row.kind, []).append(row)
    return Board(
        rows[0].month,
        [(str(label), holders[kind]) for kind, label in HonourKind.choices if kind in holders],
    )


def people_of(user: User) -> QuerySet[User]:
    """The people whose page a user may open: their own; a team leader their team's; QA
    inspectors, managers and administrators their centre's."""
    people = User.objects.filter(centre_id=user.centre_id).select_related("team")
    if user.centre_id is None:
        return people.filter(pk=user.pk) if user.is_superuser else people.none()
    if user.is_superuser or user.role in (QA, MANAGER):
        return people
    mine = Q(pk=user.pk)
    if user.role == LEADER and user.team_id is not None:
        mine |= Q(team_id=user.team_id)
    return people.filter(mine)


def person_get_for_user(user: User, person_id: int) -> User:
    found = people_of(user).filter(pk=person_id).first()
    if found is None:
        raise NotFound()
    return found


def honours_of_person(person: User, limit: int = 36) -> list[HonourCandidate]:
    """A person's published honours, newest month first."""
    return list(
        HonourCandidate.objects.filter(
            person=person, removed=False, month__state=HonourMonthState.CONFIRMED
        )
        .select_related("month")
        .order_by("-month__month", "kind")[:limit]
    )
