"""Satisfaction and proactive service over the API at /api/v1/satisfaction/ (issue 19):
the notices to customers and the appointments. Creates answer 201 and so honour `Idempotency-Key`
(kefu.core.idempotency)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.core.validation import Instant
from kefu.satisfaction.models import (
    Appointment,
    AppointmentState,
    Notice,
    NoticeKind,
    NoticeState,
)
from kefu.satisfaction.queries.appointments import appointment_get_for_user, appointments_of
from kefu.satisfaction.queries.notices import notice_get_for_user, notices_of
from kefu.satisfaction.services import appointments as appointment_services
from kefu.satisfaction.services import notices as notice_services

router = Router(tags=["satisfaction"])

MAX_REGIONS = 50


class SatisfactionNoticeIn(StrictSchema):
    kind: NoticeKind
    title: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=1000, description="What agents tell callers.")
    sms_text: str = Field(
        "",
        max_length=300,
        description="Sent to the affected customers' mobiles when published; empty: none.",
    )
    starts_at: Instant
    ends_at: Instant
    regions: list[str] = Field(
        min_length=1,
        max_length=MAX_REGIONS,
        description="The affected regions' GB/T 2260 codes; the regions inside them are included.",
    )


class SatisfactionNoticeOut(Out):
    id: int
    kind: NoticeKind
    title: str
    text: str
    sms_text: str
    starts_at: datetime
    ends_at: datetime
    regions: list[str] = Field(description="GB/T 2260 codes.")
    state: NoticeState
    published_at: datetime | None
    recipients: int = Field(description="Customers the text message was written to.")


class SatisfactionNoticeFilter(StrictSchema):
    state: NoticeState | None = None


def _notice(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "title": notice.title,
        "text": notice.text,
        "sms_text": notice.sms_text,
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "regions": sorted(region.code for region in notice.regions.all()),
        "state": notice.state,
        "published_at": notice.published_at,
        "recipients": notice.recipients,
    }


@router.get("/notices", response=Page[SatisfactionNoticeOut])
def list_notices(
    request: HttpRequest,
    filters: Query[SatisfactionNoticeFilter],
    params: Query[PageParams],
) -> dict[str, Any]:
    """The centre's notices, the latest first; drafts and withdrawn ones only for those
    who publish notices."""
    notices = notices_of(request_user(request)).order_by("-starts_at", "-pk")
    if filters.state is not None:
        notices = notices.filter(state=filters.state)
    return page(notices, params, _notice)


@router.get("/notices/{int:notice_id}", response={200: SatisfactionNoticeOut, **errors(404)})
def get_notice(request: HttpRequest, notice_id: Id) -> dict[str, Any]:
    return _notice(notice_get_for_user(request_user(request), notice_id))


def _values(payload: SatisfactionNoticeIn) -> dict[str, Any]:
    return {
        "kind": payload.kind.value,
        "title": payload.title,
        "text": payload.text,
        "sms_text": payload.sms_text,
        "starts_at": payload.starts_at,
        "ends_at": payload.ends_at,
        "region_codes": payload.regions,
    }


@router.post("/notices", response={201: SatisfactionNoticeOut, **errors(403, 422)})
def create_notice(request: HttpRequest, payload: SatisfactionNoticeIn) -> Status[dict[str, Any]]:
    """A draft notice; publishing it is a second step."""
    notice = notice_services.notice_save(actor=request_user(request), **_values(payload))
    return Status(201, _notice(notice))


@router.put(
    "/notices/{int:notice_id}",
    response={200: SatisfactionNoticeOut, **errors(403, 404, 409, 422)},
)
def change_notice(
    request: HttpRequest, notice_id: Id, payload: SatisfactionNoticeIn
) -> dict[str, Any]:
    """Correct a draft or a published notice (its text message is not sent again); 409
    for a withdrawn one."""
    user = request_user(request)
    notice = notice_get_for_user(user, notice_id)
    return _notice(notice_services.notice_save(actor=user, notice=notice, **_values(payload)))


@router.post(
    "/notices/{int:notice_id}/publish",
    response={200: SatisfactionNoticeOut, **errors(403, 404, 409, 422)},
)
def publish_notice(request: HttpRequest, notice_id: Id) -> dict[str, Any]:
    """Publish a draft: agents see it at once, its text message goes to the affected
    customers through the outbox. 409 when it is not a draft, 422 when it has ended."""
    user = request_user(request)
    notice = notice_get_for_user(user, notice_id)
    notice_services.notice_publish(actor=user, notice=notice)
    return _notice(notice_get_for_user(user, notice_id))


@router.post(
    "/notices/{int:notice_id}/withdraw",
    response={200: SatisfactionNoticeOut, **errors(403, 404)},
)
def withdraw_notice(request: HttpRequest, notice_id: Id) -> dict[str, Any]:
    """Withdraw a notice; its text messages not yet sent are cancelled. Repeating it
    changes nothing."""
    user = request_user(request)
    notice = notice_get_for_user(user, notice_id)
    notice_services.notice_withdraw(actor=user, notice=notice)
    return _notice(notice_get_for_user(user, notice_id))


# --------------------------------------------------------------------------- appointments


class SatisfactionAppointmentIn(StrictSchema):
    customer_id: Id
    contact_id: Id | None = Field(None, description="The contact it was booked on.")
    subject: str = Field(min_length=1, max_length=100, description="What it is for.")
    place: str = Field(min_length=1, max_length=200)
    at: Instant
    department_id: Id | None = None
    note: str = Field("", max_length=500)


class SatisfactionAppointmentMoveIn(StrictSchema):
    at: Instant


class SatisfactionAppointmentCloseIn(StrictSchema):
    state: Literal["kept", "missed", "cancelled"]
    note: str = Field("", max_length=500)


class SatisfactionAppointmentOut(Out):
    id: int
    customer_id: int
    contact_id: int | None
    subject: str
    place: str
    at: datetime
    department_id: int | None
    state: AppointmentState
    reminded: bool = Field(description="Whether a text message reminds the customer.")
    note: str


class SatisfactionAppointmentFilter(StrictSchema):
    state: AppointmentState | None = None
    customer_id: Id | None = None


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "customer_id": appointment.customer_id,
        "contact_id": appointment.contact_id,
        "subject": appointment.subject,
        "place": appointment.place,
        "at": appointment.at,
        "department_id": appointment.department_id,
        "state": appointment.state,
        "reminded": bool(appointment.number),
        "note": appointment.note,
    }


@router.get("/appointments", response=Page[SatisfactionAppointmentOut])
def list_appointments(
    request: HttpRequest,
    filters: Query[SatisfactionAppointmentFilter],
    params: Query[PageParams],
) -> dict[str, Any]:
    """The centre's appointments, the soonest first."""
    found = appointments_of(request_user(request)).order_by("at", "pk")
    if filters.state is not None:
        found = found.filter(state=filters.state)
    if filters.customer_id is not None:
        found = found.filter(customer_id=filters.customer_id)
    return page(found, params, _appointment)


@router.post("/appointments", response={201: SatisfactionAppointmentOut, **errors(403, 404, 422)})
def book_appointment(
    request: HttpRequest, payload: SatisfactionAppointmentIn
) -> Status[dict[str, Any]]:
    """Book an appointment; the customer's first mobile gets a reminder the day before.
    404 for a customer or contact the user may not see; 422 for a time past or more than
    180 days ahead."""
    appointment = appointment_services.appointment_book(
        actor=request_user(request),
        customer_id=payload.customer_id,
        contact_id=payload.contact_id,
        subject=payload.subject,
        place=payload.place,
        at=payload.at,
        department_id=payload.department_id,
        note=payload.note,
    )
    return Status(201, _appointment(appointment))


@router.post(
    "/appointments/{int:appointment_id}/move",
    response={200: SatisfactionAppointmentOut, **errors(403, 404, 409, 422)},
)
def move_appointment(
    request: HttpRequest, appointment_id: Id, payload: SatisfactionAppointmentMoveIn
) -> dict[str, Any]:
    """Move a booked appointment (its reminder moves with it); 409 once it is closed."""
    user = request_user(request)
    appointment = appointment_get_for_user(user, appointment_id)
    moved = appointment_services.appointment_move(
        actor=user, appointment=appointment, at=payload.at
    )
    return _appointment(moved)


@router.post(
    "/appointments/{int:appointment_id}/close",
    response={200: SatisfactionAppointmentOut, **errors(403, 404, 409, 422)},
)
def close_appointment(
    request: HttpRequest, appointment_id: Id, payload: SatisfactionAppointmentCloseIn
) -> dict[str, Any]:
    """Record the outcome: kept or missed once its time has come (409 before), or
    cancelled; 409 when it is already closed."""
    user = request_user(request)
    appointment = appointment_get_for_user(user, appointment_id)
    closed = appointment_services.appointment_close(
        actor=user, appointment=appointment, state=payload.state, note=payload.note
    )
    return _appointment(closed)
