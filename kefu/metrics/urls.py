from django.urls import path

from kefu.metrics import views

urlpatterns = [
    path("reports/", views.report_page, name="reports"),
    path("reports/export", views.report_export, name="report_export"),
    path("reports/definitions/", views.definitions_page, name="report_definitions"),
    path("reports/targets/", views.targets_page, name="report_targets"),
    path("reports/targets/<str:code>/", views.target_save, name="report_target_save"),
    path("reports/rules/", views.rules_save, name="report_rules_save"),
    path("reports/subscriptions/", views.subscription_save, name="report_subscription_save"),
]
