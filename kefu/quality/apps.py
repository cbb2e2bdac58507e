from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Quality of every contact (DESIGN.md, issue 18): scorecards, sampling, scoring,
    appeals, calibration, results, and the automatic transcript checks against the
    standard phrases (`kefu.quality.checks`, pure) with `kefu qa check`."""

    name = "kefu.quality"
    label = "quality"
    verbose_name = _("Quality inspection")

    def ready(self) -> None:
        post_migrate.connect(_schedule_draw, sender=self, dispatch_uid="kefu.quality.draw")


def _schedule_draw(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the hourly draw into the inspectors' queues is scheduled."""
    from kefu.core.tasks import schedule_ensure
    from kefu.quality.tasks import SAMPLES_DRAW

    schedule_ensure(using=using, func=SAMPLES_DRAW, name="kefu: quality sample draw")
