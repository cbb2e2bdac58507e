"""The feedback to departments over the API at /api/v1/insights/ (issue 21 point 3): the
departments a user may read, a department's daily, weekly or monthly report, and the
e-mail subscriptions (list, create, change). A create answers 201 and so honours
`Idempotency-Key` (kefu.core.idempotency); a change carries the version it was read at
(409 when stale)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.core.validation import Day
from kefu.insights.models import FeedbackPeriod, FeedbackSubscription, IncidentState
from kefu.insights.queries import feedback as queries
from kefu.insights.services import feedback as services

router = Router(tags=["insights"])

#: An e-mail address as typed (checked by the service).
Address = Annotated[str, Field(max_length=254)]


class InsightsFeedbackFilter(StrictSchema):
    department_id: Id
    period: FeedbackPeriod = FeedbackPeriod.DAILY
    day: Day | None = Field(None, description="A day of the period; today.")


class InsightsFeedbackSubscriptionFilter(StrictSchema):
    department_id: Id | None = None


class InsightsFeedbackSubscriptionIn(StrictSchema):
    department_id: Id
    period: FeedbackPeriod
    recipients: list[Address] = Field(
        default_factory=list,
        max_length=30,
        description="E-mail addresses; none: the department's handlers'.",
    )
    active: bool = True


class InsightsFeedbackSubscriptionChangeIn(StrictSchema):
    version: Version
    recipients: list[Address] = Field(default_factory=list, max_length=30)
    active: bool


class InsightsFeedbackDepartmentOut(Out):
    id: int
    name: str


class InsightsFeedbackSubscriptionOut(Out):
    id: int
    department_id: int
    department_name: str
    period: FeedbackPeriod
    recipients: list[str]
    active: bool
    last_sent_for: dt.date | None
    version: int


class InsightsFeedbackReasonOut(Out):
    reason_id: int | None
    label: str
    contacts: int
    before: int


class InsightsFeedbackTopicOut(Out):
    reason_id: int
    label: str
    contacts: int
    before: int
    new: bool
    ratio: float | None = Field(description="The rise as a share of before; none when new.")


class InsightsFeedbackExampleOut(Out):
    reason_id: int | None
    label: str
    started_at: dt.datetime
    summary: str


class InsightsFeedbackCategoryOut(Out):
    category_id: int | None
    label: str
    orders: int


class InsightsFeedbackIncidentOut(Out):
    id: int
    title: str
    state: IncidentState
    region_name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    contacts: int


class InsightsFeedbackOrdersOut(Out):
    received: int
    complaints: int
    closed: int
    open_now: int
    overdue_now: int
    urges: int
    refused: int
    reopened: int
    rework: int
    categories: list[InsightsFeedbackCategoryOut]


class InsightsFeedbackTimelinessOut(Out):
    returned: int
    returned_on_time: int
    on_time_rate: float | None
    mean_handling_hours: float | None


class InsightsFeedbackReportOut(Out):
    department_id: int
    department_name: str
    period: FeedbackPeriod
    first_day: dt.date
    last_day: dt.date
    start: dt.datetime
    end: dt.datetime
    running: bool
    before_start: dt.datetime
    before_end: dt.datetime
    contacts: int
    contacts_before: int
    reasons: list[InsightsFeedbackReasonOut]
    topics: list[InsightsFeedbackTopicOut]
    examples: list[InsightsFeedbackExampleOut]
    orders: InsightsFeedbackOrdersOut
    timeliness: InsightsFeedbackTimelinessOut
    incidents: list[InsightsFeedbackIncidentOut]


def report_json(report: queries.FeedbackReport) -> dict[str, Any]:
    span = report.span
    return {
        "department_id": report.department.pk,
        "department_name": report.department.name,
        "period": span.period,
        "first_day": span.first,
        "last_day": span.last,
        "start": span.start,
        "end": span.end,
        "running": span.running,
        "before_start": span.before_start,
        "before_end": span.before_end,
        "contacts": report.contacts,
        "contacts_before": report.contacts_before,
        "reasons": [
            {"reason_id": r.reason_id, "label": r.label, "contacts": r.count, "before": r.before}
            for r in report.reasons
        ],
        "topics": [
            {
                "reason_id": t.reason_id,
                "label": t.label,
                "contacts": t.count,
                "before": t.before,
                "new": t.new,
                "ratio": t.ratio,
            }
            for t in report.topics
        ],
        "examples": [
            {
                "reason_id": e.reason_id,
                "label": e.label,
                "started_at": e.started_at,
                "summary": e.summary,
            }
            for e in report.examples
        ],
        "orders": {
            "received": report.received,
            "complaints": report.complaints,
            "closed": report.closed,
            "open_now": report.open_now,
            "overdue_now": report.overdue_now,
            "urges": report.urges,
            "refused": report.refused,
            "reopened": report.reopened,
            "rework": report.rework,
            "categories": [
                {"category_id": c.category_id, "label": c.label, "orders": c.count}
                for c in report.categories
            ],
        },
        "timeliness": {
            "returned": report.returned,
            "returned_on_time": report.returned_on_time,
            "on_time_rate": report.on_time_rate,
            "mean_handling_hours": report.mean_handling_hours,
        },
        "incidents": [
            {
                "id": row.incident.pk,
                "title": row.incident.title,
                "state": row.incident.state,
                "region_name": row.incident.region.name if row.incident.region else "",
                "opened_at": row.incident.opened_at,
                "closed_at": row.incident.closed_at,
                "contacts": row.contacts,
            }
            for row in report.incidents
        ],
    }


def _subscription(row: FeedbackSubscription) -> dict[str, Any]:
    return {
        "id": row.pk,
        "department_id": row.department_id,
        "department_name": row.department.name,
        "period": row.period,
        "recipients": row.recipients.split(),
        "active": row.active,
        "last_sent_for": row.last_sent_for,
        "version": row.version,
    }


@router.get("/feedback/departments", response=list[InsightsFeedbackDepartmentOut])
def list_departments(request: HttpRequest) -> list[dict[str, Any]]:
    """The departments whose feedback report the caller may read."""
    return [
        {"id": unit.pk, "name": unit.name}
        for unit in queries.departments_for(request_user(request))
    ]


@router.get("/feedback/report", response={200: InsightsFeedbackReportOut, **errors(404, 422)})
def get_report(request: HttpRequest, filters: Query[InsightsFeedbackFilter]) -> dict[str, Any]:
    """A department's report for the day, ISO week or calendar month holding `day`, up to
    now while it runs (seed 000 第8篇: 日报、周报、月报)."""
    report = queries.feedback_get_for_user(
        request_user(request), filters.department_id, filters.period, filters.day
    )
    return report_json(report)


@router.get("/feedback/subscriptions", response=Page[InsightsFeedbackSubscriptionOut])
def list_subscriptions(
    request: HttpRequest,
    filters: Query[InsightsFeedbackSubscriptionFilter],
    params: Query[PageParams],
) -> dict[str, Any]:
    """The e-mail subscriptions of the departments the caller may read."""
    rows = queries.subscriptions_of(request_user(request), filters.department_id)
    return page(rows, params, _subscription)


@router.post(
    "/feedback/subscriptions",
    response={201: InsightsFeedbackSubscriptionOut, **errors(403, 409, 422)},
)
def create_subscription(
    request: HttpRequest, payload: InsightsFeedbackSubscriptionIn
) -> Status[dict[str, Any]]:
    """Subscribe a department to its report of a period (one per department and
    period); without recipients, its handlers' e-mail addresses."""
    user = request_user(request)
    row = services.feedback_subscription_create(
        actor=user,
        department_id=payload.department_id,
        period=payload.period,
        recipients=payload.recipients,
        active=payload.active,
    )
    return Status(201, _subscription(queries.subscription_get_for_user(user, row.pk)))


@router.put(
    "/feedback/subscriptions/{int:subscription_id}",
    response={200: InsightsFeedbackSubscriptionOut, **errors(403, 404, 409, 422)},
)
def change_subscription(
    request: HttpRequest, subscription_id: Id, payload: InsightsFeedbackSubscriptionChangeIn
) -> dict[str, Any]:
    """Change a subscription's recipients, or pause it."""
    user = request_user(request)
    queries.subscription_get_for_user(user, subscription_id)
    row = services.feedback_subscription_update(
        actor=user,
        subscription_id=subscription_id,
        version=payload.version,
        recipients=payload.recipients,
        active=payload.active,
    )
    return _subscription(queries.subscription_get_for_user(user, row.pk))
