"""The insights pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.navigation import Tab
from kefu.core.roles import VIEW_REPORTS

TABS: list[Tab] = [
    Tab(_("Repeat contacts"), "insights_repeats", VIEW_REPORTS),
    Tab(_("Escalation risk"), "insights_risk", VIEW_REPORTS),
]
