from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kefu.core.audit_context import client_ip_var


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the first X-Forwarded-For hop is the client; operators must only set
    # KEFU_HTTPS (which trusts the proxy) when such a proxy really is in front.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client's IP known to the audit log without passing it through every call."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip_var.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip_var.reset(token)
