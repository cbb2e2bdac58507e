"""Certification per queue by hand over the API at /api/v1/supervision/ (持证上岗, seed 000
第3篇; issue 20 point 2), for the keepers of training, as on supervision/certification/:
the centre's queues and whether each requires a certification; the certifications, the
history (exam-granted, granted by hand, expired and revoked); a grant by hand (201, so
`Idempotency-Key` retries it safely) and a revocation (409 when revoked already)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.supervision.queries.exams import may_manage
from kefu.telephony.models import Queue
from kefu.workforce.models import Certification
from kefu.workforce.queries.certification import certifications_of, holds, required_queues
from kefu.workforce.services import certification as services

router = Router(tags=["supervision"])


def _centre(user: User) -> int:
    if not may_manage(user) or user.centre_id is None:
        raise Forbidden()
    return user.centre_id


class SupervisionCertifiedQueueOut(Out):
    queue_id: int
    name: str
    title: str
    required: bool
    required_since: dt.date | None


class SupervisionQueueRequirementIn(StrictSchema):
    certification_required: bool = Field(
        description="Whether only certified people may take its calls."
    )


class SupervisionCertificationOut(Out):
    id: int
    person_id: int
    person_name: str
    queue_id: int
    granted_on: dt.date
    expires_on: dt.date
    source: str = Field(description="What granted it: the exam passed, or the reason given.")
    granted_by_id: int | None = Field(description="Null: an exam granted it.")
    revoked_on: dt.date | None
    revoked_by_id: int | None
    revoke_reason: str
    valid_today: bool


class SupervisionCertificationFilter(StrictSchema):
    queue_id: Id | None = None
    person_id: Id | None = None


class SupervisionCertificationGrantIn(StrictSchema):
    person_id: Id
    queue_id: Id
    granted_on: dt.date | None = Field(None, description="Today when left out.")
    days: int = Field(365, ge=1, le=services.MAX_DAYS)
    reason: str = Field(min_length=1, max_length=200)


class SupervisionCertificationRevokeIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=200)


def _certification(row: Certification) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.user_id,
        "person_name": str(row.user),
        "queue_id": row.queue_id,
        "granted_on": row.granted_on,
        "expires_on": row.expires_on,
        "source": row.source,
        "granted_by_id": row.granted_by_id,
        "revoked_on": row.revoked_on,
        "revoked_by_id": row.revoked_by_id,
        "revoke_reason": row.revoke_reason,
        "valid_today": holds(row, timezone.localdate()),
    }


def _queues(centre_id: int, only: int | None = None) -> list[dict[str, Any]]:
    required = required_queues(centre_id)
    queues = Queue.objects.filter(centre_id=centre_id).order_by("title", "name")
    if only is not None:
        queues = queues.filter(pk=only)
    return [
        {
            "queue_id": q.pk,
            "name": q.name,
            "title": q.title,
            "required": q.pk in required,
            "required_since": required[q.pk].required_since if q.pk in required else None,
        }
        for q in queues
    ]


@router.get(
    "/certification/queues",
    response={200: list[SupervisionCertifiedQueueOut], **errors(403)},
)
def list_certified_queues(request: HttpRequest) -> list[dict[str, Any]]:
    return _queues(_centre(request_user(request)))


@router.put(
    "/certification/queues/{int:queue_id}",
    response={200: SupervisionCertifiedQueueOut, **errors(403, 404)},
)
def set_queue_requirement(
    request: HttpRequest, queue_id: Id, payload: SupervisionQueueRequirementIn
) -> dict[str, Any]:
    """Require a certification on the queue, or lift the requirement; the same request
    twice leaves the same."""
    user = request_user(request)
    centre_id = _centre(user)
    services.queue_certification_set(
        actor=user, queue_id=queue_id, required=payload.certification_required
    )
    return _queues(centre_id, only=queue_id)[0]


@router.get("/certifications", response={200: Page[SupervisionCertificationOut], **errors(403)})
def list_certifications(
    request: HttpRequest,
    filters: Query[SupervisionCertificationFilter],
    params: Query[PageParams],
) -> dict[str, Any]:
    """The history, newest first."""
    rows = certifications_of(_centre(request_user(request)))
    if filters.queue_id is not None:
        rows = rows.filter(queue_id=filters.queue_id)
    if filters.person_id is not None:
        rows = rows.filter(user_id=filters.person_id)
    return page(rows, params, _certification)


@router.post("/certifications", response={201: SupervisionCertificationOut, **errors(403, 422)})
def grant_certification(
    request: HttpRequest, payload: SupervisionCertificationGrantIn
) -> Status[dict[str, Any]]:
    """Grant a person a certification by hand, with the reason."""
    user = request_user(request)
    centre_id = _centre(user)
    row = services.certification_grant_by_hand(
        actor=user,
        user_id=payload.person_id,
        queue_id=payload.queue_id,
        granted_on=payload.granted_on or timezone.localdate(),
        days=payload.days,
        reason=payload.reason,
    )
    return Status(201, _certification(certifications_of(centre_id).get(pk=row.pk)))


@router.post(
    "/certifications/{int:certification_id}/revoke",
    response={200: SupervisionCertificationOut, **errors(403, 404, 409, 422)},
)
def revoke_certification(
    request: HttpRequest, certification_id: Id, payload: SupervisionCertificationRevokeIn
) -> dict[str, Any]:
    """Revoke it from today: it covers no day from then on."""
    user = request_user(request)
    centre_id = _centre(user)
    services.certification_revoke(
        actor=user, certification_id=certification_id, reason=payload.reason
    )
    return _certification(certifications_of(centre_id).get(pk=certification_id))
