"""Background tasks of the insights app, run by the django-q2 worker."""

from __future__ import annotations

REASON_MODELS_RETRAIN = "kefu.insights.tasks.reason_models_retrain"


def reason_models_retrain() -> int:
    """Every night: each centre's call-reason model is trained again on its contacts."""
    from kefu.insights.services.reasons import reason_models_retrain as retrain

    return retrain()
