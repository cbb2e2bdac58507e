"""Writes of the platform: roles, users, tokens, calendars and the audit log."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.audit_context import client_ip_var
from kefu.core.errors import Invalid, Unauthenticated
from kefu.core.models import ApiToken, AuditEntry, Notification, OrgUnit, User
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
    actor: User | None = None,
) -> User:
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
        is_staff=role == ADMIN,
        is_superuser=role == ADMIN,
    )
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


@transaction.atomic
def token_issue(*, username: str, password: str) -> str:
    """Check the credentials and hand out a new bearer token (shown once, stored hashed)."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise Unauthenticated()
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=token_digest(raw),
        expires_at=timezone.now() + timedelta(seconds=settings.KEFU_TOKEN_TTL),
    )
    # Expired tokens are dead weight; clearing them here keeps the table small.
    ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
    audit_record(actor=user, action="token.issue", obj=user)
    return raw


def notify(
    *,
    recipients: list[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    sms: bool = False,
) -> list[Notification]:
    """In-app notifications now; e-mail and SMS only once the caller's transaction commits.
    A title made of a ticket's or article's own (full-length) title is shortened to fit."""
    limit = Notification._meta.get_field("title").max_length or 0
    if len(title) > limit:
        title = title[: limit - 1] + "…"
    unique = {user.pk: user for user in recipients if user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=title, body=body, link=link)
        for user in unique.values()
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


def notifications_mark_read(*, actor: User) -> int:
    """Everything in the user's bell is read now; returns how many were unread."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
