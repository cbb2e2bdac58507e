from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from kefu.core.audit_context import client_ip_var
from kefu.core.errors import Forbidden, NotFound


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the first X-Forwarded-For hop is the client; operators must only set
    # KEFU_HTTPS (which trusts the proxy) when such a proxy really is in front.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client's IP known to the audit log without passing it through every call,
    and turns the queries' and services' not-found and forbidden into the pages' 404 and
    403 (the API answers those itself, in its own error shape)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip_var.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip_var.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied from exception


class LanguageMiddleware(LocaleMiddleware):
    """Pages speak Chinese unless the user chose English with the language switch.

    A browser's Accept-Language says how it was installed, not what a centre's staff read,
    so pages follow only the choice stored in the language cookie. API clients state
    their language per request with Accept-Language, as HTTP intends.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
