from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        post_migrate.connect(
            _schedule_retention, sender=self, dispatch_uid="kefu.customers.retention_sweep"
        )


def _schedule_retention(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Retention periods count in days; migrate makes sure the sweep runs every hour, each
    run anonymising a bounded batch, so a backlog drains without one long transaction."""
    from django_q.models import Schedule

    from kefu.customers.tasks import RETENTION_SWEEP

    Schedule.objects.using(using).get_or_create(
        func=RETENTION_SWEEP,
        defaults={
            "name": "kefu: personal data retention sweep",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )
