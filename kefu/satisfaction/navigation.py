"""The satisfaction pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.navigation import Tab
from kefu.core.roles import ADD_CONTACT, VIEW_ARTICLE

TABS: list[Tab] = [
    # Everyone at the centre reads the notices, as they read the knowledge base.
    Tab(_("Notices to customers"), "satisfaction_notices", VIEW_ARTICLE),
    Tab(_("Appointments"), "satisfaction_appointments", ADD_CONTACT),
]
