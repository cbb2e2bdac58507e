from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    """Satisfaction and proactive service (DESIGN.md, issue 19): callbacks beyond the
    work-order loop, surveys, the dissatisfied-customer list and its repair, reminders,
    outbound lists and appointments, notices; every message to a customer goes through one
    outbox (`models.outbound`) that honours quiet hours, caps and opt-outs."""

    name = "kefu.satisfaction"
    label = "satisfaction"
    verbose_name = _("Satisfaction")

    def ready(self) -> None:
        post_migrate.connect(_schedule, sender=self, dispatch_uid="kefu.satisfaction.schedule")
        from kefu.core.imports import register
        from kefu.satisfaction.imports import CustomerDates

        register(CustomerDates)


def _schedule(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the worker sends the outbox every minute (so `make run`
    dispatches with no step of its own), writes the reminders every ten minutes, draws the
    surveys every fifteen, sweeps the callbacks and the dissatisfied list every hour, and
    pulls SMS receipts every five minutes where the provider cannot push them."""
    from kefu.core.tasks import schedule_ensure
    from kefu.satisfaction import tasks
    from kefu.satisfaction.providers.tasks import RECEIPTS_PULL

    schedule_ensure(
        using=using, func=tasks.OUTBOX_DISPATCH, name="kefu: outbox dispatch", minutes=1
    )
    schedule_ensure(
        using=using, func=tasks.REMINDERS_SCHEDULE, name="kefu: reminders schedule", minutes=10
    )
    schedule_ensure(using=using, func=tasks.SURVEYS_DRAW, name="kefu: survey draw", minutes=15)
    schedule_ensure(
        using=using, func=tasks.CALLBACKS_SWEEP, name="kefu: callbacks and dissatisfied sweep"
    )
    # Pull mode (KEFU_SMS_PULL_RECEIPTS, the task does nothing while it is off).
    schedule_ensure(using=using, func=RECEIPTS_PULL, name="kefu: SMS receipts pulled", minutes=5)
