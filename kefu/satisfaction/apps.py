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
        post_migrate.connect(_schedule_outbox, sender=self, dispatch_uid="kefu.satisfaction.outbox")


def _schedule_outbox(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the worker sends the outbox every minute and writes the
    reminders every ten, so `make run` dispatches with no step of its own."""
    from kefu.core.tasks import schedule_ensure
    from kefu.satisfaction.tasks import OUTBOX_DISPATCH, REMINDERS_SCHEDULE

    schedule_ensure(using=using, func=OUTBOX_DISPATCH, name="kefu: outbox dispatch", minutes=1)
    schedule_ensure(
        using=using, func=REMINDERS_SCHEDULE, name="kefu: reminders schedule", minutes=10
    )
