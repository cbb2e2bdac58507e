"""The satisfaction pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.navigation import Tab
from kefu.core.roles import VIEW_CONTACT

TABS: list[Tab] = [
    # Everyone at the centre who takes or reads contacts reads the notices.
    Tab(_("Notices to customers"), "satisfaction_notices", VIEW_CONTACT),
]
