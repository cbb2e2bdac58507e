from django.urls import path

from kefu.satisfaction import views
from kefu.satisfaction.views import appointments, notices, surveys

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
    # The public survey page a link opens: no sign-in.
    path("s/<str:token>/", surveys.public_survey_page, name="survey_public"),
    path("s/<str:token>/unsubscribe/", surveys.public_unsubscribe_view, name="survey_unsubscribe"),
    path("satisfaction/surveys/", surveys.figures_page, name="satisfaction_surveys"),
    path(
        "satisfaction/surveys/templates/",
        surveys.templates_page,
        name="satisfaction_survey_templates",
    ),
    path(
        "satisfaction/surveys/templates/new/",
        surveys.template_edit_page,
        name="satisfaction_survey_new",
    ),
    path(
        "satisfaction/surveys/templates/<int:template_id>/",
        surveys.template_edit_page,
        name="satisfaction_survey_edit",
    ),
]
