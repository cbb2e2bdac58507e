from django.urls import path

from kefu.satisfaction.views import surveys

urlpatterns = [
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
