from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from kefu.core.imports import register
        from kefu.knowledge.importer import KnowledgeArticles

        register(KnowledgeArticles)
        post_migrate.connect(
            _schedule_expiry, sender=self, dispatch_uid="kefu.knowledge.expiry_sweep"
        )
        post_migrate.connect(_empty_index, sender=self, dispatch_uid="kefu.knowledge.empty_index")


def _schedule_expiry(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Articles expire by the day; migrate makes sure the hourly sweep is scheduled, so an
    article is off the agents' screens within the hour of its expiry date passing."""
    from kefu.core.tasks import schedule_ensure
    from kefu.knowledge.tasks import EXPIRY_SWEEP

    schedule_ensure(using=using, func=EXPIRY_SWEEP, name="kefu: knowledge expiry sweep")


def _empty_index(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """After a flush the articles are gone but the engine's own table is not a model and
    keeps its rows; with no article left, no indexed text may stay either."""
    from kefu.knowledge import engines
    from kefu.knowledge.models import Article

    if not Article.objects.using(using).exists():
        engines.clear()
