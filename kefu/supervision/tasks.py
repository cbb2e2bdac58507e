"""Background tasks of supervision, run by the django-q2 worker."""

from __future__ import annotations

HONOURS_PROPOSE = "kefu.supervision.tasks.honours_propose"


def honours_propose() -> int:
    """Hourly: from the 1st of a month, each centre's honours of the month before are
    proposed (once; 003 (八) 1 每月评选)."""
    from kefu.supervision.services.honours import honours_propose_due

    return honours_propose_due()
