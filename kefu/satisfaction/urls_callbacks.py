from django.urls import path

from kefu.satisfaction import views
from kefu.satisfaction.views import callbacks, dissatisfied

urlpatterns = [
    path("satisfaction/", views.satisfaction_page, name="satisfaction"),
    path(
        "satisfaction/callbacks/mine/",
        callbacks.my_callbacks_page,
        name="satisfaction_my_callbacks",
    ),
    path(
        "satisfaction/callbacks/<int:task_id>/",
        callbacks.my_callbacks_page,
        name="satisfaction_callback",
    ),
    path(
        "satisfaction/callbacks/<int:task_id>/attempt/",
        callbacks.attempt_view,
        name="satisfaction_callback_attempt",
    ),
    path(
        "satisfaction/callbacks/results/",
        callbacks.results_page,
        name="satisfaction_callback_results",
    ),
    path(
        "satisfaction/callbacks/rules/",
        callbacks.rules_page,
        name="satisfaction_callback_rules",
    ),
    path(
        "satisfaction/dissatisfied/",
        dissatisfied.dissatisfied_page,
        name="satisfaction_dissatisfied",
    ),
    path(
        "satisfaction/dissatisfied/<int:entry_id>/",
        dissatisfied.entry_page,
        name="satisfaction_dissatisfied_entry",
    ),
    path(
        "satisfaction/dissatisfied/<int:entry_id>/plan/",
        dissatisfied.plan_view,
        name="satisfaction_dissatisfied_plan",
    ),
    path(
        "satisfaction/dissatisfied/<int:entry_id>/steps/<int:step_id>/done/",
        dissatisfied.step_done_view,
        name="satisfaction_dissatisfied_step_done",
    ),
    path(
        "satisfaction/dissatisfied/<int:entry_id>/contacts/",
        dissatisfied.contact_view,
        name="satisfaction_dissatisfied_contact",
    ),
    path(
        "satisfaction/dissatisfied/<int:entry_id>/check/",
        dissatisfied.check_view,
        name="satisfaction_dissatisfied_check",
    ),
    path(
        "satisfaction/dissatisfied/<int:entry_id>/close/",
        dissatisfied.close_view,
        name="satisfaction_dissatisfied_close",
    ),
]
