from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from kefu.core.imports import register
        from kefu.tickets.imports import DispatchRules, Policies

        register(Policies)
        register(DispatchRules)
        post_migrate.connect(_schedule_sweep, sender=self, dispatch_uid="kefu.tickets.sweep")
        pre_migrate.connect(_search_before, sender=self, dispatch_uid="kefu.tickets.search")
        post_migrate.connect(_search, sender=self, dispatch_uid="kefu.tickets.search")


def _schedule_sweep(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """The worker sweeps time limits every minute; migrate makes sure it is scheduled."""
    from kefu.core.tasks import schedule_ensure
    from kefu.tickets.tasks import SWEEP

    schedule_ensure(using=using, func=SWEEP, name="kefu: time-limit sweep", minutes=1)


def _search_before(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """SQLite's search triggers are dropped while migrations run (they are made again
    after, by `_search`)."""
    from kefu.tickets.search import triggers_drop_before_migrate

    triggers_drop_before_migrate(using)


def _search(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """The triggers of the work-order search (kefu/tickets/search.py), made where missing,
    and the worker indexing changed orders every minute."""
    from kefu.core.tasks import schedule_ensure
    from kefu.tickets.search import triggers_ensure
    from kefu.tickets.tasks import SEARCH_CATCH_UP

    triggers_ensure(using)
    schedule_ensure(
        using=using, func=SEARCH_CATCH_UP, name="kefu: work-order search index", minutes=1
    )
