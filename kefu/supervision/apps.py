from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision (DESIGN.md, issue 20): inspection rounds against checklists kept per
    centre, their findings corrected on the spot and rectified to a re-check, the daily
    round quota and who missed it, spot checks of records and questions put to staff."""

    name = "kefu.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        post_migrate.connect(_schedule, sender=self, dispatch_uid="kefu.supervision.schedule")
        from kefu.metrics.reports import add_section
        from kefu.supervision.reporting import people_section, rounds_section

        add_section(rounds_section)
        add_section(people_section)


def _schedule(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the worker hands in exam papers whose time is up every five
    minutes, sweeps the overdue rectifications every hour, proposes each month's honours
    from the 1st and reminds the missing work reports every hour."""
    from kefu.core.tasks import schedule_ensure
    from kefu.supervision import tasks

    schedule_ensure(
        using=using,
        func=tasks.PAPERS_CLOSE,
        name="kefu: hand in exam papers whose time is up",
        minutes=5,
    )
    schedule_ensure(
        using=using, func=tasks.RECTIFICATIONS_SWEEP, name="kefu: overdue rectifications"
    )
    schedule_ensure(using=using, func=tasks.HONOURS_PROPOSE, name="kefu: honours proposed")
    schedule_ensure(
        using=using, func=tasks.REPORTS_REMIND, name="kefu: missing work reports reminded"
    )
