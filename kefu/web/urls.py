from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.web import imports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SigninView.as_view(), name="login"),
    path("password/", views.password_change, name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge", views.notification_badge, name="notification_badge"),
    path("notifications/read", views.notifications_read, name="notifications_read"),
    path(
        "notifications/<int:notification_id>/open",
        views.notification_open,
        name="notification_open",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("wallboard/", views.wallboard, name="wallboard"),
    path("wallboard/live", views.wallboard_live, name="wallboard_live"),
    path("wallboard/thresholds/", views.wallboard_thresholds, name="wallboard_thresholds"),
    path("imports/", imports.imports, name="imports"),
    path("imports/upload", imports.imports_upload, name="imports_upload"),
    path("imports/<slug:kind>/template", imports.import_template, name="import_template"),
    path("imports/<slug:kind>/export", imports.import_export, name="import_export"),
    path("imports/runs/<int:run_id>/", imports.import_run, name="import_run"),
    path(
        "imports/runs/<int:run_id>/progress",
        imports.import_run_progress,
        name="import_run_progress",
    ),
    path(
        "imports/runs/<int:run_id>/passwords",
        imports.import_run_passwords,
        name="import_run_passwords",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp_report"),
]
