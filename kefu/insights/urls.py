from django.urls import URLPattern, path

from kefu.insights.views import reasons, repeats, spikes

urlpatterns: list[URLPattern] = [
    path("insights/spike-rules/", spikes.spike_rules_page, name="insights_spike_rules"),
    path("insights/spike-rules/<int:rule_id>/", spikes.spike_rule_page, name="insights_spike_rule"),
    path("insights/reasons/suggest/", reasons.suggest_fragment, name="insights_reason_suggest"),
    path("insights/reasons/", reasons.reasons_page, name="insights_reasons"),
    path("insights/reasons/train/", reasons.reasons_train, name="insights_reasons_train"),
    path(
        "insights/reasons/threshold/",
        reasons.reasons_threshold,
        name="insights_reasons_threshold",
    ),
    path("insights/repeats/", repeats.repeats_page, name="insights_repeats"),
    path("insights/risk/", repeats.risk_page, name="insights_risk"),
    path("insights/risk/sweep/", repeats.risk_sweep_view, name="insights_risk_sweep"),
]
