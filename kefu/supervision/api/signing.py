"""Signing a review meeting's minutes over the API at /api/v1/supervision/ (issue 20 point
6; seed 002 第14篇 全体员工 3: 交与会者签名确认后存档备查): who of the attendees signed the
current minutes and when; an attendee signs (again: the same signature); the chair
corrects frozen minutes with a reason, which re-opens the signing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision.models import Meeting
from kefu.supervision.queries import signing as queries
from kefu.supervision.queries import work_reports as report_queries
from kefu.supervision.services import signing as services

router = Router(tags=["supervision"])


class SupervisionMinutesCorrectIn(StrictSchema):
    version: Version
    minutes: str = Field(min_length=1, max_length=10000)
    decisions: str = Field("", max_length=5000)
    reason: str = Field(min_length=1, max_length=500)


class SupervisionSignatureOut(Out):
    person_id: int
    person: str
    signed_at: datetime | None = Field(description="None: not signed yet.")


class SupervisionMinutesCorrectionOut(Out):
    round: int
    by_id: int
    by: str
    at: datetime
    reason: str
    minutes_before: str
    decisions_before: str
    signed_before: int


class SupervisionSigningOut(Out):
    meeting_id: int
    version: int
    round: int = Field(description="0 for the first minutes; each correction adds one.")
    frozen: bool = Field(description="Someone signed: the minutes change only by a correction.")
    complete: bool
    signed: int
    attendees: list[SupervisionSignatureOut]
    corrections: list[SupervisionMinutesCorrectionOut]


def signing_out(meeting: Meeting) -> dict[str, Any]:
    meeting = Meeting.objects.get(pk=meeting.pk)
    signing = queries.signing_of(meeting)
    return {
        "meeting_id": meeting.pk,
        "version": meeting.version,
        "round": signing.round,
        "frozen": signing.frozen,
        "complete": signing.complete,
        "signed": signing.signed,
        "attendees": [
            {"person_id": row.person.pk, "person": str(row.person), "signed_at": row.signed_at}
            for row in signing.rows
        ],
        "corrections": [
            {
                "round": c.round,
                "by_id": c.by_id,
                "by": str(c.by),
                "at": c.at,
                "reason": c.reason,
                "minutes_before": c.minutes_before,
                "decisions_before": c.decisions_before,
                "signed_before": c.signed_before,
            }
            for c in signing.corrections
        ],
    }


@router.get(
    "/meetings/{int:meeting_id}/signing",
    response={200: SupervisionSigningOut, **errors(404)},
)
def get_signing(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    return signing_out(report_queries.meeting_get_for_user(request_user(request), meeting_id))


@router.post(
    "/meetings/{int:meeting_id}/sign",
    response={200: SupervisionSigningOut, **errors(403, 404, 409)},
)
def sign_minutes(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """The caller, an attendee, confirms the current minutes (again: no change)."""
    user = request_user(request)
    meeting = report_queries.meeting_get_for_user(user, meeting_id)
    services.minutes_sign(actor=user, meeting=meeting)
    return signing_out(meeting)


@router.post(
    "/meetings/{int:meeting_id}/corrections",
    response={201: SupervisionSigningOut, **errors(403, 404, 409, 422)},
)
def correct_minutes(
    request: HttpRequest, meeting_id: Id, payload: SupervisionMinutesCorrectIn
) -> Status[dict[str, Any]]:
    """Correct minutes being signed, with a reason: the signing starts again. Carries the
    meeting's version (409 when stale, so a retry is refused rather than doubled)."""
    user = request_user(request)
    meeting = report_queries.meeting_get_for_user(user, meeting_id)
    services.minutes_correct(
        actor=user,
        meeting=meeting,
        version=payload.version,
        minutes=payload.minutes,
        decisions=payload.decisions,
        reason=payload.reason,
    )
    return Status(201, signing_out(meeting))
