from __future__ import annotations

from django.http import HttpRequest

from kefu.core.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request to an API router or a page view, which all require
    authentication before they run."""
    return request.user  # type: ignore[return-value]


def posted_version(request: HttpRequest) -> int:
    """The `version` a page's form was read at (a hidden field), 0 when missing or not a
    number: the service then refuses it as stale, as it refuses any version that moved."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0
