from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "kefu.metrics"
    label = "metrics"
    verbose_name = _("Indicators and reports")

    def ready(self) -> None:
        post_migrate.connect(_schedule_reports, sender=self, dispatch_uid="kefu.metrics.reports")


def _schedule_reports(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Reports are e-mailed in the morning for the day, week or month just ended; the task
    runs hourly and sends what is due and not sent yet, so a worker that was down catches up.
    The running periods' reports are kept warm for the pages."""
    from kefu.core.tasks import schedule_ensure
    from kefu.metrics.tasks import REPORTS_SEND, REPORTS_WARM

    schedule_ensure(using=using, func=REPORTS_SEND, name="kefu: scheduled reports")
    # The running day's, week's and month's reports, rebuilt for the pages a little more
    # often than they are kept (reports.KEPT_RUNNING_SECONDS).
    schedule_ensure(using=using, func=REPORTS_WARM, name="kefu: reports kept warm", minutes=8)
