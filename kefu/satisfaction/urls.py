from django.urls import path

from kefu.satisfaction import views
from kefu.satisfaction.views import appointments, notices

urlpatterns = [
    path("satisfaction/", views.satisfaction_page, name="satisfaction"),
    path("satisfaction/notices/", notices.notices_page, name="satisfaction_notices"),
    path("satisfaction/notices/new/", notices.notice_new_page, name="satisfaction_notice_new"),
    path(
        "satisfaction/notices/<int:notice_id>/",
        notices.notice_page,
        name="satisfaction_notice",
    ),
    path(
        "satisfaction/notices/<int:notice_id>/publish/",
        notices.notice_publish_view,
        name="satisfaction_notice_publish",
    ),
    path(
        "satisfaction/notices/<int:notice_id>/withdraw/",
        notices.notice_withdraw_view,
        name="satisfaction_notice_withdraw",
    ),
    path(
        "satisfaction/appointments/",
        appointments.appointments_page,
        name="satisfaction_appointments",
    ),
    path(
        "satisfaction/appointments/new/",
        appointments.appointment_new_page,
        name="satisfaction_appointment_new",
    ),
    path(
        "satisfaction/appointments/<int:appointment_id>/",
        appointments.appointment_page,
        name="satisfaction_appointment",
    ),
]
