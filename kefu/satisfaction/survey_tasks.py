"""The survey draw as a background task, run by the django-q2 worker every 15 minutes."""

from __future__ import annotations

from typing import Any

SURVEYS_DRAW = "kefu.satisfaction.survey_tasks.surveys_draw"


def surveys_draw() -> int:
    """Every centre's surveys after contacts and closed work orders (idempotent: each
    contact or order is asked once, under its key)."""
    from kefu.satisfaction.services.surveys import surveys_draw_all

    return surveys_draw_all()


def schedule_draw(sender: Any, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the draw is scheduled (a post_migrate receiver)."""
    from kefu.core.tasks import schedule_ensure

    schedule_ensure(using=using, func=SURVEYS_DRAW, name="kefu: survey draw", minutes=15)
