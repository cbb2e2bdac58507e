"""Writes of the platform: roles, users, tokens, calendars and the audit log."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kefu.core.audit_context import client_ip_var
from kefu.core.errors import Invalid, RateLimited, Unauthenticated
from kefu.core.models import (
    ApiToken,
    AuditEntry,
    CalendarOverride,
    HolidayNotice,
    Notification,
    OrgUnit,
    Region,
    User,
    WorkCalendar,
)
from kefu.core.queries import token_digest
from kefu.core.roles import ADMIN, ROLES
from kefu.core.sms import gateway
from kefu.core.validation import check_lengths


def roles_sync(*, using: str = "default") -> None:
    """Make each role's group hold exactly the permissions of `kefu.core.roles.ROLES`."""
    wanted = {perm for role in ROLES.values() for perm in role.permissions}
    by_name = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.using(using).select_related("content_type")
    }
    missing = wanted - by_name.keys()
    if missing:
        raise RuntimeError(f"permissions missing from the database: {sorted(missing)}")
    with transaction.atomic(using=using):
        for role in ROLES.values():
            group, _created = Group.objects.using(using).get_or_create(name=role.code)
            group.permissions.set([by_name[name] for name in sorted(role.permissions)])


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe picture of some fields, for the before/after of an audit row."""
    picture: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        picture[name] = value
    return picture


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
        ip=client_ip_var.get(),
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    centre: OrgUnit | None = None,
    team: OrgUnit | None = None,
    department: OrgUnit | None = None,
    employee_number: str = "",
    phone: str = "",
    is_active: bool = True,
    password_hash: str = "",
    actor: User | None = None,
) -> User:
    """A user with one role. `password_hash`, when given, is stored instead of hashing
    `password` (an import's generated first passwords, `first_password_hash`)."""
    if role not in ROLES:
        raise Invalid(_("Unknown role."), code="role_unknown", detail={"role": role})
    if User.objects.filter(username=username).exists():
        raise Invalid(_("This username is taken."), code="username_taken")
    user = User(
        username=username,
        full_name=full_name,
        centre=centre,
        team=team,
        department=department,
        employee_number=employee_number,
        phone=phone,
        is_active=is_active,
        is_staff=role == ADMIN,
        is_superuser=role == ADMIN,
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    check_lengths(user)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after={"username": username, "role": role, "centre": centre.pk if centre else None},
    )
    return user


# A generated first password is 14 characters drawn from 54 (80 bits): no guessing finds
# it, however cheap its hash, so it is hashed with few rounds, and Django hashes it again
# with the full rounds at the first sign-in (the hasher's `must_update`). A thousand new
# users are then created in seconds, not the quarter of an hour a full hash each takes.
FIRST_PASSWORD_ITERATIONS = 1000


def first_password_hash(password: str) -> str:
    """The stored form of a generated (random, 80-bit) first password."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=FIRST_PASSWORD_ITERATIONS)
    return make_password(password)


USER_FIELDS = ["full_name", "employee_number", "phone", "team", "department", "is_active"]


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    full_name: str,
    employee_number: str,
    phone: str,
    role: str,
    team: OrgUnit | None,
    department: OrgUnit | None,
    is_active: bool,
) -> dict[str, tuple[Any, Any]]:
    """Change a user's name, numbers, role, team, department and whether they may sign in;
    never their password. What changed, as {field: (before, after)} ("role" for the role)."""
    if role not in ROLES:
        raise Invalid(_("Unknown role."), code="role_unknown", detail={"role": role})
    wanted = {
        "full_name": full_name,
        "employee_number": employee_number,
        "phone": phone,
        "team": team,
        "department": department,
        "is_active": is_active,
    }
    changes: dict[str, tuple[Any, Any]] = {
        name: (getattr(user, name), value)
        for name, value in wanted.items()
        if getattr(user, name) != value
    }
    before = snapshot(user, USER_FIELDS)
    old_role = user.role
    if old_role != role:
        changes["role"] = (old_role, role)
    if not changes:
        return changes
    for name, value in wanted.items():
        setattr(user, name, value)
    user.is_staff = user.is_superuser = role == ADMIN
    check_lengths(user)
    user.save(update_fields=[*USER_FIELDS, "is_staff", "is_superuser"])
    if old_role != role:
        user.groups.remove(*Group.objects.filter(name__in=list(ROLES)))
        user.groups.add(Group.objects.get(name=role))
        user.role = role
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        before={**before, "role": old_role},
        after={**snapshot(user, USER_FIELDS), "role": role},
    )
    return changes


ORG_UNIT_FIELDS = ["name", "parent", "expert_seat", "active"]


@transaction.atomic
def org_unit_create(
    *,
    actor: User | None,
    centre: OrgUnit,
    kind: str,
    code: str,
    name: str,
    expert_seat: bool = False,
    active: bool = True,
) -> OrgUnit:
    """A team or a department of `centre` (teams and departments sit directly under it)."""
    if kind not in (OrgUnit.Kind.TEAM, OrgUnit.Kind.DEPARTMENT):
        raise Invalid(_("Only teams and departments can be added to a centre."), code="kind")
    if OrgUnit.objects.filter(code=code).exists():
        raise Invalid(_("This code is taken."), code="code_taken", detail={"code": code})
    unit = OrgUnit(
        kind=kind,
        code=code,
        name=name,
        parent=centre,
        expert_seat=expert_seat and kind == OrgUnit.Kind.DEPARTMENT,
        active=active,
    )
    check_lengths(unit)
    unit.save()
    audit_record(
        actor=actor, action="org_unit.create", obj=unit, after=snapshot(unit, ORG_UNIT_FIELDS)
    )
    return unit


@transaction.atomic
def org_unit_update(
    *, actor: User | None, unit: OrgUnit, name: str, expert_seat: bool, active: bool
) -> dict[str, tuple[Any, Any]]:
    """Rename a team or department, make a department an expert seat or not, retire or
    revive it; what changed, as {field: (before, after)}."""
    expert_seat = expert_seat and unit.kind == OrgUnit.Kind.DEPARTMENT
    wanted = {"name": name, "expert_seat": expert_seat, "active": active}
    changes = {
        field: (getattr(unit, field), value)
        for field, value in wanted.items()
        if getattr(unit, field) != value
    }
    if changes:
        before = snapshot(unit, ORG_UNIT_FIELDS)
        for field, value in wanted.items():
            setattr(unit, field, value)
        check_lengths(unit)
        unit.save(update_fields=list(wanted))
        audit_record(
            actor=actor,
            action="org_unit.update",
            obj=unit,
            before=before,
            after=snapshot(unit, ORG_UNIT_FIELDS),
        )
    return changes


@transaction.atomic
def region_save(
    *, actor: User | None, code: str, name: str, parent: Region | None
) -> tuple[Region, dict[str, tuple[Any, Any]]]:
    """Add the region with this GB/T 2260 code, or rename it or move it under another
    parent; the region and what changed ({} for a new one or one left as it was)."""
    region = Region.objects.select_for_update().filter(code=code).first()
    if region is None:
        region = Region(code=code, name=name, parent=parent)
        check_lengths(region)
        region.save()
        audit_record(actor=actor, action="region.create", obj=region, after={"code": code})
        return region, {}
    changes: dict[str, tuple[Any, Any]] = {}
    if region.name != name:
        changes["name"] = (region.name, name)
    if region.parent_id != (parent.pk if parent else None):
        changes["parent"] = (region.parent, parent)
    if changes:
        before = snapshot(region, ["name", "parent"])
        region.name, region.parent = name, parent
        check_lengths(region)
        region.save(update_fields=["name", "parent"])
        audit_record(
            actor=actor,
            action="region.update",
            obj=region,
            before=before,
            after=snapshot(region, ["name", "parent"]),
        )
    return region, changes


def token_issue(*, username: str, password: str) -> str:
    """Check the credentials and hand out a new bearer token (shown once, stored hashed).

    The sign-in runs outside the token's transaction: its failure counts and audit rows
    must stay when the credentials are refused."""
    user = signin(username=username, password=password, channel="api")
    if user is None:
        raise Unauthenticated()
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            user=user,
            digest=token_digest(raw),
            expires_at=timezone.now() + timedelta(seconds=settings.KEFU_TOKEN_TTL),
        )
        # Expired tokens are dead weight; clearing them here keeps the table small.
        ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
        audit_record(actor=user, action="token.issue", obj=user)
    return raw


def tokens_revoke(
    *, user: User, actor: User | None = None, reason: str, token_id: int | None = None
) -> int:
    """End the user's API tokens (or the one `token_id`); returns how many there were."""
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    ids = sorted(tokens.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        ApiToken.objects.filter(pk__in=ids).delete()
        audit_record(
            actor=actor,
            action="token.revoke",
            obj=user,
            after={"tokens": ids, "reason": reason},
        )
    return len(ids)


def token_revoke_own(*, actor: User, digest: str) -> None:
    """The caller signs out of the API: the token the request carried ends now."""
    token = ApiToken.objects.filter(user=actor, digest=digest).values_list("pk", flat=True)
    for token_id in token:
        tokens_revoke(user=actor, actor=actor, reason="signed_out", token_id=token_id)


@transaction.atomic
def user_password_change(*, actor: User, password: str) -> None:
    """The user sets a new password of their own (checked against the password policy by
    the form); their API tokens end with the old one (`User.save`)."""
    actor.set_password(password)
    actor.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_change", obj=actor)


# Sign-in throttling. Failures are counted in the shared cache per user name and per
# client address; reaching a limit locks that name or address for the lock-out time, and a
# locked sign-in is refused before its password is hashed. Not one transaction on purpose:
# a failure counts, and is audited, although the sign-in itself is refused.


def _signin_keys(username: str) -> list[tuple[str, str, int]]:
    name = hashlib.sha256(username.casefold().encode()).hexdigest()
    keys = [("user", f"kefu:signin:user:{name}", settings.KEFU_SIGNIN_USER_FAILURES)]
    address = client_ip_var.get()
    if address:
        digest = hashlib.sha256(address.encode()).hexdigest()
        keys.append(
            ("address", f"kefu:signin:address:{digest}", settings.KEFU_SIGNIN_ADDRESS_FAILURES)
        )
    return keys


def _signin_locked(until: float) -> RateLimited:
    seconds = max(1, math.ceil(until - time.time()))
    at = timezone.localtime(datetime.fromtimestamp(until, tz=UTC))
    minutes = math.ceil(seconds / 60)
    message = ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute, after %(time)s.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes, after %(time)s.",
        minutes,
    ) % {"minutes": minutes, "time": at.strftime("%H:%M")}
    return RateLimited(message, code="signin_locked", detail={"retry_after": seconds})


def _count_failure(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def signin_unlock(*, actor: User, user: User) -> bool:
    """An admin lifts the lock on a user name (someone guessed at it, or the person
    mistyped too often); returns whether it was locked. Address locks run out alone."""
    key = _signin_keys(user.username)[0][1]
    locked = cache.get(f"{key}:locked") is not None
    cache.delete_many([key, f"{key}:locked"])
    audit_record(actor=actor, action="signin.unlock", obj=user, after={"was_locked": locked})
    return locked


def signin(
    *, username: str, password: str, channel: str, request: HttpRequest | None = None
) -> User | None:
    """Check a user name and password as every sign-in does (web, admin, API).

    Returns the user, or None for wrong credentials (and inactive accounts); raises
    RateLimited when the name or the client's address is locked, or becomes locked by
    this failure. Failures and lock-outs are audited."""
    keys = _signin_keys(username)
    locks = cache.get_many([f"{key}:locked" for _kind, key, _limit in keys])
    if locks:
        raise _signin_locked(max(locks.values()))
    user = authenticate(request, username=username, password=password)
    if user is not None and user.is_active:
        cache.delete(keys[0][1])  # the person got their password right: start afresh
        audit_record(actor=user, action="signin", obj=user, after={"channel": channel})
        return user
    window = settings.KEFU_SIGNIN_LOCKOUT_SECONDS
    audit_record(
        actor=None,
        action="signin.failed",
        object_type="core.user",
        object_repr=username,
        after={"channel": channel},
    )
    until = 0.0
    for kind, key, limit in keys:
        if _count_failure(key, window) >= limit:
            until = time.time() + window
            cache.set(f"{key}:locked", until, timeout=window)
            cache.delete(key)
            audit_record(
                actor=None,
                action="signin.locked",
                object_type="core.user",
                object_repr=username,
                after={
                    "channel": channel,
                    "by": kind,
                    "until": datetime.fromtimestamp(until, tz=UTC).isoformat(),
                },
            )
    if until:
        raise _signin_locked(until)
    return None


def stand_ins(people: list[User]) -> list[User]:
    """Each person, or their AB-post backup while they are away (002 第10篇); read from
    the database, as the caller's copies may be older than the absence."""
    away = dict(
        User.objects.filter(
            pk__in=[user.pk for user in people],
            away_until__gt=timezone.now(),
            backup__isnull=False,
        ).values_list("pk", "backup_id")
    )
    if not away:
        return people
    backups = User.objects.in_bulk(set(away.values()))
    return [backups.get(away[user.pk], user) if user.pk in away else user for user in people]


def notify(
    *,
    recipients: list[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    sms: bool = False,
    key: str = "",
) -> list[Notification]:
    """In-app notifications now; e-mail and SMS only once the caller's transaction commits.
    A title made of a ticket's or article's own (full-length) title is shortened to fit.

    `key` names the event told of: whoever was told of it already is not told again (a
    unique constraint holds this against concurrent sweepers too), by mail and SMS neither.
    """
    limit = Notification._meta.get_field("title").max_length or 0
    if len(title) > limit:
        title = title[: limit - 1] + "…"
    unique = {user.pk: user for user in stand_ins(recipients) if user.is_active}
    if key:
        told = Notification.objects.filter(key=key, recipient_id__in=list(unique))
        for pk in told.values_list("recipient_id", flat=True):
            unique.pop(pk, None)
    rows = Notification.objects.bulk_create(
        (
            Notification(recipient=user, kind=kind, title=title, body=body, link=link, key=key)
            for user in unique.values()
        ),
        ignore_conflicts=bool(key),
    )
    addresses = [user.email for user in unique.values() if user.email]
    numbers = [user.phone for user in unique.values() if sms and user.phone]

    def send() -> None:
        if addresses:
            send_mail(title, f"{body}\n{link}".strip(), None, addresses, fail_silently=True)
        sms_gateway = gateway() if numbers else None
        for number in numbers:
            sms_gateway.send(number, title)  # type: ignore[union-attr]

    transaction.on_commit(send)
    return rows


def notifications_mark_read(
    *, actor: User, kind: str = "", link: str = "", ids: list[int] | None = None
) -> int:
    """The user's unread notifications are read now: all of them, or those of one kind,
    about one thing (`link`), or the ones named; returns how many were unread."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    if link:
        unread = unread.filter(link=link)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


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
def centre_create(*, actor: User | None, name: str, code: str, calendar: WorkCalendar) -> OrgUnit:
    """A new centre: the root of an organisation tree, counting on `calendar`."""
    name = name.strip()
    if not name:
        raise Invalid(_("Give the centre a name."), code="field_required", detail={"field": "name"})
    centre = OrgUnit(kind=OrgUnit.Kind.CENTRE, code=code, name=name, calendar=calendar)
    check_lengths(centre)
    try:
        centre.full_clean(exclude=["parent"])
    except ValidationError as error:
        field = next(iter(error.message_dict), "code")
        raise Invalid(
            " ".join(error.message_dict[field]), code="centre_invalid", detail={"field": field}
        ) from error
    centre.save()
    audit_record(
        actor=actor,
        action="centre.create",
        obj=centre,
        after={"name": name, "code": code, "calendar": calendar.name},
    )
    return centre
