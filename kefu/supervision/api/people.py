"""Rectifications and the daily-round compliance over the API at /api/v1/supervision/
(issue 20 point 1): the owner reports a rectification done, the re-check closes it or sends
it back (001 4.1.3); who owed rounds and made them, day by day (4.5)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router

from kefu.core.errors import Forbidden, Invalid
from kefu.core.http import request_user
from kefu.core.models import OrgUnit
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision import queries
from kefu.supervision.api.rounds import SupervisionRectificationOut, rectification_out
from kefu.supervision.models import (
    RectificationState,
)
from kefu.supervision.services import rectifications as services

router = Router(tags=["supervision"])

#: The compliance table covers at most this many days at once.
MAX_COMPLIANCE_DAYS = 92


# ------------------------------------------------------------------------ rectifications


class SupervisionRectificationFilter(StrictSchema):
    state: RectificationState | None = None
    mine: bool = Field(False, description="Only those the caller owns.")


class SupervisionReportIn(StrictSchema):
    version: Version
    note: str = Field(min_length=1, max_length=500, description="What was done.")


class SupervisionRecheckIn(StrictSchema):
    version: Version
    passed: bool = Field(description="True closes it; false sends it back to the owner.")
    note: str = Field("", max_length=500)


@router.get("/rectifications", response=Page[SupervisionRectificationOut])
def list_rectifications(
    request: HttpRequest,
    filters: Query[SupervisionRectificationFilter],
    params: Query[PageParams],
) -> dict[str, Any]:
    user = request_user(request)
    rects = queries.rectifications_of(user)
    if filters.state is not None:
        rects = rects.filter(state=filters.state)
    if filters.mine:
        rects = rects.filter(owner_id=user.pk)
    return page(rects.order_by("deadline", "pk"), params, rectification_out)


@router.get(
    "/rectifications/{int:rectification_id}",
    response={200: SupervisionRectificationOut, **errors(404)},
)
def get_rectification(request: HttpRequest, rectification_id: Id) -> dict[str, Any]:
    return rectification_out(
        queries.rectification_get_for_user(request_user(request), rectification_id)
    )


@router.post(
    "/rectifications/{int:rectification_id}/report",
    response={200: SupervisionRectificationOut, **errors(403, 404, 409, 422)},
)
def report_rectification(
    request: HttpRequest, rectification_id: Id, payload: SupervisionReportIn
) -> dict[str, Any]:
    """The owner reports it done; it waits for the re-check."""
    user = request_user(request)
    rect = queries.rectification_get_for_user(user, rectification_id)
    services.rectification_report(
        actor=user, rectification=rect, version=payload.version, note=payload.note
    )
    return rectification_out(queries.rectification_get_for_user(user, rectification_id))


@router.post(
    "/rectifications/{int:rectification_id}/recheck",
    response={200: SupervisionRectificationOut, **errors(403, 404, 409, 422)},
)
def recheck_rectification(
    request: HttpRequest, rectification_id: Id, payload: SupervisionRecheckIn
) -> dict[str, Any]:
    """The re-check (001 4.1.3): closes it, or sends it back with what still falls short."""
    user = request_user(request)
    rect = queries.rectification_get_for_user(user, rectification_id)
    services.rectification_recheck(
        actor=user,
        rectification=rect,
        version=payload.version,
        passed=payload.passed,
        note=payload.note,
    )
    return rectification_out(queries.rectification_get_for_user(user, rectification_id))


# ---------------------------------------------------------------------------- compliance


class SupervisionComplianceFilter(StrictSchema):
    first: date | None = Field(None, description="The first day; a week ago when left out.")
    last: date | None = Field(None, description="The last day; today when left out.")
    team_id: Id | None = None


class SupervisionComplianceDayOut(Out):
    day: date
    owed: int
    made: int
    status: Literal["met", "missed", "open", "off"] = Field(
        description="met, missed, open (today, not met yet: nothing missed until the day "
        "ends) or off (not on duty)."
    )


class SupervisionComplianceRowOut(Out):
    person_id: int
    name: str
    role: str
    rank: int = Field(description="1 for who missed most; equal shortfalls share a rank.")
    duty_from: str = Field(description="rota, calendar or every_day: how duty days are known.")
    owed: int
    made: int
    missing: int
    days: list[SupervisionComplianceDayOut]


class SupervisionComplianceOut(Out):
    first: date
    last: date
    rows: list[SupervisionComplianceRowOut]
    months_without_spot_check: list[str] = Field(description="YYYY-MM")


@router.get("/compliance", response={200: SupervisionComplianceOut, **errors(403, 422)})
def get_compliance(
    request: HttpRequest, filters: Query[SupervisionComplianceFilter]
) -> dict[str, Any]:
    """Who owed rounds and who made them, day by day (001 4.5): team leaders two a day,
    managers one, on the days they are on duty."""
    user = request_user(request)
    if not queries.may_view(user) or user.centre_id is None:
        raise Forbidden()
    last = filters.last or timezone.localdate()
    first = filters.first or last - timedelta(days=6)
    if first > last or (last - first).days >= MAX_COMPLIANCE_DAYS:
        raise Invalid(
            _("Choose a period of 1 to 92 days."), code="period", detail={"field": "first"}
        )
    centre = OrgUnit.objects.select_related("calendar").get(pk=user.centre_id)
    result = queries.compliance_of(centre, first, last, filters.team_id)
    return {
        "first": first,
        "last": last,
        "rows": [
            {
                "person_id": row.person.id,
                "name": row.person.name,
                "role": row.person.role,
                "rank": row.rank,
                "duty_from": row.source.value,
                "owed": row.owed,
                "made": row.made,
                "missing": row.missing,
                "days": [
                    {"day": d.day, "owed": d.owed, "made": d.made, "status": d.status.value}
                    for d in row.days
                ],
            }
            for row in result.rows
        ],
        "months_without_spot_check": [
            f"{year:04d}-{month:02d}" for year, month in result.months_without_spot_check
        ],
    }
