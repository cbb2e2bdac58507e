from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.web import views

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
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp_report"),
]
