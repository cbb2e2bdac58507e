"""The supervision pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import Tab
from kefu.core.roles import MANAGE_CHECKLISTS, RECTIFY, VIEW_SUPERVISION

TABS: list[Tab] = [
    Tab(_("Rounds"), "supervision_rounds", VIEW_SUPERVISION),
    Tab(_("Round compliance"), "supervision_compliance", VIEW_SUPERVISION),
    Tab(_("Rectifications"), "supervision_rectifications", RECTIFY),
    Tab(_("Checklists"), "supervision_checklists", MANAGE_CHECKLISTS),
    Tab(_("Indicator library"), "supervision_library", VIEW_SUPERVISION),
    Tab(_("Improvement projects"), "supervision_projects", VIEW_SUPERVISION),
]


def tabs_for(role: str | None) -> list[Tab]:
    return navigation.tabs_for(TABS, role)
