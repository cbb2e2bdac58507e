from __future__ import annotations

from django.http import HttpRequest

from kefu.core.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request to an API router or a page view, which all require
    authentication before they run."""
    return request.user  # type: ignore[return-value]
