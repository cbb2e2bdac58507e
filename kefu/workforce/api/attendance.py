"""The intraday view and attendance, read-only (issue 17 points 5 and 6): a leader reads
their centre's; an agent in the rota reads their own attendance."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kefu.core.errors import NotFound
from kefu.core.http import request_user
from kefu.core.schemas import StrictSchema, errors
from kefu.workforce.queries.attendance import attendance_of, attendance_scope, planning_centre
from kefu.workforce.queries.intraday import intraday

router = Router(tags=["workforce"])


class IntradayParams(StrictSchema):
    queue: str | None = Field(None, max_length=128)


class IntervalOut(Schema):
    start: str
    required: float | None
    scheduled: float
    ready: float | None
    forecast: float | None
    offered: float | None
    reforecast: float | None
    needed: int | None


class QueueOut(Schema):
    name: str
    title: str


class IntradayOut(Schema):
    """Agents are agents' worth per interval (half an interval on the phones is 0.5);
    `ready` and `offered` are null for intervals to come; `ratio` is calls so far ÷ the
    forecast so far, which scales the reforecast."""

    day: dt.date
    interval_minutes: int
    current: int
    rota: int | None
    queue: str | None
    queues: list[QueueOut]
    ratio: float | None
    intervals: list[IntervalOut]


@router.get("/intraday", response={200: IntradayOut, **errors(401, 403, 404, 422)})
def intraday_read(request: HttpRequest, params: Query[IntradayParams]) -> dict[str, Any]:
    """Today per interval, for the centre or one queue."""
    centre = planning_centre(request_user(request))
    view = intraday(centre, timezone.localdate())
    key = params.queue or ""
    if key not in view.curves:
        raise NotFound("no such queue", code="queue_not_found", detail={"field": "queue"})
    curve = view.curves[key]
    return {
        "day": view.day,
        "interval_minutes": view.interval_minutes,
        "current": view.elapsed,
        "rota": view.rota.pk if view.rota else None,
        "queue": params.queue,
        "queues": [{"name": name, "title": title} for name, title in view.queues],
        "ratio": curve.ratio,
        "intervals": [
            {
                "start": label,
                "required": curve.required[i],
                "scheduled": round(curve.scheduled[i], 3),
                "ready": round(curve.ready[i], 3) if i <= view.elapsed else None,
                "forecast": curve.forecast[i],
                "offered": curve.offered[i] if i <= view.elapsed else None,
                "reforecast": curve.reforecast[i],
                "needed": curve.needed[i],
            }
            for i, label in enumerate(view.labels)
        ],
    }


class AttendanceParams(StrictSchema):
    date: dt.date
    span: Literal["day", "week"] = "day"
    member: int | None = Field(None, ge=1)


class AttendedShiftOut(Schema):
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    present: bool
    logged_in_at: dt.datetime | None
    logged_off_at: dt.datetime | None
    late_minutes: float
    early_minutes: float
    scheduled_seconds: float
    ready_seconds: float
    adherence: float | None


class AgentOut(Schema):
    member: int
    name: str
    team: str
    shifts: int
    present: int
    late: int
    early: int
    adherence: float | None
    detail: list[AttendedShiftOut]


class AttendanceOut(Schema):
    """出勤率 and 实际工作率 as 002 第7篇 defines them, rates as fractions; late and early
    count the shifts beyond `grace_minutes`."""

    first: dt.date
    last: dt.date
    grace_minutes: int
    scheduled: int
    present: int
    attendance: float | None
    adherence: float | None
    late: int
    early: int
    agents: list[AgentOut]


@router.get("/attendance", response={200: AttendanceOut, **errors(401, 403, 404, 422)})
def attendance_read(request: HttpRequest, params: Query[AttendanceParams]) -> dict[str, Any]:
    """A day's or its week's attendance: the centre's for a leader (or one staff member's),
    the agent's own for an agent."""
    centre, member = attendance_scope(request_user(request), params.member)
    first = params.date
    if params.span == "week":
        first -= dt.timedelta(days=first.weekday())
    last = first + dt.timedelta(days=6) if params.span == "week" else first
    people, total, grace = attendance_of(centre, first, last, member=member)
    return {
        "first": first,
        "last": last,
        "grace_minutes": grace,
        "scheduled": total.scheduled_agents,
        "present": total.present_agents,
        "attendance": total.attendance,
        "adherence": total.adherence,
        "late": total.late,
        "early": total.early,
        "agents": [
            {
                "member": person.member,
                "name": person.name,
                "team": person.team,
                "shifts": person.summary.scheduled_agents,
                "present": person.summary.present_agents,
                "late": person.summary.late,
                "early": person.summary.early,
                "adherence": person.summary.adherence,
                "detail": [
                    {
                        "day": item.shift.day,
                        "starts_at": item.shift.starts_at,
                        "ends_at": item.shift.ends_at,
                        "present": item.present,
                        "logged_in_at": item.logged_in_at,
                        "logged_off_at": item.logged_off_at,
                        "late_minutes": item.late_minutes,
                        "early_minutes": item.early_minutes,
                        "scheduled_seconds": item.scheduled_seconds,
                        "ready_seconds": item.ready_seconds,
                        "adherence": item.adherence,
                    }
                    for item in person.summary.shifts
                ],
            }
            for person in people
        ],
    }
