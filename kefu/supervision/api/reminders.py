"""Reminding missing work reports over the API at /api/v1/supervision/ (issue 20 point 6;
002 第14篇): a reviewer reminds one of their people, or everyone who has not submitted the
period's report. Safe to retry: nobody is reminded twice the same day for one period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router

from kefu.core.http import request_user
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.supervision.models import ReportKind
from kefu.supervision.services import reminders as services

router = Router(tags=["supervision"])


class SupervisionRemindIn(StrictSchema):
    kind: ReportKind
    day: date = Field(description="Any day of the report's period.")
    person_ids: list[Id] | None = Field(
        None, max_length=500, description="Leave out to remind everyone missing."
    )


class SupervisionRemindedOut(Out):
    reminded_ids: list[int] = Field(description="Told now (not those told already today).")


@router.post("/work-reports/reminders", response={200: SupervisionRemindedOut, **errors(403, 422)})
def remind_reports(request: HttpRequest, payload: SupervisionRemindIn) -> dict[str, Any]:
    told = services.reports_remind(
        actor=request_user(request),
        kind=payload.kind.value,
        day=payload.day,
        person_ids=payload.person_ids,
    )
    return {"reminded_ids": [person.pk for person in told]}
