from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from kefu.core import (
            checks,  # noqa: F401  (registers the system checks)
            running,
        )
        from kefu.core.importers import register_kinds

        register_kinds()

        # Marks this process as running on the data directory, so `kefu restore` waits.
        try:
            running.hold(settings.DATA_DIR)
        except running.Busy as busy:
            raise ImproperlyConfigured(str(busy)) from None

        # Like Django's own permissions, the role groups follow the code after every migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="kefu.core.roles_sync")
        post_migrate.connect(_schedule_purge, sender=self, dispatch_uid="kefu.core.key_purge")
        # A page session's lifetime and idle time count from the sign-in, whichever login
        # page it was (kefu's own, the admin's).
        from django.contrib.auth.signals import user_logged_in

        from kefu.core.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="kefu.core.session_start")


def _schedule_purge(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Expired idempotency keys are forgotten every hour."""
    from kefu.core.tasks import PURGE_IDEMPOTENCY_KEYS, schedule_ensure

    schedule_ensure(
        using=using, func=PURGE_IDEMPOTENCY_KEYS, name="kefu: forget expired idempotency keys"
    )


def _sync_roles(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from kefu.core.services import roles_sync

    # post_migrate is sent per app; act once, on the last one, when every permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    for config in with_models:
        create_permissions(config, verbosity=0, using=using)
    roles_sync(using=using)
