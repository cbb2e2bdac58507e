"""The quality pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import Tab
from kefu.core.roles import (
    DECIDE_APPEALS,
    MANAGE_SCORECARDS,
    SCORE_CONTACTS,
    VIEW_OWN_SCORES,
    VIEW_PHRASES,
    VIEW_QUALITY_RESULTS,
)

TABS: list[Tab] = [
    Tab(_("My queue"), "quality_queue", SCORE_CONTACTS),
    Tab(_("Results"), "quality_results", VIEW_QUALITY_RESULTS),
    Tab(_("Appeals to decide"), "quality_appeals", DECIDE_APPEALS),
    Tab(_("Calibration"), "quality_calibrations", SCORE_CONTACTS),
    Tab(_("Scorecards"), "quality_scorecards", MANAGE_SCORECARDS),
    Tab(_("Automatic checks"), "quality_rules", MANAGE_SCORECARDS),
    Tab(_("My scores"), "quality_mine", VIEW_OWN_SCORES),
    Tab(_("Call phrases"), "quality_phrases", VIEW_PHRASES),
]


def tabs_for(role: str | None) -> list[Tab]:
    return navigation.tabs_for(TABS, role)
