"""How the dispatcher paces its sends, pure: the lease a claim holds, the back-off between
attempts after a temporary failure, and the out-id a provider is handed."""

from __future__ import annotations

import datetime as dt
import hashlib

#: How long a claimed batch is a dispatcher's; past it another dispatcher may take it.
LEASE = dt.timedelta(seconds=60)
#: Attempts after which a message that keeps failing temporarily is given up as failed.
MAX_ATTEMPTS = 6
#: The first retry's wait; each later one waits twice as long, up to BACKOFF_CAP.
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt, after `attempts` attempts (1, 2, …) failed:
    30 s, 1 min, 2 min, 4 min, … never more than an hour."""
    if attempts < 1:
        return dt.timedelta(0)
    seconds = BACKOFF_BASE.total_seconds() * 2 ** min(attempts - 1, 20)
    return min(dt.timedelta(seconds=seconds), BACKOFF_CAP)


def retry_at(now: dt.datetime, attempts: int, *, limit: int = MAX_ATTEMPTS) -> dt.datetime | None:
    """When to try again after a temporary failure, or None when `attempts` used the limit."""
    if attempts >= limit:
        return None
    return now + backoff(attempts)


def out_id(centre_id: int, message_id: int) -> str:
    """The idempotency key a send carries to the provider (its out-id): short, printable,
    the same for every attempt at one message and different for every message."""
    return f"kefu{centre_id}m{message_id}"


def claim_token(worker: str, now: dt.datetime) -> str:
    """A claim's token, unique per dispatcher and batch: the rows it claims carry it."""
    digest = hashlib.blake2s(f"{worker}|{now.isoformat()}".encode(), digest_size=12)
    return digest.hexdigest()
