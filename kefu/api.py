"""The JSON API at /api/v1/: one NinjaAPI, one error shape, every app's router mounted."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, django_auth

from kefu.core.api_messages import describe
from kefu.core.errors import DomainError
from kefu.core.idempotency import creates, idempotent_creates
from kefu.core.queries import token_digest, token_user
from kefu.core.schemas import ErrorOut, holds_nul


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


# What each error status means, as the reference shows it.
ERROR_STATUSES = {
    400: "The body is not JSON, or the Idempotency-Key header is malformed.",
    401: "No token, or a wrong or expired one.",
    403: "The role may not do this (or, signed in by session, the CSRF token is missing).",
    404: "No such object, or not one the caller may see.",
    409: (
        "A stale version, a duplicate, a step the current state does not allow, or the "
        "first request with this Idempotency-Key still runs."
    ),
    422: (
        "A field fails the schema or a rule (`detail` names the field), or the "
        "Idempotency-Key was used for other content."
    ),
    429: "Too many tries: wait and try again.",
}


def implied_errors(operation: Operation) -> set[int]:
    """The error statuses every route of this shape can answer: 401 and 403 behind sign-in,
    422 for any input, 400 for a JSON body, 404 for an object named in the path, and for a
    create the answers of its Idempotency-Key (kefu/core/idempotency.py)."""
    statuses = set()
    sources = {model.__ninja_param_source__ for model in operation.models}
    if operation.auth_callbacks:
        statuses |= {401, 403}
    if sources:
        statuses.add(422)
    if "body" in sources:
        statuses.add(400)
    if "path" in sources:
        statuses.add(404)
    if creates(operation):
        statuses |= {400, 409, 422}
    return statuses


class ContractSchema(OpenAPISchema):
    """The OpenAPI document with every error status a route can answer, each with the one
    error shape, and with one definition per schema name (two models or enums of the same
    name would otherwise overwrite each other and misdescribe one of them)."""

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        error_ref = {"$ref": REF_TEMPLATE.format(model="ErrorOut")}
        for status in sorted(implied_errors(operation) | set(result) & set(ERROR_STATUSES)):
            result[status] = {
                "description": ERROR_STATUSES[status],
                "content": {"application/json": {"schema": error_ref}},
            }
        self.add_schema_definitions({"ErrorOut": ErrorOut.json_schema()})
        return result

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if self.schemas.get(name, definition) != definition:
                raise TypeError(f"Two API schemas are named {name}: give one another name.")
        super().add_schema_definitions(definitions)


class KefuAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ContractSchema(self, path_prefix)


api = KefuAPI(
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
    unknown = [
        str(item["loc"][-1])
        for item in error.errors
        if item.get("type") == "extra_forbidden" and item.get("loc")
    ]
    message, detail = describe(error.errors)
    if unknown:
        message = _("Unknown field: %(fields)s.") % {"fields": ", ".join(unknown)}
        return error_response(request, 422, "unknown_field", message, detail)
    return error_response(request, 422, "validation_error", message, detail)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Please sign in."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 403:  # django-ninja's CSRF check for session-authenticated calls
        return error_response(
            request, 403, "csrf_failed", _("The page is out of date. Reload it and try again.")
        )
    if error.status_code == 400:  # django-ninja could not read the body (not JSON)
        return error_response(
            request, 400, "bad_request", _("The request body cannot be read: send valid JSON.")
        )
    return error_response(request, error.status_code, f"http_{error.status_code}", error.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


def query_names(operation: Operation) -> set[str]:
    """The query parameters an operation reads."""
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            flattened = getattr(model, "__ninja_flatten_map__", None)
            names |= set(flattened or model.model_fields)
    return names


def strict_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a query parameter the operation does not read, as the strict schemas refuse an
    unknown body field: `?customer=` for `?customer_id=` would otherwise list everything."""
    operation = getattr(run, "__self__", None)
    if not isinstance(operation, Operation):
        return run
    known = query_names(operation)

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unknown = sorted(set(request.GET) - known)
        if unknown:
            error = ValidationError(
                [
                    {"type": "extra_forbidden", "loc": ["query", name], "msg": "Unknown field"}
                    for name in unknown
                ]
            )
            return validation_error(request, error)
        # PostgreSQL refuses NUL in text: a parameter or path holding one is refused here,
        # as StrictSchema refuses it in a body, before any query could meet it.
        nul = [["query", name] for name, values in request.GET.lists() if holds_nul(values)]
        if holds_nul(request.path):
            nul.append(["path"])
        if nul:
            error = ValidationError(
                [{"type": "string_nul", "loc": loc, "msg": "NUL character"} for loc in nul]
            )
            return validation_error(request, error)
        return run(request, *args, **kwargs)

    return checked


api.add_decorator(strict_query, mode="view")


def _mount() -> None:
    from kefu.contacts.api import router as contacts_router
    from kefu.core.api import router as core_router
    from kefu.customers.api import router as customers_router
    from kefu.insights.api.feedback import router as insights_feedback_router
    from kefu.insights.api.incidents import router as insights_incidents_router
    from kefu.insights.api.reasons import router as insights_reasons_router
    from kefu.insights.api.repeats import router as insights_repeats_router
    from kefu.insights.api.spikes import router as insights_spikes_router
    from kefu.insights.api.topics import router as insights_topics_router
    from kefu.knowledge.api import router as knowledge_router
    from kefu.metrics.api import router as metrics_router
    from kefu.quality.api import router as quality_router
    from kefu.satisfaction.api.call_lists import router as call_lists_router
    from kefu.satisfaction.api.callbacks import router as satisfaction_callbacks_router
    from kefu.satisfaction.api.outreach import router as satisfaction_router
    from kefu.satisfaction.api.reminders import router as reminders_router
    from kefu.satisfaction.api.survey_calls import router as survey_calls_router
    from kefu.satisfaction.api.surveys import router as surveys_router
    from kefu.supervision.api.assessment import router as supervision_assessment_router
    from kefu.supervision.api.certification import router as supervision_certification_router
    from kefu.supervision.api.checklists import router as supervision_checklists_router
    from kefu.supervision.api.exams import router as supervision_exams_router
    from kefu.supervision.api.honours import router as supervision_honours_router
    from kefu.supervision.api.people import router as supervision_people_router
    from kefu.supervision.api.projects import router as supervision_projects_router
    from kefu.supervision.api.reminders import router as supervision_reminders_router
    from kefu.supervision.api.reserve import router as supervision_reserve_router
    from kefu.supervision.api.rounds import router as supervision_rounds_router
    from kefu.supervision.api.signing import router as supervision_signing_router
    from kefu.supervision.api.work_reports import router as supervision_reports_router
    from kefu.telephony.api import router as telephony_router
    from kefu.tickets.api import policies_router
    from kefu.tickets.api import router as tickets_router
    from kefu.workforce.api import router as workforce_router

    api.add_router("/", core_router)
    api.add_router("/customers", customers_router)
    api.add_router("/", contacts_router)
    api.add_router("/tickets", tickets_router)
    api.add_router("/", policies_router)
    api.add_router("/knowledge", knowledge_router)
    api.add_router("/telephony", telephony_router)
    api.add_router("/metrics", metrics_router)
    api.add_router("/workforce", workforce_router)
    api.add_router("/quality", quality_router)
    api.add_router("/satisfaction", satisfaction_router)
    api.add_router("/satisfaction/surveys", surveys_router)
    api.add_router("/satisfaction/surveys", survey_calls_router)
    api.add_router("/satisfaction", satisfaction_callbacks_router)
    api.add_router("/satisfaction", reminders_router)
    api.add_router("/satisfaction/callbacks/lists", call_lists_router)
    api.add_router("/supervision", supervision_checklists_router)
    api.add_router("/supervision", supervision_rounds_router)
    api.add_router("/supervision", supervision_people_router)
    api.add_router("/supervision", supervision_reports_router)
    api.add_router("/supervision", supervision_honours_router)
    api.add_router("/supervision", supervision_assessment_router)
    api.add_router("/supervision", supervision_projects_router)
    api.add_router("/supervision", supervision_exams_router)
    api.add_router("/supervision", supervision_certification_router)
    api.add_router("/insights", insights_spikes_router)
    api.add_router("/insights", insights_reasons_router)
    api.add_router("/supervision", supervision_signing_router)
    api.add_router("/supervision", supervision_reserve_router)
    api.add_router("/supervision", supervision_reminders_router)
    api.add_router("/insights", insights_repeats_router)
    api.add_router("/insights", insights_incidents_router)
    api.add_router("/insights", insights_feedback_router)
    api.add_router("/insights", insights_topics_router)


_mount()
