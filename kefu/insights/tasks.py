"""Background tasks of the insights app, run by the django-q2 worker."""

from __future__ import annotations

SPIKES_DETECT = "kefu.insights.tasks.spikes_detect"
REASON_MODELS_RETRAIN = "kefu.insights.tasks.reason_models_retrain"
RISK_SWEEP = "kefu.insights.tasks.risk_sweep"
FEEDBACK_SEND = "kefu.insights.tasks.feedback_send"


def spikes_detect() -> int:
    """Every minute: open the major incidents of the fault spikes (issue 21 point 1)."""
    from kefu.insights.services.detection import spikes_detect as detect

    return detect()


def reason_models_retrain() -> int:
    """Every night: each centre's call-reason model is trained again on its contacts."""
    from kefu.insights.services.reasons import reason_models_retrain as retrain

    return retrain()


def risk_sweep() -> int:
    """Every five minutes: score the escalation risk of every open order."""
    from kefu.insights.services.risk import risk_sweep as sweep

    return sweep()


def feedback_send() -> dict[str, int]:
    """Every hour: e-mail each department's feedback report due (issue 21 point 3)."""
    from kefu.insights.services.feedback import feedback_send_due

    return {"sent": feedback_send_due().sent}
