"""Background tasks of the supervision app, run by the django-q2 worker."""

from __future__ import annotations

RECTIFICATIONS_SWEEP = "kefu.supervision.tasks.rectifications_sweep"


def rectifications_sweep() -> int:
    """Every hour: tell the owners and inspectors of rectifications past their deadline."""
    from kefu.supervision.services.rectifications import rectifications_overdue_sweep

    return rectifications_overdue_sweep()
