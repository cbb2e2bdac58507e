"""Reads of rotas (issue 17 point 3): the plan a rota is generated against (forecast calls,
handle time and agents required per queue and interval), and one access-checked getter
per entity: a leader (PLAN_ROTA) sees the rotas of their centre, an agent (VIEW_ROTA)
only their own shifts of published rotas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import PLAN_ROTA, VIEW_ROTA
from kefu.workforce import staffing
from kefu.workforce.forecast import ForecastError, forecast_queue
from kefu.workforce.models import (
    Rota,
    RotaChange,
    RotaStatus,
    RotaVersion,
    Shift,
    ShiftTemplate,
    StaffMember,
)
from kefu.workforce.queries import china_calendar, queue_histories, service_target

# Share of paid time not on the phones (breaks, training, absence) the plan schedules
# for: the worked example's 30 % (issue 17 point 2).
SHRINKAGE = 0.3
MAX_OCCUPANCY = 0.85
HISTORY_WEEKS = 12


# -- access ---------------------------------------------------------------------------------


def rotas_visible_to(user: User) -> QuerySet[Rota]:
    """The rotas a leader plans: their centre's (every centre's for a superuser)."""
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    rotas = Rota.objects.select_related("centre")
    if not user.is_superuser:
        rotas = rotas.filter(centre_id=user.centre_id)
    return rotas


def rota_get_for_user(user: User, rota_id: int) -> Rota:
    rota = rotas_visible_to(user).filter(pk=rota_id).first()
    if rota is None:
        raise NotFound()
    return rota


def shifts_visible_to(user: User) -> QuerySet[Shift]:
    """A leader: every shift of their centre's rotas; anyone else who may see a rota: their
    own shifts of published rotas."""
    if user.has_perm(PLAN_ROTA):
        shifts = Shift.objects.all()
        if not user.is_superuser:
            shifts = shifts.filter(rota__centre_id=user.centre_id)
        return shifts
    if not user.has_perm(VIEW_ROTA):
        raise Forbidden()
    return Shift.objects.filter(member__user=user, rota__status=RotaStatus.PUBLISHED)


def shift_get_for_user(user: User, shift_id: int) -> Shift:
    shift = (
        shifts_visible_to(user)
        .select_related("template", "member__user", "rota")
        .filter(pk=shift_id)
        .first()
    )
    if shift is None:
        raise NotFound()
    return shift


def versions_visible_to(user: User, rota_id: int) -> QuerySet[RotaVersion]:
    return RotaVersion.objects.filter(rota=rota_get_for_user(user, rota_id)).order_by("-number")


def changes_visible_to(user: User) -> QuerySet[RotaChange]:
    """A leader: the changes of their centre's rotas; an agent: the changes to their own
    shifts."""
    if user.has_perm(PLAN_ROTA):
        changes = RotaChange.objects.all()
        if not user.is_superuser:
            changes = changes.filter(rota__centre_id=user.centre_id)
        return changes.select_related("member__user", "by")
    if not user.has_perm(VIEW_ROTA):
        raise Forbidden()
    return RotaChange.objects.filter(member__user=user).select_related("member__user", "by")


def member_get_for_user(user: User, member_id: int) -> StaffMember:
    """A staff member of the leader's centre."""
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    members = StaffMember.objects.select_related("user", "centre")
    if not user.is_superuser:
        members = members.filter(centre_id=user.centre_id)
    member = members.filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return member


def template_get_for_user(user: User, code: str) -> ShiftTemplate:
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    template = ShiftTemplate.objects.filter(centre_id=user.centre_id, code=code).first()
    if template is None:
        raise NotFound()
    return template


def rota_covering(centre: OrgUnit, day: dt.date) -> Rota | None:
    """The rota agents work by on `day`: the published one, else the latest draft."""
    return (
        Rota.objects.filter(centre=centre, first_day__lte=day, last_day__gte=day)
        .order_by("-status", "-created_at")
        .first()
    )


# -- the plan -------------------------------------------------------------------------------


@dataclass
class DayPlan:
    day: dt.date
    calls: list[float]
    aht_seconds: list[float]
    required: list[int]


@dataclass
class QueuePlan:
    name: str
    title: str
    days: list[DayPlan] = field(default_factory=list)
    # Without history to forecast from, the reason (for the user); required is 0 then.
    note: str = ""

    @property
    def required_all(self) -> list[int]:
        return [value for day in self.days for value in day.required]


def rota_plan(
    *, centre: OrgUnit, first: dt.date, last: dt.date, interval_minutes: int = 30
) -> list[QueuePlan]:
    """Per queue of the centre, per day from `first` to `last` and interval: the forecast
    calls and handle time (from the last 12 weeks of roll-ups before `first`), the agents
    on the phones Erlang C needs for the centre's service-level target under 85 %
    occupancy, and the agents to schedule after 30 % shrinkage (what the rota covers)."""
    from kefu.telephony.models import Queue

    queues = list(Queue.objects.filter(centre=centre).order_by("name"))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    slots = 24 * 60 // interval_minutes
    history_first = first - dt.timedelta(weeks=HISTORY_WEEKS)
    history_last = min(first - dt.timedelta(days=1), timezone.localdate())
    histories = queue_histories(
        centre, first=history_first, last=history_last, interval_minutes=interval_minutes
    )
    calendar = china_calendar(history_first, last)
    target, answer = service_target(centre)
    plans = []
    for queue in queues:
        plan = QueuePlan(queue.name, queue.title or queue.name)
        try:
            forecast = forecast_queue(
                histories.get(queue.name, []),
                days=days,
                calendar=calendar,
                interval_minutes=interval_minutes,
            )
        except ForecastError as error:
            plan.note = str(error)
            plan.days = [DayPlan(day, [0.0] * slots, [0.0] * slots, [0] * slots) for day in days]
            plans.append(plan)
            continue
        for item in forecast:
            aht = [value or 0.0 for value in item.aht_seconds]
            calls = list(item.calls)
            safe_aht = [value if value > 0 else 1.0 for value in aht]
            traffic = staffing.traffic_erlangs(
                calls=calls, interval_seconds=interval_minutes * 60, aht_seconds=safe_aht
            )
            on_phones = staffing.agents_required(
                traffic,
                aht_seconds=safe_aht,
                target=target,
                answer_seconds=answer,
                max_occupancy=MAX_OCCUPANCY,
            )
            required = staffing.scheduled_agents(on_phones, SHRINKAGE)
            plan.days.append(
                DayPlan(
                    item.day,
                    [round(value, 1) for value in calls],
                    [round(value) for value in aht],
                    [int(value) for value in required],
                )
            )
        plans.append(plan)
    return plans


# -- the rota's pages -----------------------------------------------------------------------


@dataclass
class GridCell:
    day: dt.date
    code: str = ""
    name: str = ""
    kind: str = ""
    leave: bool = False
    times: str = ""


@dataclass
class GridRow:
    member: StaffMember
    cells: list[GridCell]


def rota_members(rota: Rota) -> list[StaffMember]:
    """The staff members a rota lists, by name: its centre's, but those who left before it."""
    return list(
        StaffMember.objects.filter(centre_id=rota.centre_id)
        .exclude(left_on__lt=rota.first_day)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def shift_templates_of(centre_id: int) -> list[ShiftTemplate]:
    """The centre's shift templates, earliest start first."""
    return list(ShiftTemplate.objects.filter(centre_id=centre_id).order_by("start"))


def rota_grid(rota: Rota) -> tuple[list[dt.date], list[GridRow]]:
    """The rota as agents × days: each day's shift (or approved leave)."""
    from kefu.workforce.models import LeaveRequest, RequestStatus

    days = [
        rota.first_day + dt.timedelta(days=n)
        for n in range((rota.last_day - rota.first_day).days + 1)
    ]
    index = {day: n for n, day in enumerate(days)}
    members = rota_members(rota)
    rows = {member.pk: GridRow(member, [GridCell(day) for day in days]) for member in members}
    for member_id, first, last in LeaveRequest.objects.filter(
        member__in=members,
        status=RequestStatus.APPROVED,
        first_day__lte=rota.last_day,
        last_day__gte=rota.first_day,
    ).values_list("member_id", "first_day", "last_day"):
        day = max(first, rota.first_day)
        while day <= min(last, rota.last_day):
            rows[member_id].cells[index[day]].leave = True
            day += dt.timedelta(days=1)
    for shift in Shift.objects.filter(rota=rota).select_related("template"):
        row = rows.get(shift.member_id)
        if row is None:
            continue
        cell = row.cells[index[shift.day]]
        template = shift.template
        cell.code = template.name[:1] if template else "班"
        cell.name = template.name if template else ""
        cell.kind = template.kind if template else "day"
        start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        cell.times = f"{start:%H:%M}–{end:%H:%M}"
    return days, list(rows.values())


def rota_coverage(rota: Rota, day: dt.date) -> dict[str, list[Any]]:
    """For the chart: per interval of `day`, the agents required (every queue together)
    and the agents the rota has there (breaks taken out, a part of an interval counted as
    that part of an agent)."""
    size = rota.interval_minutes
    per_day = 24 * 60 // size
    offset = (day - rota.first_day).days
    required = [0.0] * per_day
    if 0 <= offset <= (rota.last_day - rota.first_day).days:
        for curve in rota.requirement.values():
            for n, value in enumerate(curve[offset * per_day : (offset + 1) * per_day]):
                required[n] += value
    tz = timezone.get_current_timezone()
    midnight = dt.datetime.combine(day, dt.time(), tz)
    minutes = [0] * (24 * 60)

    def mark(start: dt.datetime, end: dt.datetime, value: int) -> None:
        first = int((start - midnight).total_seconds() // 60)
        last = int((end - midnight).total_seconds() // 60)
        for minute in range(max(0, first), min(24 * 60, last)):
            minutes[minute] += value

    # The rota's own shifts, and the night of the published rota before it that runs
    # into its first day.
    shifts = Shift.objects.filter(
        Q(rota=rota)
        | Q(
            rota__centre_id=rota.centre_id,
            rota__status=RotaStatus.PUBLISHED,
            day__lt=rota.first_day,
        ),
        starts_at__lt=midnight + dt.timedelta(days=1),
        ends_at__gt=midnight,
    )
    for shift in shifts:
        mark(shift.starts_at, shift.ends_at, 1)
        for item in shift.breaks:
            mark(
                dt.datetime.fromisoformat(item["start"]), dt.datetime.fromisoformat(item["end"]), -1
            )
    covered = [round(sum(minutes[n * size : (n + 1) * size]) / size, 2) for n in range(per_day)]
    labels = [f"{(n * size) // 60:02d}:{(n * size) % 60:02d}" for n in range(per_day)]
    return {"labels": labels, "required": required, "covered": covered}
