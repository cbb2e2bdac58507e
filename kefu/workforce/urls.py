from django.urls import path

from kefu.workforce import views
from kefu.workforce.views import attendance

urlpatterns = [
    path("workforce/", views.workforce_page, name="workforce"),
    path("workforce/intraday/", attendance.intraday_page, name="workforce_intraday"),
    path("workforce/attendance/", attendance.attendance_page, name="workforce_attendance"),
    path(
        "workforce/attendance/grace/",
        attendance.attendance_grace,
        name="workforce_attendance_grace",
    ),
]
