"""Each person's measured figures over a period, the one source of the honours' proposals,
the quarterly appraisal and the work reports: the same figure a person's report in the
metrics app shows (answered calls, handling time, calls per hour and occupancy computed
by `metrics.indicators` from the telephone platform's roll-ups; the monitoring score from
quality's counted scores; attendance and adherence from the rota), with the contacts the
person took and how many were settled on the contact.

A figure the centre has no data for is None, never 0: a person with no scored call has
no monitoring score, and is not ranked as if they had scored nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.core.roles import AGENT, BACKOFFICE, EXPERT
from kefu.metrics import queries as metrics
from kefu.metrics.indicators import Totals, compute
from kefu.metrics.queries import Period
from kefu.metrics.reports import KEPT_PAST_SECONDS, KEPT_RUNNING_SECONDS
from kefu.quality.models import Evaluation
from kefu.quality.queries.results import counted
from kefu.telephony.models import Agent
from kefu.workforce.models import StaffMember
from kefu.workforce.queries.attendance import attendance_of

#: The roles whose people answer customers and are measured by these figures.
MEASURED_ROLES = (AGENT, EXPERT, BACKOFFICE)
#: The figures computed from the telephone platform's agent roll-ups.
CALL_FIGURES = ("answered", "aht_seconds", "calls_per_agent_hour", "occupancy")
#: Every figure a person has, in the order pages show them.
FIGURES = (
    *CALL_FIGURES,
    "monitoring_score",
    "attendance",
    "adherence",
    "contacts",
    "settled_rate",
)


@dataclass(frozen=True)
class PersonFigures:
    user_id: int
    name: str
    team: str
    joined_on: dt.date | None
    values: dict[str, float | None] = field(default_factory=dict)


def measured_people(centre: OrgUnit, only: int | None = None) -> list[User]:
    """The centre's active people in the roles that answer customers (or only the one)."""
    people = User.objects.filter(centre=centre, is_active=True, groups__name__in=MEASURED_ROLES)
    if only is not None:
        people = people.filter(pk=only)
    return list(
        people.select_related("team").distinct().order_by("team__name", "full_name", "username")
    )


def _call_figures(
    centre: OrgUnit, period: Period, only: int | None
) -> dict[int, dict[str, float | None]]:
    agents = Agent.objects.filter(centre=centre, user__isnull=False)
    rules = metrics.rules_of(centre)
    found: dict[int, dict[str, float | None]] = {}
    if only is not None:
        # One person: their own roll-ups only (under each platform name they answer as).
        names = list(agents.filter(user_id=only).values_list("name", flat=True))
        if not names:
            return found
        counts: dict[str, int] = defaultdict(int)
        for name in names:
            for counter, value in metrics.agent_totals(
                centre, period.on_grid(), agent=name
            ).items():
                counts[counter] += value
        values = compute(Totals(agent=dict(counts)), rules)
        return {only: {code: values.get(code) for code in CALL_FIGURES}}
    users = dict(agents.values_list("name", "user_id"))
    for labels, counts_of in metrics.breakdown(centre, period.on_grid(), "agent"):
        user_id = users.get(labels["agent__name"])
        if user_id is None:
            continue
        values = compute(Totals(agent=counts_of), rules)
        found[user_id] = {code: values.get(code) for code in CALL_FIGURES}
    return found


def _monitoring(centre: OrgUnit, period: Period, only: int | None) -> dict[int, float]:
    scores = counted(
        Evaluation.objects.filter(
            centre=centre, contact_at__gte=period.start, contact_at__lt=period.end
        )
    )
    if only is not None:
        scores = scores.filter(agent_id=only)
    return {
        agent: float(mean)
        for agent, mean in scores.values("agent")
        .annotate(mean=Avg("score"))
        .values_list("agent", "mean")
        .order_by()
        if agent is not None
    }


def _attendance(
    centre: OrgUnit, first: dt.date, last: dt.date, now: dt.datetime | None, only: int | None
) -> dict[int, tuple[float | None, float | None]]:
    member = None
    if only is not None:
        member = StaffMember.objects.filter(user_id=only).values_list("pk", flat=True).first()
        if member is None:
            return {}
    people, _total, _grace = attendance_of(centre, first, last, member=member, now=now)
    users = dict(
        StaffMember.objects.filter(pk__in=[row.member for row in people]).values_list(
            "pk", "user_id"
        )
    )
    found: dict[int, tuple[float | None, float | None]] = {}
    for row in people:
        summary = row.summary
        user_id = users.get(row.member)
        if user_id is None or not summary.scheduled_agents:
            continue
        found[user_id] = (
            summary.present_agents / summary.scheduled_agents,
            summary.ready_seconds / summary.scheduled_seconds
            if summary.scheduled_seconds
            else None,
        )
    return found


def _contacts(centre: OrgUnit, period: Period, only: int | None) -> dict[int, tuple[int, int]]:
    # One person's are read by their own index (agent, time), not the centre's month.
    contacts = Contact.objects.filter(started_at__gte=period.start, started_at__lt=period.end)
    contacts = contacts.filter(centre=centre) if only is None else contacts.filter(agent_id=only)
    rows = (
        contacts.exclude(agent=None)
        .values("agent")
        .annotate(n=Count("id"), settled=Count("id", filter=Q(settled=True)))
        .values_list("agent", "n", "settled")
        .order_by()
    )
    return {agent: (n, settled) for agent, n, settled in rows}


def person_figures(
    centre: OrgUnit,
    first: dt.date,
    last: dt.date,
    *,
    now: dt.datetime | None = None,
    only: int | None = None,
) -> dict[int, PersonFigures]:
    """Every measured person's figures from `first` to `last` (local days, both
    included), by user id; or `only` that person's (the person page reads one person's
    attendance, not the centre's). A handful of queries whatever the number of people."""
    period = Period.days(first, last)
    calls = _call_figures(centre, period, only)
    monitoring = _monitoring(centre, period, only)
    present = _attendance(centre, first, last, now, only)
    contacts = _contacts(centre, period, only)
    staff = StaffMember.objects.filter(user__centre=centre)
    if only is not None:
        staff = staff.filter(user_id=only)
    joined = dict(staff.values_list("user_id", "joined_on"))
    found: dict[int, PersonFigures] = {}
    for person in measured_people(centre, only):
        values: dict[str, float | None] = defaultdict(lambda: None)
        values.update(calls.get(person.pk, {}))
        values["monitoring_score"] = monitoring.get(person.pk)
        values["attendance"], values["adherence"] = present.get(person.pk, (None, None))
        taken, settled = contacts.get(person.pk, (0, 0))
        values["contacts"] = taken if taken else None
        values["settled_rate"] = settled / taken if taken else None
        found[person.pk] = PersonFigures(
            user_id=person.pk,
            name=person.full_name or person.username,
            team=person.team.name if person.team else "",
            joined_on=joined.get(person.pk),
            values={code: values[code] for code in FIGURES},
        )
    return found


@dataclass(frozen=True)
class CentreFigures:
    people: dict[int, PersonFigures]
    as_of: dt.datetime


def centre_figures(centre: OrgUnit, first: dt.date, last: dt.date) -> CentreFigures:
    """`person_figures` for the whole centre as pages read them: computed once and kept
    as long as the reports are (`metrics.reports.KEPT_PAST_SECONDS` for days that are over,
    `KEPT_RUNNING_SECONDS` when the period takes in today),
    with the time they were computed, which the page shows. Half a million contacts a
    quarter are grouped once, not on every view."""
    key = f"supervision:figures:{centre.pk}:{first}:{last}"
    kept = cache.get(key)
    if isinstance(kept, CentreFigures):
        return kept
    found = CentreFigures(person_figures(centre, first, last), timezone.now())
    running = last >= timezone.localdate()
    cache.set(key, found, KEPT_RUNNING_SECONDS if running else KEPT_PAST_SECONDS)
    return found


def figures_this_month(person: User) -> PersonFigures | None:
    """One person's figures from the first of this month to today (the person page's),
    None for someone outside a centre or not measured."""
    if person.centre is None:
        return None
    today = timezone.localdate()
    return person_figures(person.centre, today.replace(day=1), today, only=person.pk).get(person.pk)
