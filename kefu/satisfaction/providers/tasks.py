"""Background work of the SMS providers, run by the django-q2 worker."""

from __future__ import annotations

from django.conf import settings

RECEIPTS_PULL = "kefu.satisfaction.providers.tasks.receipts_pull"


def receipts_pull() -> int:
    """Pull mode, where pushes cannot reach kefu (KEFU_SMS_PULL_RECEIPTS on): the receipts
    of the configured gateway. Off, or with a gateway that has no pull, it does nothing."""
    if not settings.KEFU_SMS_PULL_RECEIPTS:
        return 0
    from kefu.satisfaction.services.receipts import receipts_pull as pull

    return pull()
