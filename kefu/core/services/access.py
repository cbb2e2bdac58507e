"""Signing in (web, admin, API) with its throttling and lock-outs, and the API's bearer
tokens."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from kefu.core.audit_context import client_ip_var
from kefu.core.errors import RateLimited, Unauthenticated
from kefu.core.models import ApiToken, User
from kefu.core.queries import token_digest
from kefu.core.services.audit import audit_record


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
