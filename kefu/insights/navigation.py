"""The insights pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.navigation import Tab
from kefu.core.roles import (
    CHANGE_SPIKE_RULES,
    MANAGE_REASON_MODEL,
    VIEW_FEEDBACK,
    VIEW_INCIDENTS,
    VIEW_REPORTS,
)

TABS: list[Tab] = [
    Tab(_("Major incidents"), "insights_incidents", VIEW_INCIDENTS),
    Tab(_("Hot topics"), "insights_topics", VIEW_REPORTS),
    Tab(_("Department feedback"), "insights_feedback", VIEW_FEEDBACK),
    Tab(_("Repeat contacts"), "insights_repeats", VIEW_REPORTS),
    Tab(_("Escalation risk"), "insights_risk", VIEW_REPORTS),
    Tab(_("Call-reason suggestions"), "insights_reasons", MANAGE_REASON_MODEL),
    Tab(_("Spike rules"), "insights_spike_rules", CHANGE_SPIKE_RULES),
]
