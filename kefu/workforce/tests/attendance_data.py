"""A published rota, its staff and their telephone stretches, made directly for the
attendance tests (the demo's rota is another part's)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kefu.core.models import OrgUnit, User
from kefu.telephony.models import Activity, Agent, Queue
from kefu.workforce.models import Contract, Rota, RotaStatus, Shift, StaffMember

TZ = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


def rota(
    centre: OrgUnit,
    first: dt.date,
    last: dt.date,
    *,
    status: str = RotaStatus.PUBLISHED,
    requirement: dict[str, list[int]] | None = None,
    interval_minutes: int = 30,
) -> Rota:
    return Rota.objects.create(
        centre=centre,
        first_day=first,
        last_day=last,
        status=status,
        interval_minutes=interval_minutes,
        requirement=requirement or {},
    )


def member(
    centre: OrgUnit,
    user: User,
    *,
    queues: list[Queue] = (),  # type: ignore[assignment]
    joined_on: dt.date | None = None,
    left_on: dt.date | None = None,
) -> StaffMember:
    contract, _ = Contract.objects.get_or_create(centre=centre, name="标准工时")
    staff = StaffMember.objects.create(
        user=user, centre=centre, contract=contract, joined_on=joined_on, left_on=left_on
    )
    staff.queues.set(queues)
    return staff


def agent(centre: OrgUnit, user: User) -> Agent:
    return Agent.objects.create(
        centre=centre, name=f"Agent/{user.username}", user=user, team=user.team
    )


def shift(
    plan: Rota,
    staff: StaffMember,
    day: dt.date,
    start: tuple[int, int],
    end: tuple[int, int],
    breaks: list[tuple[tuple[int, int], tuple[int, int]]] = (),  # type: ignore[assignment]
) -> Shift:
    return Shift.objects.create(
        rota=plan,
        member=staff,
        day=day,
        starts_at=at(day, *start),
        ends_at=at(day, *end),
        breaks=[
            {
                "start": at(day, *b_start).isoformat(),
                "end": at(day, *b_end).isoformat(),
                "paid": False,
                "meal": True,
            }
            for b_start, b_end in breaks
        ],
    )


def stretch(
    who: Agent, kind: str, start: dt.datetime, end: dt.datetime | None, reason: str = ""
) -> Activity:
    return Activity.objects.create(
        agent=who, kind=kind, started_at=start, ended_at=end, reason=reason
    )
