"""Reads of the platform that more than one caller needs."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.models import (
    ApiToken,
    HolidayNotice,
    Notification,
    OrgUnit,
    Region,
    User,
    WorkCalendar,
)
from kefu.core.roles import LEADER, MANAGE_USERS, ROLES
from kefu.core.workcal import WorkingCalendar, parse_periods, uncovered_years


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_user(raw: str) -> User | None:
    """The active user a bearer token belongs to, with their role, in one query: every API
    call runs it, so permission checks afterwards need no query of their own."""
    rows = list(
        User.objects.filter(
            api_tokens__digest=token_digest(raw),
            api_tokens__expires_at__gt=timezone.now(),
            is_active=True,
        ).annotate(group_name=F("groups__name"))
    )
    if not rows:
        return None
    user = rows[0]
    user.role = next((row.group_name for row in rows if row.group_name in ROLES), None)
    return user


def user_for_admin(actor: User, username: str) -> User:
    """A user whose account the actor manages (admins manage every account)."""
    if not actor.has_perm(MANAGE_USERS):
        raise Forbidden()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(code="user_not_found")
    return user


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens still in force, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "-created_at", "-id"
    )


def working_calendar(name: str) -> WorkingCalendar:
    """The calendar called `name`, with its overrides, ready for deadline arithmetic."""
    row = WorkCalendar.objects.filter(name=name).first()
    if row is None:
        raise NotFound(code="calendar_not_found", detail={"calendar": name})
    return calendar_of(row)


_built_calendars: dict[tuple[object, ...], WorkingCalendar] = {}


def calendar_of(row: WorkCalendar) -> WorkingCalendar:
    """A calendar row ready for deadline arithmetic, with its overrides.

    Every step of a work order needs its calendar; the row comes with the order, and the
    overrides are read only when the row's revision says they changed.
    """
    key = (row.pk, row.revision, row.name, row.kind, row.periods, row.official_holidays)
    built = _built_calendars.get(key)
    if built is None:
        built = _build_calendar(row)
        if len(_built_calendars) > 64:  # stale revisions pile up only after many edits
            _built_calendars.clear()
        _built_calendars[key] = built
    return built


def _build_calendar(row: WorkCalendar) -> WorkingCalendar:
    tz = ZoneInfo(settings.TIME_ZONE)
    if row.kind == WorkCalendar.Kind.ALWAYS:
        return WorkingCalendar.always(name=row.name, tz=tz)
    return WorkingCalendar(
        name=row.name,
        tz=tz,
        periods=parse_periods(row.periods),
        official_holidays=row.official_holidays,
        overrides=dict(row.overrides.values_list("day", "is_working_day")),
    )


def calendar_uncovered_years(today: date | None = None) -> list[int]:
    """Years within the warning horizon that China's official calendar does not cover yet."""
    today = today or timezone.localdate()
    if not WorkCalendar.objects.filter(official_holidays=True, kind="working_hours").exists():
        return []
    horizon = today + timedelta(days=settings.KEFU_CALENDAR_HORIZON_DAYS)
    missing = uncovered_years(today, horizon)
    if not missing:
        return []
    # A year whose State Council notice an administrator entered is covered.
    entered = set(HolidayNotice.objects.filter(year__in=missing).values_list("year", flat=True))
    return [year for year in missing if year not in entered]


def region_for_code(code: str | None) -> Region | None:
    """The region a request names, or a clear 422 when there is no such region."""
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Invalid(_("Unknown region."), code="region_unknown", detail={"field": "region"})
    return region


def centre_for(actor: User, permission: str) -> OrgUnit:
    """The actor's centre, for a call that needs `permission` in it."""
    if not actor.has_perm(permission):
        raise Forbidden()
    return OrgUnit.objects.get(pk=require_centre(actor))


def require_centre(actor: User) -> int:
    """The centre whose data the actor writes; accounts outside every centre write nothing."""
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    return actor.centre_id


def notifications_of(user: User, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user)[:limit])


def notification_get_for_user(user: User, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is not there for them."""
    item = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if item is None:
        raise NotFound()
    return item


# What each kind of notification is called in the bell's filter. An app that adds a kind
# adds its name here; a kind without one is shown under its family's (ticket.*, …).
NOTIFICATION_KINDS: dict[str, Any] = {
    "ticket.assigned": _("Work order assigned"),
    "ticket.warning": _("Time-limit warning"),
    "ticket.overdue": _("Time limit passed"),
    "article.expiring": _("Article expiring"),
    "supervision.honour": _("Honours"),
    "insights.incident": _("Major incident"),
}
NOTIFICATION_FAMILIES: dict[str, Any] = {
    "ticket": _("Work order"),
    "article": _("Knowledge"),
}


def notification_kind_label(kind: str) -> str:
    label = NOTIFICATION_KINDS.get(kind) or NOTIFICATION_FAMILIES.get(kind.split(".")[0])
    return str(label or _("Other"))


@dataclass
class NotificationGroup:
    """The notifications about one thing (one work order, one article), newest first."""

    items: list[Notification]

    @property
    def latest(self) -> Notification:
        return self.items[0]

    @property
    def unread(self) -> int:
        return sum(1 for item in self.items if item.read_at is None)

    @property
    def kind_label(self) -> str:
        return notification_kind_label(self.latest.kind)


# How many notifications the bell's page reads at most: a month of a busy back office.
NOTIFICATIONS_SHOWN = 500


def notification_groups(
    user: User, *, kind: str = "", unread: bool | None = None
) -> list[NotificationGroup]:
    """The user's notifications, of one kind or read or not if asked, grouped by what they
    are about, the group with the newest first: one query."""
    rows = Notification.objects.filter(recipient=user)
    if kind:
        rows = rows.filter(kind=kind)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    groups: dict[str, NotificationGroup] = {}
    for item in rows[:NOTIFICATIONS_SHOWN]:
        about = item.link or f"#{item.pk}"
        groups.setdefault(about, NotificationGroup([])).items.append(item)
    return list(groups.values())


def notification_kinds_of(user: User) -> list[tuple[str, str]]:
    """The kinds the user has notifications of, with their names, for the filter."""
    kinds = (
        Notification.objects.filter(recipient=user)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    return sorted(((kind, notification_kind_label(kind)) for kind in kinds), key=lambda k: k[1])


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def counts_by(rows: QuerySet[Any], field: str) -> dict[Any, int]:
    """How many of a few rows (a day's, say) have each value of `field`. Counted here
    rather than grouped in SQL: a GROUP BY tempts SQLite onto an index ordered by `field`
    that walks the whole table instead of the one that finds the few rows."""
    return dict(Counter(rows.values_list(field, flat=True).order_by()))


def daily_counts(rows: QuerySet[Any], field: str, days: list[date]) -> list[int]:
    """How many rows fall on each of `days` (consecutive, in the centre's calendar) by the
    time in `field`: one query of range counts, which the index on `field` serves on
    every database, where truncating each row's time to a date would read them all."""
    zone = timezone.get_current_timezone()
    bounds = [datetime.combine(day, time.min, tzinfo=zone) for day in days]
    bounds.append(bounds[-1] + timedelta(days=1))
    counts = rows.filter(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[-1]}).aggregate(
        **{
            f"day{index}": Count(
                "pk", filter=Q(**{f"{field}__gte": start, f"{field}__lt": bounds[index + 1]})
            )
            for index, start in enumerate(bounds[:-1])
        }
    )
    return [counts[f"day{index}"] for index in range(len(days))]


def departments_of(user: User) -> QuerySet[OrgUnit]:
    """The active departments of the user's centre, for choosing where an order goes."""
    return departments_of_centre(user.centre_id).order_by("code")


def department_in_centre(centre_id: int | None, department_id: int, field: str) -> OrgUnit:
    """An active department of the centre, or 422 `department_unknown` on `field`."""
    found = departments_of_centre(centre_id).filter(pk=department_id).first()
    if found is None:
        raise Invalid(_("Unknown department."), code="department_unknown", detail={"field": field})
    return found


def departments_of_centre(centre_id: int | None) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(parent_id=centre_id, kind=OrgUnit.Kind.DEPARTMENT, active=True)


def regions() -> QuerySet[Region]:
    """Every region, for the pickers that classify a contact by where it comes from."""
    return Region.objects.order_by("code")


# Someone who signed in this recently is taken to be on duty (there is no rota yet).
ON_DUTY_SINCE = timedelta(hours=12)


def on_duty(people: QuerySet[User], now: datetime | None = None) -> list[User]:
    """Those of `people` who signed in within the last shift, or, when none did, all of
    them, so an alert never goes unheard. (No rota yet: when there is one, this reads it.)"""
    now = now or timezone.now()
    people = people.order_by("id")
    return list(people.filter(last_login__gte=now - ON_DUTY_SINCE)) or list(people)


def leaders_on_duty(
    centre_id: int, *, team_id: int | None = None, now: datetime | None = None
) -> list[User]:
    """The team leaders on duty (`on_duty`): of the agent's team when it has leaders (a
    求助), else of the centre (a wallboard breach)."""
    leaders = User.objects.filter(groups__name=LEADER, centre_id=centre_id, is_active=True)
    if team_id is not None and leaders.filter(team_id=team_id).exists():
        leaders = leaders.filter(team_id=team_id)
    return on_duty(leaders, now)


def centre_by_code(code: str | None) -> OrgUnit:
    """The centre named by its code; without one, the first centre set up (a one-centre
    installation never needs to name it)."""
    centres = OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE)
    if code:
        centre = centres.filter(code=code).first()
        if centre is None:
            raise NotFound(_("There is no centre with the code %(code)s.") % {"code": code})
        return centre
    first = centres.order_by("pk").first()
    if first is None:
        raise NotFound(
            _(
                "There is no centre yet: start one with `kefu init` (or load the demo with "
                "`kefu demo`)."
            )
        )
    return first
