"""Background tasks of the insights app, run by the django-q2 worker."""

from __future__ import annotations

RISK_SWEEP = "kefu.insights.tasks.risk_sweep"


def risk_sweep() -> int:
    """Every five minutes: score the escalation risk of every open order."""
    from kefu.insights.services.risk import risk_sweep as sweep

    return sweep()
