"""Background tasks of the satisfaction app, run by the django-q2 worker. On a single
machine (`make run`) the worker sends the outbox every minute; larger set-ups run
`kefu outbox run` on worker machines as well (any number at once)."""

from __future__ import annotations

OUTBOX_DISPATCH = "kefu.satisfaction.tasks.outbox_dispatch"
REMINDERS_SCHEDULE = "kefu.satisfaction.tasks.reminders_schedule"


def outbox_dispatch() -> int:
    """Every minute: send what is due for up to 50 seconds (the schedule's next run then
    takes over, so one worker never holds the queue past the task timeout)."""
    from kefu.satisfaction.services.dispatch import dispatch_due

    outcome = dispatch_due(seconds=50)
    return outcome.sent + outcome.settled


def reminders_schedule() -> int:
    """Every ten minutes: write the reminders that fall due today and tomorrow."""
    from kefu.satisfaction.services.reminders import reminders_schedule_all

    return reminders_schedule_all()


CALLBACKS_SWEEP = "kefu.satisfaction.tasks.callbacks_sweep"
SURVEYS_DRAW = "kefu.satisfaction.tasks.surveys_draw"


def callbacks_sweep() -> dict[str, int]:
    """Every hour: the callbacks due from the rules, and the dissatisfied list's entries
    found in the work orders. Both are safe to run on several workers at once and again:
    each task and each reason is written once per source."""
    from kefu.satisfaction.services.callbacks import callbacks_sweep
    from kefu.satisfaction.services.dissatisfied import dissatisfied_sweep

    return {"callbacks": callbacks_sweep(), "dissatisfied": dissatisfied_sweep()}


def surveys_draw() -> int:
    """Every 15 minutes: every centre's surveys after contacts and closed work orders
    (each contact or order asked once, under its key)."""
    from kefu.satisfaction.services.surveys import surveys_draw_all

    return surveys_draw_all()
