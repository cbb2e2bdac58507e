"""Background tasks of quality inspection, run by the django-q2 worker."""

from __future__ import annotations

SAMPLES_DRAW = "kefu.quality.tasks.samples_draw"


def samples_draw() -> int:
    """Hourly: each centre's draw (what each agent is owed today does not change within
    the day, so later runs add only the contacts always listened to as they come in)."""
    from kefu.quality.services.sampling import samples_draw_all

    return samples_draw_all()
