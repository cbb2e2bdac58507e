"""The satisfaction pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import Tab
from kefu.core.roles import MANAGE_OUTREACH, VIEW_SATISFACTION

TABS: list[Tab] = [
    Tab(_("Survey results"), "satisfaction_surveys", VIEW_SATISFACTION),
    Tab(_("Surveys"), "satisfaction_survey_templates", MANAGE_OUTREACH),
]


def tabs_for(role: str | None) -> list[Tab]:
    return navigation.tabs_for(TABS, role)
