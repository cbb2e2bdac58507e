"""Background tasks of the platform, run by the django-q2 worker."""

from __future__ import annotations

from kefu.core.idempotency import idempotency_keys_purge

PURGE_IDEMPOTENCY_KEYS = "kefu.core.tasks.purge_idempotency_keys"


def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()
