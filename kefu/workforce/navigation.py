"""The workforce pages' tabs (issue 17 point 7) and who sees each. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.core.roles import KEEP_DUTY_LOG, ROLES


@dataclass(frozen=True)
class Tab:
    label: str | Promise
    url_name: str
    permission: str


# Each part of the workforce app adds its pages here, in the order a leader's day uses
# them; an agent sees the tabs their role's permissions allow.
TABS: list[Tab] = [
    Tab(_("Duty log"), "duty_log", KEEP_DUTY_LOG),
    Tab(_("Duty-log search"), "duty_search", KEEP_DUTY_LOG),
]


def tabs_for(role: str | None) -> list[Tab]:
    permissions = ROLES[role].permissions if role in ROLES else frozenset()
    return [tab for tab in TABS if tab.permission in permissions]
