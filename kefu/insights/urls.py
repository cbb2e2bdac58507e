from django.urls import URLPattern, path

from kefu.insights.views import incidents

urlpatterns: list[URLPattern] = [
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
]
