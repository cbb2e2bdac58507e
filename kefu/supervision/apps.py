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
        post_migrate.connect(
            _schedule_papers_close, sender=self, dispatch_uid="kefu.supervision.papers"
        )


PAPERS_CLOSE = "kefu.supervision.services.exams.papers_close_overdue"


def _schedule_papers_close(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure exam papers whose time is up are handed in every few minutes."""
    from kefu.core.tasks import schedule_ensure

    schedule_ensure(
        using=using, func=PAPERS_CLOSE, name="kefu: hand in exam papers whose time is up", minutes=5
    )
