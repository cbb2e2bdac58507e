from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from kefu.core.imports import register
        from kefu.customers.imports import CustomerImporter

        register(CustomerImporter)
        post_migrate.connect(
            _schedule_retention, sender=self, dispatch_uid="kefu.customers.retention_sweep"
        )


def _schedule_retention(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Retention periods count in days; migrate makes sure the sweep runs every hour, each
    run anonymising a bounded batch, so a backlog drains without one long transaction."""
    from kefu.core.tasks import schedule_ensure
    from kefu.customers.tasks import RETENTION_SWEEP

    schedule_ensure(using=using, func=RETENTION_SWEEP, name="kefu: personal data retention sweep")
