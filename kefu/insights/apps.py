from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Insights (DESIGN.md, issue 21): what the centre's contacts say as a whole. Major
    incidents opened from fault spikes and closed once for every caller, call-reason
    suggestions from a model trained on the centre's own classified contacts, hot topics
    and the information fed back to departments, repeats, duplicates and the escalation
    risk of open orders (seeds 000 第8篇, 003, 004)."""

    name = "kefu.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from kefu.contacts.models import Contact
        from kefu.insights.receivers import contact_saved

        post_save.connect(contact_saved, sender=Contact, dispatch_uid="kefu.insights.reasons")
        post_migrate.connect(_schedule, sender=self, dispatch_uid="kefu.insights.schedule")


def _schedule(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Migrate makes sure the worker runs the spike detection every minute, scores the open
    orders' escalation risk every five minutes, and retrains the call-reason models every
    night at 02:30, when the centre is quiet (the day's contacts are classified by then)."""
    import datetime as dt

    from kefu.core.tasks import schedule_ensure
    from kefu.insights import tasks

    schedule_ensure(
        using=using, func=tasks.SPIKES_DETECT, name="kefu: fault spike detection", minutes=1
    )
    schedule_ensure(
        using=using, func=tasks.RISK_SWEEP, name="kefu: escalation risk of open orders", minutes=5
    )
    schedule_ensure(
        using=using,
        func=tasks.REASON_MODELS_RETRAIN,
        name="kefu: call-reason models retrained",
        daily_at=dt.time(2, 30),
    )
    # The departments' feedback reports due: hourly, as the metrics app's reports.
    schedule_ensure(
        using=using, func=tasks.FEEDBACK_SEND, name="kefu: departments' feedback reports"
    )
