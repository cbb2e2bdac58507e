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
