from django.urls import path

from kefu.workforce import views
from kefu.workforce.views import attendance, rota

urlpatterns = [
    path("workforce/", views.workforce_page, name="workforce"),
    path("workforce/plan/", rota.plan_page, name="workforce_plan"),
    path("workforce/rota/", rota.rota_page, name="workforce_rota"),
    path("workforce/rota/generate/", rota.rota_generate_view, name="workforce_rota_generate"),
    path(
        "workforce/rota/<int:rota_id>/publish/",
        rota.rota_publish_view,
        name="workforce_rota_publish",
    ),
    path("workforce/my-rota/", rota.my_rota_page, name="workforce_my_rota"),
    path("workforce/intraday/", attendance.intraday_page, name="workforce_intraday"),
    path("workforce/attendance/", attendance.attendance_page, name="workforce_attendance"),
    path(
        "workforce/attendance/grace/",
        attendance.attendance_grace,
        name="workforce_attendance_grace",
    ),
]
