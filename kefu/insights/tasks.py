"""Background tasks of the insights app, run by the django-q2 worker."""

from __future__ import annotations

SPIKES_DETECT = "kefu.insights.tasks.spikes_detect"


def spikes_detect() -> int:
    """Every minute: open the major incidents of the fault spikes (issue 21 point 1)."""
    from kefu.insights.services.detection import spikes_detect as detect

    return detect()
