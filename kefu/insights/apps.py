from django.apps import AppConfig
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
