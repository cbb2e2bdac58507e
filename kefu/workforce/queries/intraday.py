"""Reads for the intraday view (issue 17 point 5): for one day, per interval and queue,
the agents the rota requires, the agents it schedules on the phones, the agents actually
logged in and ready, and the calls forecast, offered so far and reforecast for the rest
of the day, with the agents the reforecast needs (Erlang C, `staffing`).

A fixed number of queries: the rota, its shifts and their agents' skills, the day's
stretches, the day's interval roll-ups, the forecast's history and calendar.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.telephony.models import Activity, Queue, QueueInterval
from kefu.workforce import attendance, staffing
from kefu.workforce.forecast import ForecastError, forecast_queue, slots_per_day
from kefu.workforce.models import Rota, RotaStatus
from kefu.workforce.queries import china_calendar, queue_histories, service_target
from kefu.workforce.queries.attendance import planned_shifts, shift_rows

# The agents needed keep the centre's service-level target under this occupancy.
MAX_OCCUPANCY = 0.85
HISTORY_WEEKS = 8


@dataclass
class Curve:
    """One queue's day (or the centre's, summed), one value per interval."""

    required: list[float | None]
    scheduled: list[float]
    ready: list[float]
    forecast: list[float | None]
    offered: list[float]
    reforecast: list[float | None]
    needed: list[int | None]
    ratio: float | None = None  # calls so far ÷ forecast so far


@dataclass
class Intraday:
    day: dt.date
    interval_minutes: int
    labels: list[str]
    elapsed: int  # intervals wholly past
    rota: Rota | None
    queues: list[tuple[str, str]]  # (name, title)
    curves: dict[str, Curve] = field(default_factory=dict)  # "" is the centre
    forecast_note: str = ""


def _rota_of(centre: OrgUnit, day: dt.date) -> Rota | None:
    return (
        Rota.objects.filter(
            centre=centre, status=RotaStatus.PUBLISHED, first_day__lte=day, last_day__gte=day
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _requirement(rota: Rota, queue: str, day: dt.date, slots: int) -> list[float | None]:
    """The rota's requirement for the day: its curve covers the rota's days one after the
    other (a curve of one day's length is every day's)."""
    curve = (rota.requirement or {}).get(queue)
    if not isinstance(curve, list):
        return [None] * slots
    offset = 0 if len(curve) == slots else (day - rota.first_day).days * slots
    part = curve[offset : offset + slots]
    values: list[float | None] = [
        float(value) if isinstance(value, int | float) else None for value in part
    ]
    return values + [None] * (slots - len(values))


def _sum(curves: list[list[float | None]]) -> list[float | None]:
    result: list[float | None] = []
    for values in zip(*curves, strict=True):
        known = [value for value in values if value is not None]
        result.append(sum(known) if known else None)
    return result


def intraday(centre: OrgUnit, day: dt.date, *, now: dt.datetime | None = None) -> Intraday:
    """The intraday view of `day` (today, usually) as of `now`."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    rota = _rota_of(centre, day)
    minutes = rota.interval_minutes if rota else 30
    slots = slots_per_day(minutes)
    seconds = minutes * 60
    midnight = dt.datetime.combine(day, dt.time(), tz)
    starts = [(midnight + dt.timedelta(minutes=minutes * i)).timestamp() for i in range(slots)]
    labels = [f"{(i * minutes) // 60:02d}:{(i * minutes) % 60:02d}" for i in range(slots)]
    elapsed = max(0, min(slots, int((now - midnight).total_seconds() // seconds)))
    queues = list(Queue.objects.filter(centre=centre).order_by("name").values_list("name", "title"))
    names = [name for name, _ in queues]
    goal = service_target(centre)
    result = Intraday(
        day=day,
        interval_minutes=minutes,
        labels=labels,
        elapsed=elapsed,
        rota=rota,
        queues=[(name, title or name) for name, title in queues],
    )
    # Scheduled on the phones: each shift minus its breaks, an agent with several skills
    # split evenly between them (the solver lets them take whichever queue needs them).
    scheduled: dict[str, list[float]] = {name: [0.0] * slots for name in names}
    # The centre's figures count every agent, with skills or without.
    scheduled_all = [0.0] * slots
    ready_all = [0.0] * slots
    if rota is not None:
        rows = shift_rows(centre, day, day).filter(rota=rota)
        for shift in planned_shifts(rows, with_queues=True):
            skills = [queue for queue in shift.queues if queue in scheduled]
            worth = attendance.per_interval(attendance.on_phone(shift), starts, seconds)
            scheduled_all = [a + b for a, b in zip(scheduled_all, worth, strict=True)]
            for queue in skills:
                scheduled[queue] = [
                    a + b / len(skills) for a, b in zip(scheduled[queue], worth, strict=True)
                ]
    # Logged in and ready: every agent of the centre, whether the rota has them or not,
    # split evenly between the queues they logged in to.
    end = midnight + dt.timedelta(days=1)
    stretches: dict[int, list[attendance.Stretch]] = defaultdict(list)
    joined: dict[int, set[str]] = defaultdict(set)
    for agent, kind, started, ended, logged in Activity.objects.filter(
        Q(ended_at__gt=midnight) | Q(ended_at__isnull=True),
        agent__centre=centre,
        kind__in=[attendance.LOGIN, attendance.PAUSE],
        started_at__lt=min(end, now),
    ).values_list("agent_id", "kind", "started_at", "ended_at", "queues"):
        stretches[agent].append(attendance.Stretch(kind, started, ended))
        if kind == attendance.LOGIN:
            joined[agent].update(name for name in logged or [] if name in scheduled)
    ready: dict[str, list[float]] = {name: [0.0] * slots for name in names}
    for agent, items in stretches.items():
        skills = sorted(joined[agent])
        spans = attendance.ready(items, now)
        worth = attendance.per_interval(spans, starts, seconds)
        if elapsed < slots and now.timestamp() > starts[elapsed]:
            # The interval under way: agents' worth over its part so far.
            part = now.timestamp() - starts[elapsed]
            worth[elapsed] = attendance.per_interval(spans, [starts[elapsed]], part)[0]
        ready_all = [a + b for a, b in zip(ready_all, worth, strict=True)]
        for queue in skills:
            ready[queue] = [a + b / len(skills) for a, b in zip(ready[queue], worth, strict=True)]
    # Calls offered so far, from the 15-minute roll-ups, in the rota's interval.
    offered: dict[str, list[float]] = {name: [0.0] * slots for name in names}
    for name, start, count in QueueInterval.objects.filter(
        queue__centre=centre, start__gte=midnight, start__lt=end
    ).values_list("queue__name", "start", "offered"):
        local = start.astimezone(tz)
        slot = (local.hour * 60 + local.minute) // minutes
        if name in offered:
            offered[name][slot] += count
    # The forecast from the weeks before, reforecast from the day so far.
    histories = queue_histories(
        centre,
        first=day - dt.timedelta(weeks=HISTORY_WEEKS),
        last=day - dt.timedelta(days=1),
        interval_minutes=minutes,
    )
    calendar = china_calendar(day - dt.timedelta(weeks=HISTORY_WEEKS), day)
    for name in names:
        forecast: list[float | None] = [None] * slots
        aht: list[float | None] = [None] * slots
        history = histories.get(name)
        if history:
            try:
                (predicted,) = forecast_queue(
                    history, days=[day], calendar=calendar, interval_minutes=minutes
                )
            except ForecastError as error:
                result.forecast_note = str(error)
            else:
                forecast = list(predicted.calls)
                aht = list(predicted.aht_seconds)
        reforecast: list[float | None] = [None] * slots
        ratio = None
        if all(value is not None for value in forecast):
            known = [float(value or 0) for value in forecast]
            curve, ratio = attendance.reforecast(known, offered[name], elapsed=elapsed)
            reforecast = list(curve)
        result.curves[name] = Curve(
            required=_requirement(rota, name, day, slots) if rota else [None] * slots,
            scheduled=scheduled[name],
            ready=ready[name],
            forecast=forecast,
            offered=offered[name],
            reforecast=reforecast,
            needed=_agents_needed(reforecast, aht, seconds, elapsed, goal),
            ratio=ratio,
        )
    centre_curve = _centre_curve(list(result.curves.values()), slots, elapsed)
    centre_curve.scheduled, centre_curve.ready = scheduled_all, ready_all
    result.curves[""] = centre_curve
    return result


def _agents_needed(
    calls: list[float | None],
    aht: list[float | None],
    seconds: int,
    elapsed: int,
    goal: tuple[float, int],
) -> list[int | None]:
    """Agents on the phones the reforecast needs in each interval still to come (Erlang
    C for the centre's target `goal`, X % within Y s, under 85 % occupancy); None for the
    intervals past or unknown."""
    result: list[int | None] = [None] * len(calls)
    index = [
        slot
        for slot in range(elapsed, len(calls))
        if calls[slot] is not None and aht[slot] is not None and (aht[slot] or 0) > 0
    ]
    if not index:
        return result
    volume = np.array([calls[slot] or 0.0 for slot in index])
    handle = np.array([aht[slot] or 0.0 for slot in index])
    traffic = staffing.traffic_erlangs(calls=volume, interval_seconds=seconds, aht_seconds=handle)
    agents = staffing.agents_required(
        traffic,
        aht_seconds=handle,
        target=goal[0],
        answer_seconds=goal[1],
        max_occupancy=MAX_OCCUPANCY,
    )
    for slot, value in zip(index, agents.tolist(), strict=True):
        result[slot] = int(value)
    return result


def _centre_curve(curves: list[Curve], slots: int, elapsed: int) -> Curve:
    """The queues together (agents needed summed per queue: queues are staffed apart)."""
    if not curves:
        empty: list[float | None] = [None] * slots
        return Curve(
            empty, [0.0] * slots, [0.0] * slots, empty, [0.0] * slots, empty, [None] * slots
        )

    def total(values: list[list[float]]) -> list[float]:
        return [sum(column) for column in zip(*values, strict=True)]

    needed: list[int | None] = []
    for column in zip(*(curve.needed for curve in curves), strict=True):
        known = [value for value in column if value is not None]
        needed.append(sum(known) if known else None)
    forecast = _sum([curve.forecast for curve in curves])
    offered = total([curve.offered for curve in curves])
    so_far = sum(value or 0 for value in forecast[:elapsed])
    return Curve(
        required=_sum([curve.required for curve in curves]),
        scheduled=total([curve.scheduled for curve in curves]),
        ready=total([curve.ready for curve in curves]),
        forecast=forecast,
        offered=offered,
        reforecast=_sum([curve.reforecast for curve in curves]),
        needed=needed,
        ratio=sum(offered[:elapsed]) / so_far if so_far > 0 else None,
    )
