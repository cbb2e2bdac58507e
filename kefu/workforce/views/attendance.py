"""The intraday and attendance pages (issue 17 points 5 and 6), for leaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import Invalid
from kefu.core.http import request_user
from kefu.core.roles import PLAN_ROTA
from kefu.workforce.queries.attendance import attendance_of, attendance_scope, planning_centre
from kefu.workforce.queries.intraday import intraday
from kefu.workforce.services.attendance import attendance_rules_set


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@login_required
@require_GET
def intraday_page(request: HttpRequest) -> HttpResponse:
    """Today per interval: required, scheduled, logged in and ready, the calls and the
    reforecast with the agents it needs; for the centre or one queue."""
    centre = planning_centre(request_user(request))
    now = timezone.now()
    view = intraday(centre, timezone.localdate(), now=now)
    queue = request.GET.get("queue", "")
    if queue not in view.curves:
        queue = ""
    curve = view.curves[queue]
    rows = [
        {
            "label": label,
            "current": index == view.elapsed,
            "past": index < view.elapsed,
            "required": _number(curve.required[index]),
            "scheduled": _number(curve.scheduled[index]),
            "ready": _number(curve.ready[index]) if index <= view.elapsed else "—",
            "forecast": _number(curve.forecast[index], 0),
            "offered": _number(curve.offered[index], 0) if index <= view.elapsed else "—",
            "reforecast": _number(curve.reforecast[index], 0),
            "needed": "—" if curve.needed[index] is None else str(curve.needed[index]),
        }
        for index, label in enumerate(view.labels)
    ]

    def series(values: list[Any], upto: int | None = None) -> list[Any]:
        return [
            None if v is None or (upto is not None and i > upto) else round(float(v), 1)
            for i, v in enumerate(values)
        ]

    chart = {
        "days": view.labels,
        "series": [
            {"name": pgettext("staffing", "Required"), "data": series(curve.required)},
            {"name": _("Scheduled"), "data": series(curve.scheduled)},
            {"name": _("Logged in and ready"), "data": series(curve.ready, view.elapsed)},
            {"name": _("Agents needed (reforecast)"), "data": series(curve.needed)},
        ],
    }
    current = min(view.elapsed, len(view.labels) - 1)
    return render(
        request,
        "workforce/intraday.html",
        {
            "view": view,
            "queue": queue,
            "rows": rows,
            "chart": chart,
            "now": timezone.localtime(now),
            "current": rows[current],
            "ratio": _rate(curve.ratio),
            "offered_total": _number(sum(curve.offered), 0),
            "forecast_total": _number(
                sum(v for v in curve.forecast if v is not None)
                if any(v is not None for v in curve.forecast)
                else None,
                0,
            ),
            "reforecast_total": _number(
                sum(v for v in curve.reforecast if v is not None)
                if any(v is not None for v in curve.reforecast)
                else None,
                0,
            ),
        },
    )


def _day(raw: str | None, today: dt.date) -> tuple[dt.date, bool]:
    try:
        day = dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today, True
    return min(day, today), False


@login_required
@require_GET
def attendance_page(request: HttpRequest) -> HttpResponse:
    """Per agent for a day or its week: shifts planned and attended, late log-ins and
    early log-offs beyond the grace, and adherence (实际工作率, 002 第7篇)."""
    return _attendance(request)


@login_required
@require_POST
def attendance_grace(request: HttpRequest) -> HttpResponse:
    """A leader sets the grace; a refused value is shown with the form keeping it."""
    user = request_user(request)
    planning_centre(user)
    raw = request.POST.get("grace_minutes", "").strip()
    try:
        attendance_rules_set(actor=user, grace_minutes=int(raw))
    except (ValueError, Invalid) as refused:
        message = refused.message if isinstance(refused, Invalid) else _("Enter a whole number.")
        return _attendance(request, grace_error=str(message), grace_value=raw, status=400)
    return redirect(f"{reverse('workforce_attendance')}?{request.GET.urlencode()}")


def _attendance(
    request: HttpRequest, *, grace_error: str = "", grace_value: str = "", status: int = 200
) -> HttpResponse:
    user = request_user(request)
    centre, member = attendance_scope(user)
    today = timezone.localdate()
    day, bad_date = _day(request.GET.get("date"), today)
    span = "week" if request.GET.get("span") == "week" else "day"
    first = day - dt.timedelta(days=day.weekday()) if span == "week" else day
    last = first + dt.timedelta(days=6) if span == "week" else day
    people, total, grace = attendance_of(centre, first, last, member=member)
    rows = []
    for person in people:
        s = person.summary
        late_minutes = sum(item.late_minutes for item in s.shifts)
        early_minutes = sum(item.early_minutes for item in s.shifts)
        first_shift = s.shifts[0] if s.shifts else None
        rows.append(
            {
                "name": person.name,
                "team": person.team or "—",
                "shifts": s.scheduled_agents,
                "present": s.present_agents,
                "planned": (
                    f"{timezone.localtime(first_shift.shift.starts_at):%H:%M}–"
                    f"{timezone.localtime(first_shift.shift.ends_at):%H:%M}"
                )
                if span == "day" and first_shift
                else str(len(s.shifts)),
                "login": f"{timezone.localtime(first_shift.logged_in_at):%H:%M}"
                if span == "day" and first_shift and first_shift.logged_in_at
                else "—",
                "late": f"{s.late} / {late_minutes:.0f}",
                "early": f"{s.early} / {early_minutes:.0f}",
                "planned_hours": f"{s.scheduled_seconds / 3600:.1f}",
                "adherence": _rate(s.adherence),
            }
        )
    return render(
        request,
        "workforce/attendance.html",
        {
            "rows": rows,
            "total": total,
            "attendance_rate": _rate(total.attendance),
            "adherence_rate": _rate(total.adherence),
            "grace": grace,
            "day": day,
            "span": span,
            "first": first,
            "last": last,
            "today": today,
            "bad_date": bad_date,
            "can_set_grace": user.has_perm(PLAN_ROTA),
            "grace_error": grace_error,
            "grace_value": grace_value or grace,
            "query": request.GET.urlencode(),
        },
        status=status,
    )
