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
        from kefu.satisfaction.survey_tasks import schedule_draw

        post_migrate.connect(schedule_draw, sender=self, dispatch_uid="kefu.satisfaction.surveys")
        post_migrate.connect(
            _schedule_callbacks, sender=self, dispatch_uid="kefu.satisfaction.callbacks"
        )


def _schedule_callbacks(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the hourly sweep of callbacks and the dissatisfied list runs."""
    from kefu.core.tasks import schedule_ensure
    from kefu.satisfaction.callback_tasks import SWEEP

    schedule_ensure(using=using, func=SWEEP, name="kefu: callbacks and dissatisfied sweep")
