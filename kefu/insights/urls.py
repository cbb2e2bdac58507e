from django.urls import URLPattern, path

from kefu.insights.views import feedback, incidents, reasons, repeats, spikes, topics

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
    path("insights/topics/", topics.topics_page, name="insights_topics"),
    path("insights/repeats/", repeats.repeats_page, name="insights_repeats"),
    path("insights/risk/", repeats.risk_page, name="insights_risk"),
    path("insights/risk/sweep/", repeats.risk_sweep_view, name="insights_risk_sweep"),
    path("insights/incidents/", incidents.incidents_page, name="insights_incidents"),
    path("insights/incidents/new/", incidents.incident_new_page, name="insights_incident_new"),
    path(
        "insights/incidents/workbench/",
        incidents.workbench_panel,
        name="insights_incidents_workbench",
    ),
    path(
        "insights/incidents/<int:incident_id>/", incidents.incident_page, name="insights_incident"
    ),
    path(
        "insights/incidents/<int:incident_id>/change/",
        incidents.incident_change_view,
        name="insights_incident_change",
    ),
    path(
        "insights/incidents/<int:incident_id>/attach/",
        incidents.incident_attach_view,
        name="insights_incident_attach",
    ),
    path(
        "insights/incidents/<int:incident_id>/orders/",
        incidents.incident_order_view,
        name="insights_incident_order",
    ),
    path(
        "insights/incidents/<int:incident_id>/dispatch/",
        incidents.incident_dispatch_view,
        name="insights_incident_dispatch",
    ),
    path(
        "insights/incidents/<int:incident_id>/report/",
        incidents.incident_report_view,
        name="insights_incident_report",
    ),
    path(
        "insights/incidents/<int:incident_id>/close/",
        incidents.incident_close_view,
        name="insights_incident_close",
    ),
    path(
        "insights/incidents/<int:incident_id>/dismiss/",
        incidents.incident_dismiss_view,
        name="insights_incident_dismiss",
    ),
    path("insights/feedback/", feedback.feedback_page, name="insights_feedback"),
    path(
        "insights/feedback/subscribe/",
        feedback.subscription_create_view,
        name="insights_feedback_subscribe",
    ),
    path(
        "insights/feedback/subscriptions/<int:subscription_id>/",
        feedback.subscription_page,
        name="insights_feedback_subscription",
    ),
]
