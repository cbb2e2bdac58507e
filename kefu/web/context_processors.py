from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kefu.core.roles import ROLES
from kefu.web.navigation import entries_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the top bar shows: the user's pages, role and centre."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = ROLES.get(user.role or "")
    return {
        "nav": [
            {"label": entry.label, "url": entry.url, "active": request.path.startswith(entry.url)}
            for entry in entries_for(user.role)
        ],
        "role_label": role.label if role else "",
    }
