"""The satisfaction pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import Tab
from kefu.core.roles import (
    ADD_CONTACT,
    MANAGE_OUTREACH,
    VIEW_ARTICLE,
    VIEW_SATISFACTION,
    WORK_CALLBACKS,
)

TABS: list[Tab] = [
    Tab(_("My callbacks"), "satisfaction_my_callbacks", WORK_CALLBACKS),
    Tab(_("Dissatisfied customers"), "satisfaction_dissatisfied", VIEW_SATISFACTION),
    Tab(_("Callback results"), "satisfaction_callback_results", VIEW_SATISFACTION),
    Tab(_("Survey results"), "satisfaction_surveys", VIEW_SATISFACTION),
    Tab(_("Monthly questionnaires"), "satisfaction_questionnaires", VIEW_SATISFACTION),
    # Everyone at the centre reads the notices, as they read the knowledge base.
    Tab(_("Notices to customers"), "satisfaction_notices", VIEW_ARTICLE),
    Tab(_("Appointments"), "satisfaction_appointments", ADD_CONTACT),
    Tab(_("Callback rules"), "satisfaction_callback_rules", VIEW_SATISFACTION),
    Tab(_("Outbound lists"), "satisfaction_call_lists", VIEW_SATISFACTION),
    Tab(_("Surveys"), "satisfaction_survey_templates", MANAGE_OUTREACH),
    Tab(_("Reminder plans"), "satisfaction_reminder_rules", MANAGE_OUTREACH),
]


def tabs_for(role: str | None) -> list[Tab]:
    return navigation.tabs_for(TABS, role)
