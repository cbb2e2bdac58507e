from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "kefu.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        post_migrate.connect(_schedule_check, sender=self, dispatch_uid="kefu.web.breaches")


def _schedule_check(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """The worker looks for wallboard breaches every minute; migrate schedules it."""
    from kefu.core.tasks import schedule_ensure
    from kefu.web.tasks import BREACHES_CHECK

    schedule_ensure(using=using, func=BREACHES_CHECK, name="kefu: wallboard breaches", minutes=1)
