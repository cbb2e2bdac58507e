from django.urls import URLPattern, path

from kefu.insights.views import spikes

urlpatterns: list[URLPattern] = [
    path("insights/spike-rules/", spikes.spike_rules_page, name="insights_spike_rules"),
    path("insights/spike-rules/<int:rule_id>/", spikes.spike_rule_page, name="insights_spike_rule"),
]
