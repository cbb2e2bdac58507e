"""Major incidents over the API at /api/v1/insights/ (issue 21 point 1): open one by hand,
correct its script, attach callers' contacts and open orders, send the one order to the
department on duty, send the instant report, close it with one reply to every affected
customer, or dismiss it. Creates answer 201 and so honour `Idempotency-Key`
(kefu.core.idempotency); every other change carries the version it was read at (409 when
stale)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.insights.models import Incident, IncidentOrigin, IncidentState
from kefu.insights.queries import incidents as queries
from kefu.insights.services import incidents as services
from kefu.tickets.models import STATE_CHOICES

router = Router(tags=["insights"])


class InsightsIncidentIn(StrictSchema):
    region_id: Id
    reason_id: Id | None = Field(None, description="The call reason (service content).")
    title: str = Field(min_length=1, max_length=100)
    script: str = Field(min_length=1, max_length=1000, description="What agents tell callers.")
    department_id: Id | None = Field(None, description="The department on duty.")


class InsightsIncidentChangeIn(StrictSchema):
    version: Version
    title: str = Field(min_length=1, max_length=100)
    script: str = Field(min_length=1, max_length=1000)
    department_id: Id | None = None


class InsightsIncidentContactIn(StrictSchema):
    contact_id: Id


class InsightsIncidentOrderIn(StrictSchema):
    number: str = Field(min_length=1, max_length=20, description="The work order's number.")


class InsightsIncidentVersionIn(StrictSchema):
    version: Version


class InsightsIncidentCloseIn(StrictSchema):
    version: Version
    reply: str = Field(
        min_length=1, max_length=300, description="Sent by text message to every customer."
    )


class InsightsIncidentDismissIn(StrictSchema):
    version: Version
    note: str = Field(min_length=1, max_length=500, description="Why it was a false alarm.")


class InsightsIncidentFilter(StrictSchema):
    state: IncidentState | None = None


class InsightsIncidentOut(Out):
    id: int
    title: str
    state: IncidentState
    origin: IncidentOrigin
    region_id: int | None
    region_name: str
    reason_id: int | None
    department_id: int | None
    script: str
    notice_id: int | None
    order_number: str | None
    opened_at: datetime
    closed_at: datetime | None
    reply: str
    version: int


class InsightsIncidentContactOut(Out):
    contact_id: int
    customer_id: int | None
    region_name: str
    started_at: datetime
    attached_at: datetime


class InsightsIncidentOrderOut(Out):
    number: str
    customer_id: int
    state: str
    state_label: str
    closed_at: datetime | None


class InsightsIncidentStepOut(Out):
    step_start: datetime
    contacts: int
    orders: int


class InsightsIncidentAreaOut(Out):
    area: str
    contacts: int
    orders: int


class InsightsIncidentReportOut(Out):
    contacts: int
    orders: int
    areas: list[InsightsIncidentAreaOut]
    steps: list[InsightsIncidentStepOut] = Field(description="15-minute steps (000 第8篇).")


class InsightsIncidentProgressOut(Out):
    number: str
    state: str
    state_label: str
    department_id: int | None
    result: str


class InsightsIncidentDetailOut(InsightsIncidentOut):
    contacts: list[InsightsIncidentContactOut]
    orders: list[InsightsIncidentOrderOut]
    progress: InsightsIncidentProgressOut | None = Field(
        description="The department's progress on the incident's one order."
    )
    report: InsightsIncidentReportOut


class InsightsIncidentSentOut(Out):
    told: int = Field(description="People told now (nobody twice for the same figures).")


_STATES = dict(STATE_CHOICES)


def _incident(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "state": incident.state,
        "origin": incident.origin,
        "region_id": incident.region_id,
        "region_name": incident.region.name if incident.region else "",
        "reason_id": incident.reason_id,
        "department_id": incident.department_id,
        "script": incident.script,
        "notice_id": incident.notice_id,
        "order_number": incident.order.number if incident.order else None,
        "opened_at": incident.opened_at,
        "closed_at": incident.closed_at,
        "reply": incident.reply,
        "version": incident.version,
    }


def _detail(user: Any, incident_id: int) -> dict[str, Any]:
    incident = queries.incident_get_for_user(user, incident_id)
    detail = queries.incident_detail(incident)
    order = incident.order
    return {
        **_incident(incident),
        "contacts": [
            {
                "contact_id": row.contact_id,
                "customer_id": row.contact.customer_id,
                "region_name": queries.area_of(row.contact),
                "started_at": row.contact.started_at,
                "attached_at": row.attached_at,
            }
            for row in detail.contacts
        ],
        "orders": [
            {
                "number": row.ticket.number,
                "customer_id": row.ticket.customer_id,
                "state": row.ticket.state,
                "state_label": str(_STATES.get(row.ticket.state, row.ticket.state)),
                "closed_at": row.ticket.closed_at,
            }
            for row in detail.orders
        ],
        "progress": (
            {
                "number": order.number,
                "state": order.state,
                "state_label": str(_STATES.get(order.state, order.state)),
                "department_id": order.department_id,
                "result": order.result,
            }
            if order
            else None
        ),
        "report": {
            "contacts": detail.report.contacts,
            "orders": detail.report.orders,
            "areas": [
                {"area": row.label, "contacts": row.contacts, "orders": row.orders}
                for row in detail.report.areas
            ],
            "steps": [
                {"step_start": start, "contacts": contacts, "orders": orders}
                for start, contacts, orders in detail.report.steps
            ],
        },
    }


@router.get("/incidents", response=Page[InsightsIncidentOut])
def list_incidents(
    request: HttpRequest, filters: Query[InsightsIncidentFilter], params: Query[PageParams]
) -> dict[str, Any]:
    """The incidents the caller may see, the open ones first, then the latest."""
    incidents = queries.open_first(queries.incidents_of(request_user(request)))
    if filters.state is not None:
        incidents = incidents.filter(state=filters.state)
    return page(incidents, params, _incident)


@router.post("/incidents", response={201: InsightsIncidentDetailOut, **errors(403, 409, 422)})
def open_incident(request: HttpRequest, payload: InsightsIncidentIn) -> Status[dict[str, Any]]:
    """Open an incident by hand: the script is published at once as an unplanned-outage
    notice for the region, and the leaders and the department on duty are alerted."""
    user = request_user(request)
    incident = services.incident_open_by_hand(
        actor=user,
        region_id=payload.region_id,
        reason_id=payload.reason_id,
        title=payload.title,
        script=payload.script,
        department_id=payload.department_id,
    )
    return Status(201, _detail(user, incident.pk))


@router.get("/incidents/{int:incident_id}", response={200: InsightsIncidentDetailOut})
def get_incident(request: HttpRequest, incident_id: Id) -> dict[str, Any]:
    return _detail(request_user(request), incident_id)


@router.put(
    "/incidents/{int:incident_id}",
    response={200: InsightsIncidentDetailOut, **errors(403, 409, 422)},
)
def change_incident(
    request: HttpRequest, incident_id: Id, payload: InsightsIncidentChangeIn
) -> dict[str, Any]:
    """Correct the title, the script (the agents' notice changes with it) or the
    department on duty."""
    user = request_user(request)
    services.incident_change(
        actor=user,
        incident=queries.incident_get_for_user(user, incident_id),
        version=payload.version,
        title=payload.title,
        script=payload.script,
        department_id=payload.department_id,
    )
    return _detail(user, incident_id)


@router.post(
    "/incidents/{int:incident_id}/contacts",
    response={201: InsightsIncidentDetailOut, **errors(403, 409, 422)},
)
def attach_contact(
    request: HttpRequest, incident_id: Id, payload: InsightsIncidentContactIn
) -> Status[dict[str, Any]]:
    """Attach a caller's contact; the open orders opened on it become child orders.
    Attaching it again changes nothing."""
    user = request_user(request)
    services.incident_contact_attach(
        actor=user,
        incident=queries.incident_get_for_user(user, incident_id),
        contact_id=payload.contact_id,
    )
    return Status(201, _detail(user, incident_id))


@router.post(
    "/incidents/{int:incident_id}/orders",
    response={201: InsightsIncidentDetailOut, **errors(403, 409, 422)},
)
def attach_order(
    request: HttpRequest, incident_id: Id, payload: InsightsIncidentOrderIn
) -> Status[dict[str, Any]]:
    """An open work order of an affected customer becomes a child order."""
    user = request_user(request)
    services.incident_order_attach(
        actor=user,
        incident=queries.incident_get_for_user(user, incident_id),
        number=payload.number,
    )
    return Status(201, _detail(user, incident_id))


@router.post(
    "/incidents/{int:incident_id}/dispatch",
    response={200: InsightsIncidentDetailOut, **errors(403, 409, 422)},
)
def dispatch_incident(
    request: HttpRequest, incident_id: Id, payload: InsightsIncidentVersionIn
) -> dict[str, Any]:
    """The one work order to the department on duty, for every caller."""
    user = request_user(request)
    services.incident_dispatch(
        actor=user,
        incident=queries.incident_get_for_user(user, incident_id),
        version=payload.version,
    )
    return _detail(user, incident_id)


@router.post(
    "/incidents/{int:incident_id}/report",
    response={200: InsightsIncidentSentOut, **errors(403)},
)
def send_report(request: HttpRequest, incident_id: Id) -> dict[str, Any]:
    """Send the instant report (000 第8篇) to the departments and the centre's leaders."""
    user = request_user(request)
    told = services.incident_report_send(
        actor=user, incident=queries.incident_get_for_user(user, incident_id)
    )
    return {"told": told}


@router.post(
    "/incidents/{int:incident_id}/close",
    response={200: InsightsIncidentDetailOut, **errors(403, 409, 422)},
)
def close_incident(
    request: HttpRequest, incident_id: Id, payload: InsightsIncidentCloseIn
) -> dict[str, Any]:
    """Close with one reply: a text message to every affected customer, every child
    order (and the incident's own) closed with it."""
    user = request_user(request)
    services.incident_close(
        actor=user,
        incident=queries.incident_get_for_user(user, incident_id),
        version=payload.version,
        reply=payload.reply,
    )
    return _detail(user, incident_id)


@router.post(
    "/incidents/{int:incident_id}/dismiss",
    response={200: InsightsIncidentDetailOut, **errors(403, 409, 422)},
)
def dismiss_incident(
    request: HttpRequest, incident_id: Id, payload: InsightsIncidentDismissIn
) -> dict[str, Any]:
    """A false alarm: the notice is withdrawn, nothing is closed and nobody is written."""
    user = request_user(request)
    services.incident_dismiss(
        actor=user,
        incident=queries.incident_get_for_user(user, incident_id),
        version=payload.version,
        note=payload.note,
    )
    return _detail(user, incident_id)
