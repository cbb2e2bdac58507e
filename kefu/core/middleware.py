from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.core.audit_context import client_ip_var
from kefu.core.errors import Forbidden, NotFound


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the audit log and sign-in throttling.

    X-Forwarded-For is read only behind the proxies that KEFU_PROXY_COUNT declares, and
    then only the hop the nearest of them appended: the hops further left are whatever
    the client chose to send, and would let a guesser pose as a new address each try."""
    hops = settings.KEFU_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [hop.strip() for hop in forwarded.split(",")]
        if len(chain) >= hops and chain[-hops]:
            return chain[-hops]
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


SIGNED_IN_AT = "kefu_signed_in_at"
ACTIVE_AT = "kefu_active_at"
# The last request the person made is stored at most once a minute, so that each page
# view does not write the session; the idle timeout is exact to that minute.
ACTIVITY_GRANULARITY = 60


def session_start(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[ACTIVE_AT] = now


def session_passive(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view that pages call by themselves (a badge polled every 30 s): calling it
    does not count as the person being active."""
    view.session_passive = True  # type: ignore[attr-defined]
    return view


class SessionTimeoutMiddleware:
    """Ends a signed-in page session after KEFU_SESSION_IDLE_SECONDS without a request the
    person made, and KEFU_SESSION_MAX_SECONDS after signing in, whatever happened since."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        session = request.session
        if auth.SESSION_KEY not in session:
            return None
        now = time.time()
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        active_at = session.setdefault(ACTIVE_AT, now)
        idle = now - active_at > settings.KEFU_SESSION_IDLE_SECONDS
        if idle or now - signed_in_at > settings.KEFU_SESSION_MAX_SECONDS:
            auth.logout(request)
            return self._signed_out(request, idle)
        passive = getattr(view, "session_passive", False)
        if not passive and now - active_at >= ACTIVITY_GRANULARITY:
            session[ACTIVE_AT] = now
        return None

    def _signed_out(self, request: HttpRequest, idle: bool) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API answers 401 itself, in its own error shape
        messages.info(
            request,
            _("You were signed out after a time without activity. Please sign in again.")
            if idle
            else _("Your session has reached its time limit. Please sign in again."),
        )
        login = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):
            # A fragment must not become a login page inside the page: htmx loads it whole.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login.url
            return response
        return login
