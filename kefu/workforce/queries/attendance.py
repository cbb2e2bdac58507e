"""Reads for attendance, adherence, turnover and the intraday view: the living plan
(`Shift` of the centre's published rotas) against the agents' stretches reported by the
telephone platform (`Activity`, matched through `Agent.user` → `StaffMember.user`).

Each read is a fixed number of queries whatever the number of agents or days, so the
metrics app can call `workforce_totals` once per report scope (002 第7篇 实际工作率, 出勤率,
值机员流动率; the figures themselves are `kefu.workforce.attendance`'s).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import PLAN_ROTA, VIEW_ROTA
from kefu.telephony.models import Activity, Agent
from kefu.telephony.simulator import PlannedShift
from kefu.workforce import attendance
from kefu.workforce.models import AttendanceRules, Rota, RotaStatus, Shift, StaffMember
from kefu.workforce.models.attendance import DEFAULT_GRACE_MINUTES


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def grace_minutes(centre: OrgUnit) -> int:
    """The centre's grace before a log-in is late or a log-off early."""
    value = (
        AttendanceRules.objects.filter(centre=centre)
        .values_list("grace_minutes", flat=True)
        .first()
    )
    return DEFAULT_GRACE_MINUTES if value is None else int(value)


def _moment(value: str, shift_day: dt.date, shift_start: dt.datetime) -> dt.datetime:
    """A break's time as stored: an ISO datetime, or a time of day on the shift's day (the
    next day when it falls before the shift's start, for a night shift)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        clock = dt.time.fromisoformat(value)
        moment = dt.datetime.combine(shift_day, clock, _zone())
        if moment < shift_start:
            moment += dt.timedelta(days=1)
        return moment
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=_zone())
    return moment


def _break_items(
    raw: Any, day: dt.date, start: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, bool]]:
    """A shift's breaks as (start, end, meal); a malformed one plans no time off."""
    result = []
    for item in raw or []:
        try:
            begin, end = _moment(item["start"], day, start), _moment(item["end"], day, start)
        except (KeyError, TypeError, ValueError):
            continue
        result.append((begin, end, bool(item.get("meal"))))
    return result


def _breaks(
    raw: Any, day: dt.date, start: dt.datetime
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    return tuple((begin, end) for begin, end, _meal in _break_items(raw, day, start))


def members_of(centre: OrgUnit, *, agent: str | None = None, team: OrgUnit | None = None) -> Q:
    """The staff members of a scope, as a filter on `StaffMember` (no query)."""
    condition = Q(centre=centre)
    if agent is not None or team is not None:
        agents = Agent.objects.filter(centre=centre, user__isnull=False)
        if agent is not None:
            agents = agents.filter(name=agent)
        if team is not None:
            agents = agents.filter(team=team)
        condition &= Q(user__in=agents.values("user"))
    return condition


def shift_rows(
    centre: OrgUnit,
    first: dt.date,
    last: dt.date,
    *,
    agent: str | None = None,
    team: OrgUnit | None = None,
) -> QuerySet[Shift]:
    """The shifts of the centre's published rotas on the days from `first` to `last`."""
    rows = Shift.objects.filter(
        rota__centre=centre, rota__status=RotaStatus.PUBLISHED, day__range=(first, last)
    )
    if agent is not None or team is not None:
        rows = rows.filter(
            member__in=StaffMember.objects.filter(members_of(centre, agent=agent, team=team))
        )
    return rows


def _skills(rows: QuerySet[Shift]) -> dict[int, tuple[str, ...]]:
    """The queue names each staff member of the shifts takes (their skills); one query."""
    found: dict[int, list[str]] = defaultdict(list)
    through = StaffMember.queues.through.objects.filter(
        staffmember_id__in=rows.values("member_id")
    ).values_list("staffmember_id", "queue__name")
    for member, name in through:
        found[member].append(name)
    return {member: tuple(sorted(names)) for member, names in found.items()}


def planned_shifts(
    rows: QuerySet[Shift], *, with_queues: bool = False
) -> list[attendance.PlannedShift]:
    """The shifts as the pure module takes them, one per agent and day (where published
    rotas overlap, the latest rota's); one query, two with the agents' queues."""
    chosen: dict[tuple[int, dt.date], tuple[int, attendance.PlannedShift]] = {}
    queues = _skills(rows) if with_queues else {}
    for rota, member, day, start, end, breaks in rows.values_list(
        "rota_id", "member_id", "day", "starts_at", "ends_at", "breaks"
    ):
        key = (member, day)
        if key in chosen and chosen[key][0] > rota:
            continue
        chosen[key] = (
            rota,
            attendance.PlannedShift(
                member=member,
                day=day,
                starts_at=start,
                ends_at=end,
                breaks=_breaks(breaks, day, start),
                queues=queues.get(member, ()),
            ),
        )
    return sorted((shift for _, shift in chosen.values()), key=lambda s: (s.starts_at, s.member))


def stretches(
    centre: OrgUnit, members: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, list[attendance.Stretch]]:
    """Each staff member's log-in and pause stretches touching [start, end), found through
    their platform agents (`Agent.user`); one query."""
    ids = sorted(set(members))
    result: dict[int, list[attendance.Stretch]] = defaultdict(list)
    if not ids:
        return result
    rows = Activity.objects.filter(
        Q(ended_at__gt=start) | Q(ended_at__isnull=True),
        agent__centre=centre,
        agent__user__staff_member__in=ids,
        kind__in=[attendance.LOGIN, attendance.PAUSE],
        started_at__lt=end,
    ).values_list("agent__user__staff_member", "kind", "started_at", "ended_at")
    for member, kind, started, ended in rows:
        result[member].append(attendance.Stretch(kind, started, ended))
    return result


def _clip(
    shift: attendance.PlannedShift, start: dt.datetime, end: dt.datetime
) -> attendance.PlannedShift | None:
    begin, finish = max(shift.starts_at, start), min(shift.ends_at, end)
    if finish <= begin:
        return None
    return attendance.PlannedShift(
        member=shift.member,
        day=shift.day,
        starts_at=begin,
        ends_at=finish,
        breaks=shift.breaks,
        queues=shift.queues,
    )


def workforce_totals(
    centre: OrgUnit,
    start: dt.datetime,
    end: dt.datetime,
    *,
    agent: str | None = None,
    team: OrgUnit | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The metrics app's workforce inputs for [start, end) and a scope, as `Totals` fields:
    planned and ready seconds and agent-shifts planned and present (002 第7篇 实际工作率,
    出勤率: None without a published rota's shift in the period) and the headcount and
    leavers (值机员流动率: None for one agent, and without staff members). Three queries."""
    now = now or timezone.now()
    tz = _zone()
    first = start.astimezone(tz).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(tz).date()
    figures: dict[str, Any] = {}
    shifts = [
        clipped
        for shift in planned_shifts(shift_rows(centre, first, last, agent=agent, team=team))
        if (clipped := _clip(shift, start, end)) is not None
    ]
    if shifts:
        found = stretches(centre, (shift.member for shift in shifts), start, min(end, now))
        summary = attendance.summarise(shifts, found, now=min(now, end))
        figures.update(
            scheduled_seconds=round(summary.scheduled_seconds),
            ready_seconds=round(summary.ready_seconds),
            scheduled_agents=summary.scheduled_agents,
            present_agents=summary.present_agents,
        )
    if agent is None:
        people = StaffMember.objects.filter(members_of(centre, team=team)).values_list(
            "joined_on", "left_on"
        )
        headcount, leavers = attendance.headcount_and_leavers(people, first, last)
        if headcount:
            figures.update(headcount=headcount, leavers=leavers)
    return figures


@dataclass(frozen=True)
class AgentDay:
    """One staff member's shifts on the days asked, for the attendance page."""

    member: int
    name: str
    team: str
    summary: attendance.Summary


def attendance_of(
    centre: OrgUnit,
    first: dt.date,
    last: dt.date,
    *,
    member: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[list[AgentDay], attendance.Summary, int]:
    """Per agent (or one member), their shifts from `first` to `last` judged against their
    stretches, the whole together, and the grace used. Five queries."""
    now = now or timezone.now()
    grace = grace_minutes(centre)
    rows = shift_rows(centre, first, last)
    if member is not None:
        rows = rows.filter(member_id=member)
    shifts = planned_shifts(rows)
    tz = _zone()
    start = dt.datetime.combine(first, dt.time(), tz)
    end = max(
        [dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)]
        + [s.ends_at for s in shifts]
    )
    found = stretches(centre, (shift.member for shift in shifts), start, min(end, now))
    names = (
        {
            pk: (full_name or username, team or "")
            for pk, full_name, username, team in StaffMember.objects.filter(
                pk__in={shift.member for shift in shifts}
            ).values_list("pk", "user__full_name", "user__username", "user__team__name")
        }
        if shifts
        else {}
    )
    total = attendance.Summary()
    by_member: dict[int, attendance.Summary] = defaultdict(attendance.Summary)
    for shift in shifts:
        item = attendance.shift_attendance(
            shift, found.get(shift.member, ()), now=now, grace_minutes=grace
        )
        by_member[shift.member].add(item, now=now)
        total.add(item, now=now)
    people = [
        AgentDay(
            member=pk,
            name=names.get(pk, ("", ""))[0],
            team=names.get(pk, ("", ""))[1],
            summary=summary,
        )
        for pk, summary in by_member.items()
    ]
    people.sort(key=lambda row: (row.team, row.name))
    return people, total, grace


def simulator_shifts(centre: OrgUnit, first: dt.date, last: dt.date) -> list[PlannedShift]:
    """The published rota's shifts from `first` to `last` as the telephone simulator takes
    them (the demo's agents follow the rota): each agent as the platform names them
    (`Agent/<user name>`, as the demo's import matches them), breaks with a pause reason,
    the agent's skills as the queues they take."""
    shifts = shift_rows(centre, first, last)
    skills = _skills(shifts)
    rows = shifts.values_list(
        "rota_id", "member_id", "day", "member__user__username", "starts_at", "ends_at", "breaks"
    )
    chosen: dict[tuple[int, dt.date], tuple[int, PlannedShift]] = {}
    for rota, member, day, username, start, end, breaks in rows:
        if (member, day) in chosen and chosen[(member, day)][0] > rota:
            continue
        pauses = tuple(
            (int(b_start.timestamp()), int(b_end.timestamp()), "LUNCH" if meal else "BREAK")
            for b_start, b_end, meal in _break_items(breaks, day, start)
        )
        chosen[(member, day)] = (
            rota,
            PlannedShift(
                agent=f"Agent/{username}",
                start=int(start.timestamp()),
                end=int(end.timestamp()),
                breaks=pauses,
                queues=skills.get(member, ()),
            ),
        )
    return sorted((shift for _, shift in chosen.values()), key=lambda s: (s.start, s.agent))


def planning_centre(user: User) -> OrgUnit:
    """The centre whose intraday view and attendance `user` may read: a leader's own
    (PLAN_ROTA); anyone else is refused."""
    if not user.has_perm(PLAN_ROTA) or user.centre is None:
        raise Forbidden()
    return user.centre


def attendance_scope(user: User, member: int | None = None) -> tuple[OrgUnit, int | None]:
    """Whose attendance `user` may read: a leader any staff member's of their centre (or
    all, `member` None); an agent with a place in the rota only their own."""
    if user.centre is not None and user.has_perm(PLAN_ROTA):
        if (
            member is not None
            and not StaffMember.objects.filter(pk=member, centre=user.centre).exists()
        ):
            raise NotFound("no such staff member")
        return user.centre, member
    own = StaffMember.objects.filter(user=user).values_list("pk", "centre_id").first()
    if user.centre is None or not user.has_perm(VIEW_ROTA) or own is None:
        raise Forbidden()
    if member is not None and member != own[0]:
        raise Forbidden()
    if own[1] != user.centre.pk:
        raise Forbidden()
    return user.centre, own[0]


def on_duty_now(centre: OrgUnit, moment: dt.datetime) -> dict[str, str] | None:
    """The agents (as the demo's platform names them, `Agent/<user name>`) whose shift in
    a published rota runs at `moment`, each with the pause reason of the break they are on
    ("" when on the phones); None when no published rota covers the day."""
    today = moment.astimezone(_zone()).date()
    if not Rota.objects.filter(
        centre=centre, status=RotaStatus.PUBLISHED, first_day__lte=today, last_day__gte=today
    ).exists():
        return None
    result: dict[str, str] = {}
    for shift in simulator_shifts(centre, today - dt.timedelta(days=1), today):
        at = moment.timestamp()
        if shift.start <= at < shift.end:
            result[shift.agent] = next(
                (reason for start, end, reason in shift.breaks if start <= at < end), ""
            )
    return result
