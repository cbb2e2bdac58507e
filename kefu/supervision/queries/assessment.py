"""Assessment's reads (issue 20 point 3): the judgements a user may see and the complaints
still to judge; each department's figures over a period (the internal-customer rule); the
quarterly appraisal of agents and teams.

Department figures. Seed 000 第3篇 四.2 puts the departments that take dispatched work
(业务接口部门) under the centre's control as its internal customers (“内部客户”制度): the
centre watches their follow-up (3) — urging them to return on time (督促接口部门按时回单)
and stepping in when a limit is passed (超出预警服务时限) — and checks the result before the
customer hears it (4: 处理结果回复前的审核). Seed 002 第6篇 (2011 plan) asks that the
departments be assessed on the timeliness of their replies and the number of urges (回复
及时性和催单次数的考核). So, for each department, counted from the work orders' events in
the period exactly as the metrics app counts stages (`metrics.queries.stage_on_time`: a
stage late when the sweep marked it overdue):

- ``returned`` 回单: results the department returned (return events while it held the
  order);
- ``returned_on_time`` 按时回单: of those, the ones whose hold had no overdue mark of the
  department's stages (take 接单 and return 回单) since it got the order or its rework;
- ``urges`` 催办: urges of orders while the department held them (dispatched or handling);
- ``refused`` 退单: its returns refused at the centre's verification (000 第3篇 四.2(4));
- ``reopened`` 重办: orders it last returned that the customer was not satisfied with at
  the callback, reopened;
- ``rework`` 返工: refused plus reopened, the work done again;
- ``complaints`` 有责投诉: complaints closed in the period whose judgement in force holds
  the department responsible (判责, services.judging).

An order the department holds is known from the order's own events: the department named
by the last dispatch, transfer, reassignment or field dispatch (tickets.stages), until the
order goes back to the centre.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import departments_of_centre
from kefu.core.roles import (
    APPEAL_JUDGEMENTS,
    DECIDE_JUDGEMENT_APPEALS,
    HANDLER,
    JUDGE_COMPLAINTS,
    LEADER,
    MANAGE_APPRAISAL,
    VIEW_ASSESSMENT,
    VIEW_JUDGEMENTS,
)
from kefu.metrics.queries import Period
from kefu.supervision import appraisal
from kefu.supervision.models import (
    AppraisalRules,
    ComplaintJudgement,
    JudgementState,
    Responsibility,
)
from kefu.supervision.queries.exams import exam_scores
from kefu.supervision.queries.figures import centre_figures, person_figures
from kefu.tickets.lifecycle import State
from kefu.tickets.models import Ticket, TicketKind
from kefu.tickets.queries.departments import department_holds

DEPARTMENT_FIGURES = (
    "returned",
    "returned_on_time",
    "on_time_rate",
    "urges",
    "refused",
    "reopened",
    "rework",
    "complaints",
)


# ---------------------------------------------------------------------------- who may


def _has(user: User, permission: str) -> bool:
    return user.is_superuser or user.has_perm(permission)


def may_view_assessment(user: User) -> bool:
    return _has(user, VIEW_ASSESSMENT)


def may_judge(user: User) -> bool:
    return _has(user, JUDGE_COMPLAINTS)


def may_decide_appeals(user: User) -> bool:
    return _has(user, DECIDE_JUDGEMENT_APPEALS)


def may_manage_appraisal(user: User) -> bool:
    return _has(user, MANAGE_APPRAISAL)


def may_see_judgements(user: User) -> bool:
    return _has(user, VIEW_JUDGEMENTS)


def may_appeal(user: User, judgement: ComplaintJudgement) -> bool:
    """Whether the user stands for whoever was judged responsible: a handler of the
    department, or the team leader of the person's team; and only while the judgement
    waits, unappealed, within its window."""
    if not user.has_perm(APPEAL_JUDGEMENTS) or user.centre_id != judgement.centre_id:
        return False
    if judgement.responsibility == Responsibility.DEPARTMENT:
        return user.role == HANDLER and user.department_id == judgement.department_id
    if judgement.responsibility == Responsibility.PERSON:
        person = judgement.person
        return (
            user.role == LEADER
            and person is not None
            and person.team_id is not None
            and user.team_id == person.team_id
        )
    return False


# --------------------------------------------------------------------------- judgements


def judgements_of(user: User) -> QuerySet[ComplaintJudgement]:
    """The judgements the user may see: the whole centre's for those who judge, decide or
    read assessment; a department handler only those of their own department (including
    those it appealed away)."""
    if not may_see_judgements(user):
        raise Forbidden()
    found = ComplaintJudgement.objects.select_related(
        "ticket", "department", "person", "judged_by", "appealed_by", "decided_by"
    )
    if not user.is_superuser:
        found = found.filter(centre_id=user.centre_id)
    if may_view_assessment(user) or may_judge(user) or may_decide_appeals(user):
        return found
    if user.role == HANDLER:
        if user.department_id is None:
            return found.none()
        return found.filter(
            Q(department_id=user.department_id) | Q(appealed_department_id=user.department_id)
        )
    # A team leader without the assessment view: their team's people's judgements.
    if user.team_id is None:
        return found.none()
    return found.filter(person__team_id=user.team_id)


def judgement_get_for_user(user: User, judgement_id: int) -> ComplaintJudgement:
    found = judgements_of(user).filter(pk=judgement_id).first()
    if found is None:
        raise NotFound()
    return found


def judgement_steps(judgement: ComplaintJudgement) -> list[Any]:
    return list(judgement.steps.select_related("actor").order_by("at", "pk"))


def complaints_to_judge(user: User) -> QuerySet[Ticket]:
    """The centre's closed complaints not judged yet, oldest closed first."""
    if not (may_judge(user) or may_view_assessment(user)):
        raise Forbidden()
    return (
        Ticket.objects.filter(
            centre_id=user.centre_id,
            kind=TicketKind.COMPLAINT,
            state=State.CLOSED,
            judgement__isnull=True,
        )
        .select_related("department")
        .order_by("closed_at", "pk")
    )


def complaint_to_judge_get(user: User, number: str) -> Ticket:
    found = complaints_to_judge(user).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def judgement_counts(user: User) -> dict[str, int]:
    """How many complaints wait to be judged (when the user may see them) and how many
    judgements of each state the user sees."""
    counts = dict(judgements_of(user).values_list("state").annotate(n=Count("id")).order_by())
    out = {state: counts.get(state, 0) for state in JudgementState.values}
    if may_judge(user) or may_view_assessment(user):
        out["to_judge"] = complaints_to_judge(user).count()
    return out


# ------------------------------------------------------------------------------ periods


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter holding `day` (002 第14篇 7: the appraisal is quarterly)."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = month_of(dt.date(first.year, first.month + 2, 1))[1]
    return first, last


# --------------------------------------------------------------------- department figures


@dataclass
class DepartmentFigures:
    department: OrgUnit
    values: dict[str, Any] = field(default_factory=dict)


def departments_of(centre: OrgUnit) -> list[OrgUnit]:
    return list(departments_of_centre(centre.pk).order_by("name", "code"))


def _event_counts(centre: OrgUnit, period: Period) -> dict[str, Counter[str]]:
    """The department's figures from the work orders' events, by department code (the count
    lives in tickets, where the insights' feedback report reads it too)."""
    return department_holds(centre.pk, period.start, period.end)


def _attributed(centre: OrgUnit, period: Period, field_name: str) -> dict[int, int]:
    """Complaints closed in the period whose judgement in force names a department (or a
    person), by its id."""
    return dict(
        ComplaintJudgement.objects.filter(
            centre=centre,
            ticket__closed_at__gte=period.start,
            ticket__closed_at__lt=period.end,
            **{f"{field_name}__isnull": False},
        )
        .values_list(field_name)
        .annotate(n=Count("id"))
        .order_by()
    )


def department_figures(centre: OrgUnit, first: dt.date, last: dt.date) -> list[DepartmentFigures]:
    """Each active department's figures from `first` to `last` (local days, both
    included); on-time rate None when it returned nothing."""
    period = Period.days(first, last)
    counted = _event_counts(centre, period)
    complaints = _attributed(centre, period, "department")
    rows = []
    for department in departments_of(centre):
        counts = counted.get(department.code, Counter())
        returned = counts["returned"]
        rows.append(
            DepartmentFigures(
                department=department,
                values={
                    "returned": returned,
                    "returned_on_time": counts["returned_on_time"],
                    "on_time_rate": counts["returned_on_time"] / returned if returned else None,
                    "urges": counts["urges"],
                    "refused": counts["refused"],
                    "reopened": counts["reopened"],
                    "rework": counts["refused"] + counts["reopened"],
                    "complaints": complaints.get(department.pk, 0),
                },
            )
        )
    return rows


def department_get_for_user(user: User, department_id: int) -> OrgUnit:
    if not may_view_assessment(user):
        raise Forbidden()
    found = OrgUnit.objects.filter(
        pk=department_id, parent_id=user.centre_id, kind=OrgUnit.Kind.DEPARTMENT
    ).first()
    if found is None:
        raise NotFound()
    return found


def department_judgements(
    department: OrgUnit, first: dt.date, last: dt.date
) -> QuerySet[ComplaintJudgement]:
    period = Period.days(first, last)
    return (
        ComplaintJudgement.objects.filter(
            department=department,
            ticket__closed_at__gte=period.start,
            ticket__closed_at__lt=period.end,
        )
        .select_related("ticket")
        .order_by("-judged_at")
    )


# ---------------------------------------------------------------------------- appraisal


def weights_of(centre: OrgUnit) -> tuple[dict[str, int], int, AppraisalRules | None]:
    """The centre's weights, appeal window and its rules row (None: the defaults)."""
    rules = AppraisalRules.objects.filter(centre=centre).first()
    if rules is None or not rules.weights:
        return dict(appraisal.DEFAULT_WEIGHTS), (rules.appeal_days if rules else 3), rules
    weights = {str(code): int(rules.weights.get(code, 0)) for code in appraisal.COMPONENTS}
    return weights, rules.appeal_days, rules


@dataclass(frozen=True)
class Appraised:
    """The appraisal of the centre's people and teams over a quarter."""

    first: dt.date
    last: dt.date
    weights: dict[str, int]
    people: list[appraisal.Appraisal]
    teams: list[appraisal.Appraisal]
    names: dict[Any, str]  # person key (user id) → name
    team_of: dict[int, str]  # user id → team name
    as_of: dt.datetime  # when the figures were read


def appraisal_of(
    centre: OrgUnit, first: dt.date, last: dt.date, *, now: dt.datetime | None = None
) -> Appraised:
    """Every measured person's appraisal from `first` to `last`, and each team's, from
    `person_figures` (answered calls, handling time, monitoring score, attendance), the
    exam results and the complaints judged against the person. A person who neither
    answered a call nor took a contact in the period has no complaints component unless a
    complaint was judged against them (nobody is ranked for having done nothing). Without
    `now`, the centre's figures are read as pages keep them (`centre_figures`)."""
    weights, _days, _rules = weights_of(centre)
    if now is None:
        kept = centre_figures(centre, first, last)
        figures, as_of = kept.people, kept.as_of
    else:
        figures, as_of = person_figures(centre, first, last, now=now), now
    exams: dict[int, Decimal] = exam_scores(centre.pk, first, last)
    complaints = _attributed(centre, Period.days(first, last), "person")
    people: dict[Any, dict[str, Any]] = {}
    for user_id, person in figures.items():
        v = person.values
        worked = bool(v.get("answered")) or bool(v.get("contacts"))
        against = complaints.get(user_id, 0)
        people[user_id] = {
            appraisal.Component.ANSWERED: v.get("answered"),
            appraisal.Component.AHT: v.get("aht_seconds"),
            appraisal.Component.QA: v.get("monitoring_score"),
            appraisal.Component.EXAM: exams.get(user_id),
            appraisal.Component.ATTENDANCE: v.get("attendance"),
            appraisal.Component.COMPLAINTS: against if (worked or against) else None,
        }
    ranked = appraisal.appraise(people, weights)
    team_of = {user_id: person.team for user_id, person in figures.items()}
    members: dict[str, list[appraisal.Appraisal]] = defaultdict(list)
    for item in ranked:
        team = team_of.get(int(str(item.key)), "")
        if team:
            members[team].append(item)
    return Appraised(
        first=first,
        last=last,
        weights=weights,
        people=ranked,
        teams=appraisal.appraise_teams(dict(sorted(members.items())), weights),
        names={user_id: person.name for user_id, person in figures.items()},
        team_of=team_of,
        as_of=as_of,
    )
