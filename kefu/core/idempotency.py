"""Idempotency keys: a retried create gets the first answer instead of a second object.

The client names a create request with a key (the API's `Idempotency-Key` header, a
form's one-time token). The first request with a key claims it, runs, and its answer is
kept; a later request by the same user on the same route with the same key and the same
content gets that answer again (`Idempotent-Replayed: true`); the same key with other
content is refused (422), and a request that arrives while the first still runs is told
to retry (409), as draft-ietf-httpapi-idempotency-key-header and Stripe's API do. Keys
expire after `KEFU_IDEMPOTENCY_KEY_TTL` seconds (24 hours by default).

The claim is a row under a unique constraint, so two requests racing with one key, on
any number of processes and machines, run the create once: the database decides.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import inspect
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, DomainError, Invalid
from kefu.core.http import request_user
from kefu.core.models import IdempotencyKey, User

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Stripe's limit; visible ASCII only, so a key is never a way to smuggle text into a log.
KEY_PATTERN = re.compile(r"^[!-~]{1,255}$")
_REQUEST_ATTRIBUTE = "_kefu_idempotency_key"


class BadKey(DomainError):
    status = 400
    code = "idempotency_key_invalid"
    default_message = _("The Idempotency-Key must be 1 to 255 visible ASCII characters.")


# --- services -------------------------------------------------------------------------


def idempotency_claim(
    *, user: User, route: str, key: str, fingerprint: str, wait: float = 0.0
) -> IdempotencyKey:
    """Claim `key` for this request, or find the answer of the request that claimed it.

    Returns the new claim (its `status` is None: run the request, then complete or release
    it) or the finished first request (replay it). Raises `Invalid` (422) when the key was
    used for other content and `Conflict` (409) when the first request is still running
    after `wait` seconds.
    """
    deadline = time.monotonic() + wait
    for _attempt in range(1000):
        now = timezone.now()
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(
                    user=user, route=route, key=key, created_at__lt=_expired_before(now)
                ).delete()
                return IdempotencyKey.objects.create(
                    user=user, route=route, key=key, fingerprint=fingerprint, created_at=now
                )
        except IntegrityError:
            pass  # another request holds the key: read what it left
        first = IdempotencyKey.objects.filter(user=user, route=route, key=key).first()
        if first is None:
            continue  # released (the first request failed) or expired meanwhile: claim again
        if first.fingerprint != fingerprint:
            raise Invalid(
                _("This Idempotency-Key was already used for a different request."),
                code="idempotency_key_reused",
            )
        if first.status is not None:
            return first
        if time.monotonic() >= deadline:
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed. Retry later."),
                code="idempotency_key_in_use",
            )
        time.sleep(0.1)
    raise Conflict(code="idempotency_key_in_use")  # pragma: no cover  (a key flapping forever)


def idempotency_complete(
    *, claim: IdempotencyKey, status: int, content_type: str, body: bytes, location: str = ""
) -> None:
    """Keep the first request's answer for the retries."""
    IdempotencyKey.objects.filter(pk=claim.pk, status__isnull=True).update(
        status=status, content_type=content_type[:100], body=body, location=location[:500]
    )


def idempotency_release(*, claim: IdempotencyKey) -> None:
    """The first request failed without an answer worth keeping: a retry may run again."""
    IdempotencyKey.objects.filter(pk=claim.pk, status__isnull=True).delete()


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget expired keys (a scheduled task; an expired key is also replaced when reused)."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lt=_expired_before(now or timezone.now())
    ).delete()
    return deleted


def _expired_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.KEFU_IDEMPOTENCY_KEY_TTL)


# --- HTTP -----------------------------------------------------------------------------


def clean_key(raw: str) -> str:
    """The key of a header value; the draft's quoted form ("…") is accepted too."""
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not KEY_PATTERN.match(key):
        raise BadKey()
    return key


def route_of(request: HttpRequest) -> str:
    route = f"{request.method} {request.path}"
    if len(route) > 200:
        route = f"{request.method} sha256:{hashlib.sha256(request.path.encode()).hexdigest()}"
    return route


def request_fingerprint(request: HttpRequest) -> str:
    """What makes a retry the same request: its query and its content (JSON compared by
    value, uploaded files by their bytes, not by the multipart boundary)."""
    digest = hashlib.sha256()
    digest.update(request.META.get("QUERY_STRING", "").encode())
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps([name, values]).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(json.dumps([name, upload.name, upload.size]).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        return digest.hexdigest()
    try:
        body = request.body
    except RawPostDataException:  # read as a stream by a parser: its parsed form counts
        body = json.dumps(sorted(request.POST.lists())).encode()
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()
    digest.update(body)
    return digest.hexdigest()


def replay(claim: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(claim.body), status=claim.status or 200, content_type=claim.content_type or None
    )
    if claim.location:
        response["Location"] = claim.location
    response[REPLAYED_HEADER] = "true"
    return response


def finish(claim: IdempotencyKey, response: HttpResponseBase) -> None:
    """Keep an answer that came from the operation itself; a server error frees the key."""
    if response.status_code >= 500 or response.streaming:
        idempotency_release(claim=claim)
        return
    body = response.content if isinstance(response, HttpResponse) else b""
    idempotency_complete(
        claim=claim,
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        location=response.get("Location", ""),
        body=body,
    )


OPENAPI_EXTRA: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
            "description": (
                "Makes a retry safe: a request with the same key by the same user on the "
                "same path within a day (KEFU_IDEMPOTENCY_KEY_TTL) gets the first answer "
                "again (status and body, with `Idempotent-Replayed: true`) instead of "
                "creating a second object. "
                "The same key with a different body answers 422; while the first request "
                "still runs, 409. See docs/api.md."
            ),
        }
    ],
}


def creates(operation: Any) -> bool:
    """An operation that creates: a POST answering 201. The OpenAPI document lists the
    statuses its key adds (kefu.api.implied_errors)."""
    return "POST" in operation.methods and 201 in operation.response_models


def idempotent_creates(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`api.add_decorator(idempotent_creates, mode="view")`: every operation that creates
    (a POST answering 201) honours `Idempotency-Key`; other operations are left alone.

    The key is claimed after authentication and validation (a refused request keeps no
    answer, as at Stripe) and just before the handler runs; the answer is kept once the
    operation has turned the handler's result, or its error, into a response.
    """
    operation = getattr(inspect.unwrap(run), "__self__", None)
    if operation is None or not creates(operation):
        return run
    operation.openapi_extra = {**(operation.openapi_extra or {}), **copy.deepcopy(OPENAPI_EXTRA)}
    handler = operation.view_func

    @wraps(handler)
    def claim_then_handle(request: HttpRequest, *args: Any, **values: Any) -> Any:
        raw = request.headers.get(HEADER)
        if raw is None or not request.user.is_authenticated:  # keys are kept per user
            return handler(request, *args, **values)
        claim = idempotency_claim(
            user=request_user(request),  # authenticated by now
            route=route_of(request),
            key=clean_key(raw),
            fingerprint=request_fingerprint(request),
        )
        if claim.status is not None:
            return replay(claim)
        setattr(request, _REQUEST_ATTRIBUTE, claim)
        return handler(request, *args, **values)

    operation.view_func = claim_then_handle

    @wraps(run)
    def run_and_keep(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            claim = request.__dict__.pop(_REQUEST_ATTRIBUTE, None)
            if claim is not None:
                idempotency_release(claim=claim)
            raise
        claim = request.__dict__.pop(_REQUEST_ATTRIBUTE, None)
        if claim is not None:
            finish(claim, response)
        return response

    return run_and_keep
