"""The workforce pages' tabs (issue 17 point 7) and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core import navigation
from kefu.core.navigation import Tab
from kefu.core.roles import ASK_ROTA_CHANGE, KEEP_DUTY_LOG, PLAN_ROTA, VIEW_ROTA

# Each part of the workforce app adds its pages here, in the order a leader's day uses
# them; an agent sees the tabs their role's permissions allow.
TABS: list[Tab] = [
    Tab(_("Plan"), "workforce_plan", PLAN_ROTA),
    Tab(_("Rota"), "workforce_rota", PLAN_ROTA),
    Tab(_("Requests to decide"), "workforce_requests", PLAN_ROTA),
    Tab(_("Intraday"), "workforce_intraday", PLAN_ROTA),
    Tab(pgettext_lazy("workforce", "Attendance"), "workforce_attendance", PLAN_ROTA),
    Tab(_("Duty log"), "duty_log", KEEP_DUTY_LOG),
    Tab(_("Duty-log search"), "duty_search", KEEP_DUTY_LOG),
    Tab(_("My rota"), "workforce_my_rota", VIEW_ROTA),
    Tab(_("My requests"), "workforce_my_requests", ASK_ROTA_CHANGE),
    Tab(_("Swap offers"), "workforce_swap_offers", ASK_ROTA_CHANGE),
]


def tabs_for(role: str | None) -> list[Tab]:
    return navigation.tabs_for(TABS, role)
