"""The working calendars time limits count on, and the State Council's holiday notice
entered into them."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kefu.core.errors import Invalid
from kefu.core.models import CalendarOverride, HolidayNotice, User, WorkCalendar
from kefu.core.services.audit import audit_record

# The two calendars time limits are counted on (DESIGN.md, "Time-limit policy"): round the
# clock, and working hours that follow China's official holidays and make-up working days.
STANDARD_CALENDARS: dict[str, tuple[str, str]] = {
    "24x7": ("7×24小时", WorkCalendar.Kind.ALWAYS),
    "workhours": (
        "工作时间（周一至周五 08:30–12:00、13:30–17:30）",
        WorkCalendar.Kind.WORKING_HOURS,
    ),
}


@transaction.atomic
def calendars_ensure() -> dict[str, WorkCalendar]:
    """The standard calendars by name, made where missing (an existing one is kept as the
    administrator left it)."""
    calendars: dict[str, WorkCalendar] = {}
    for name, (title, kind) in STANDARD_CALENDARS.items():
        calendars[name], created = WorkCalendar.objects.get_or_create(
            name=name, defaults={"title": title, "kind": kind}
        )
        if created:
            audit_record(
                actor=None, action="calendar.create", obj=calendars[name], after={"kind": kind}
            )
    return calendars


@transaction.atomic
def holiday_notice_enter(*, actor: User | None, year: int, text: str) -> HolidayNotice:
    """Enter (or correct) the State Council's holiday notice for `year`: its days become
    overrides of every working-hours calendar that follows the official holidays, replacing
    those of the notice entered before for the year. Raises Invalid naming the line at fault.
    """
    from kefu.core.holidays import parse_notice

    try:
        notice = parse_notice(year, text)
    except ValueError as error:
        raise Invalid(
            str(error), code="holiday_notice_invalid", detail={"field": "text"}
        ) from error
    row = HolidayNotice.objects.select_for_update().filter(year=year).first()
    calendars = list(
        WorkCalendar.objects.filter(
            official_holidays=True, kind=WorkCalendar.Kind.WORKING_HOURS
        ).order_by("pk")
    )
    if row is not None:
        earlier = [date.fromisoformat(day) for day, _name in row.holidays + row.workdays]
        CalendarOverride.objects.filter(calendar__in=calendars, day__in=earlier).delete()
    else:
        row = HolidayNotice(year=year)
    days = [(day, name, False) for day, name in notice.holidays] + [
        (day, name, True) for day, name in notice.workdays
    ]
    for calendar in calendars:
        for day, name, working in days:
            CalendarOverride.objects.update_or_create(
                calendar=calendar,
                day=day,
                defaults={
                    "is_working_day": working,
                    "note": f"{name}{'调休上班' if working else '放假'}（{year}年国务院通知）",
                },
            )
    row.text = text
    row.holidays = [[day.isoformat(), name] for day, name in notice.holidays]
    row.workdays = [[day.isoformat(), name] for day, name in notice.workdays]
    row.entered_by = actor
    row.save()
    audit_record(
        actor=actor,
        action="holiday_notice.enter",
        obj=row,
        after={"holidays": len(row.holidays), "workdays": len(row.workdays)},
    )
    return row
