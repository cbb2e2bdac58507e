"""Notifications: in the app at once, by e-mail and SMS after commit, to the person or
their AB-post backup; and marking them read."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kefu.core.models import Notification, User
from kefu.core.sms import gateway


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
