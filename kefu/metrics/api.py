from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kefu.core.errors import Invalid
from kefu.core.http import request_user
from kefu.core.queries import centre_for
from kefu.core.roles import VIEW_REPORTS
from kefu.core.schemas import StrictSchema
from kefu.core.validation import Instant
from kefu.metrics import queries, reports, services, standards

router = Router(tags=["metrics"])


class SummaryParams(StrictSchema):
    start: Instant = Field(alias="from")
    end: Instant = Field(alias="to")
    queue: str | None = Field(None, max_length=128)


class WindowOut(Schema):
    start: dt.datetime = Field(serialization_alias="from")
    end: dt.datetime = Field(serialization_alias="to")


class RulesOut(Schema):
    service_level_seconds: int
    short_abandon_seconds: int
    fcr_window_days: int


class SummaryOut(Schema):
    """`from` and `to` are the window counted: the roll-ups hold whole 15-minute intervals,
    so a window off that grid is widened to the intervals it touches; `requested` is the
    window asked for. `rules` are the thresholds the figures were counted with."""

    start: dt.datetime = Field(serialization_alias="from")
    end: dt.datetime = Field(serialization_alias="to")
    requested: WindowOut
    rules: RulesOut
    indicators: dict[str, float | None]


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@router.get("/summary", response=SummaryOut, by_alias=True)
def summary(request: HttpRequest, params: Query[SummaryParams]) -> dict[str, Any]:
    """Every indicator for [from, to), rates as fractions, null where not available."""
    centre = centre_for(request_user(request), VIEW_REPORTS)
    start, end = _aware(params.start), _aware(params.end)
    if end <= start:
        raise Invalid("to must come after from", code="period_empty", detail={"field": "to"})
    result = reports.summary_json(centre, queries.Period(start, end), queue=params.queue)
    return {
        "start": result["from"],
        "end": result["to"],
        "requested": {"start": start, "end": end},
        "rules": result["rules"],
        "indicators": result["indicators"],
    }


class ReportParams(StrictSchema):
    date: dt.date
    scope: Literal["centre", "queue", "team", "agent"] = "centre"
    name: str | None = Field(None, max_length=128)


@router.get("/reports/{kind}")
def report(
    request: HttpRequest, kind: Literal["daily", "weekly", "monthly"], params: Query[ReportParams]
) -> dict[str, Any]:
    centre = centre_for(request_user(request), VIEW_REPORTS)
    try:
        built = reports.kept(centre, kind, params.date, scope=params.scope, name=params.name)
    except ValueError as error:
        raise Invalid(str(error), code="report_invalid") from error
    return reports.as_json(built)


class StandardOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    group: str
    industry_average: str
    low: float | None
    high: float | None
    direction: Literal["higher", "lower", "range"] | None
    formula: str
    seed: str
    seed_term: str
    target_basis: str
    target_note: str
    actions: list[str]


@router.get("/indicators", response=list[StandardOut])
def indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """The catalogue: each indicator's one name and definition, its seed source, and this
    centre's target with the direction that is good."""
    centre = centre_for(request_user(request), VIEW_REPORTS)
    targets = queries.targets_of(centre)
    return [
        {
            "code": standard.code,
            "name": str(standard.name),
            "definition": str(standard.definition),
            "unit": standard.unit.value,
            "group": str(standard.group),
            "industry_average": standard.industry_average,
            "low": target.low if (target := targets.get(standard.code)) else None,
            "high": target.high if target else None,
            "direction": target.direction.value if target else None,
            "formula": str(standard.formula or ""),
            "seed": standard.seed,
            "seed_term": standard.seed_term,
            "target_basis": standard.target_basis,
            "target_note": str(standard.target_note or ""),
            "actions": [str(action) for action in standard.actions],
        }
        for standard in standards.STANDARDS
    ]


class TargetIn(StrictSchema):
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)


@router.put("/targets/{code}", response=StandardOut)
def target_put(request: HttpRequest, code: str, payload: TargetIn) -> dict[str, Any]:
    """Set this centre's target range for one indicator (both bounds null: no target)."""
    user = request_user(request)
    services.target_set(actor=user, code=code, low=payload.low, high=payload.high)
    return next(item for item in indicators(request) if item["code"] == code)
