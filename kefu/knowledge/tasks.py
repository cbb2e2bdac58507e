"""Background tasks of the knowledge base, run by the django-q2 worker."""

from __future__ import annotations

from kefu.knowledge.services import article_expiry_sweep

EXPIRY_SWEEP = "kefu.knowledge.tasks.expiry_sweep"


def expiry_sweep() -> dict[str, int]:
    result = article_expiry_sweep()
    return {"expired": result.expired, "warned": result.warned}
