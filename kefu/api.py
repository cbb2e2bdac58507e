"""The JSON API at /api/v1/: one NinjaAPI, one error shape, every app's router mounted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, django_auth

from kefu.core.errors import DomainError
from kefu.core.idempotency import idempotent_creates
from kefu.core.queries import token_digest, token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
            # DELETE /auth/token ends the very token the request carried.
            setattr(request, "kefu_token_digest", token_digest(token))  # noqa: B010
        return user


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times leave the API in the centre's zone with their offset, whatever the database holds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=LocalTimeRenderer(),
    title="kefu API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
)
# Every create operation honours the Idempotency-Key header (kefu/core/idempotency.py).
api.add_decorator(idempotent_creates, mode="view")


def error_response(
    request: HttpRequest, status: int, code: str, message: Any, detail: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": str(message), "detail": detail}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = error_response(request, error.status, error.code, error.message, error.detail)
    if error.status == 429 and isinstance(error.detail, dict) and "retry_after" in error.detail:
        response["Retry-After"] = str(error.detail["retry_after"])
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return error_response(
        request, 422, "validation_error", _("The data is not valid."), error.errors
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Please sign in."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 403:  # django-ninja's CSRF check for session-authenticated calls
        return error_response(
            request, 403, "csrf_failed", _("The page is out of date. Reload it and try again.")
        )
    code = "bad_request" if error.status_code == 400 else f"http_{error.status_code}"
    return error_response(request, error.status_code, code, error.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


def _mount() -> None:
    from kefu.contacts.api import router as contacts_router
    from kefu.core.api import router as core_router
    from kefu.customers.api import router as customers_router
    from kefu.knowledge.api import router as knowledge_router
    from kefu.metrics.api import router as metrics_router
    from kefu.telephony.api import router as telephony_router
    from kefu.tickets.api import policies_router
    from kefu.tickets.api import router as tickets_router

    api.add_router("/", core_router)
    api.add_router("/customers", customers_router)
    api.add_router("/", contacts_router)
    api.add_router("/tickets", tickets_router)
    api.add_router("/", policies_router)
    api.add_router("/knowledge", knowledge_router)
    api.add_router("/telephony", telephony_router)
    api.add_router("/metrics", metrics_router)


_mount()
