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
