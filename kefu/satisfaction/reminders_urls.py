from django.urls import path

from kefu.satisfaction.views import reminders

urlpatterns = [
    path(
        "satisfaction/reminders/",
        reminders.reminder_rules_page,
        name="satisfaction_reminder_rules",
    ),
    path(
        "satisfaction/reminders/<int:rule_id>/",
        reminders.reminder_rule_page,
        name="satisfaction_reminder_rule",
    ),
    path(
        "satisfaction/reminders/seed/",
        reminders.reminder_rules_seed_view,
        name="satisfaction_reminder_rules_seed",
    ),
]
