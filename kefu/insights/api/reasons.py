"""Call-reason suggestions over the API at /api/v1/insights/reasons/ (issue 21 point 2):
the top three reasons of a summary, the centre's model with its figures and acceptance
rate, training it again, and the threshold below which nothing is suggested."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.schemas import Out, StrictSchema, errors
from kefu.insights.models import ReasonModel
from kefu.insights.queries import reasons as queries
from kefu.insights.reasons import MAX_TEXT
from kefu.insights.services import reasons as services

router = Router(tags=["insights"])


class InsightsReasonSuggestIn(StrictSchema):
    summary: str = Field(min_length=1, max_length=MAX_TEXT)


class InsightsReasonSuggestionOut(Out):
    reason_id: int
    code: str
    business_type: str
    service_content: str
    label: str = Field(description="What the workbench's call-reason box takes.")
    confidence: float = Field(ge=0, le=1)


class InsightsReasonSuggestOut(Out):
    suggestions: list[InsightsReasonSuggestionOut] = Field(
        description="At most three, likeliest first, none below the threshold."
    )
    threshold: Decimal
    model_trained: bool = Field(description="False before the centre's first training.")


class InsightsReasonRecallOut(Out):
    reason_id: int
    label: str
    support: int
    recall: float | None


class InsightsReasonAcceptanceOut(Out):
    days: int
    matched: int = Field(description="Contacts saved after suggestions were shown.")
    top1: int
    top3: int = Field(description="Saved with one of the three (the first included).")
    none: int
    top1_rate: float | None
    top3_rate: float | None


class InsightsReasonModelOut(Out):
    id: int
    trained_at: datetime
    size: int
    reasons: int
    held_out: int
    top1: float
    top3: float
    per_reason: list[InsightsReasonRecallOut]
    threshold: Decimal
    acceptance: list[InsightsReasonAcceptanceOut]


class InsightsReasonThresholdIn(StrictSchema):
    threshold: Decimal = Field(ge=Decimal("0.01"), le=Decimal("0.99"), decimal_places=2)


class InsightsReasonSettingsOut(Out):
    threshold: Decimal


def _model_out(model: ReasonModel) -> dict[str, Any]:
    return {
        "id": model.pk,
        "trained_at": model.trained_at,
        "size": model.size,
        "reasons": model.reasons,
        "held_out": model.held_out,
        "top1": model.top1,
        "top3": model.top3,
        "per_reason": [vars(row) for row in queries.per_reason_rows(model)],
        "threshold": queries.threshold_of(model.centre_id),
        "acceptance": [
            {**vars(a), "top1_rate": a.top1_rate, "top3_rate": a.top3_rate}
            for a in (
                queries.acceptance(model.centre_id, days=days)
                for days in queries.ACCEPTANCE_WINDOWS
            )
        ],
    }


@router.post("/reasons/suggest", response={200: InsightsReasonSuggestOut, **errors(403, 422)})
def suggest(request: HttpRequest, payload: InsightsReasonSuggestIn) -> dict[str, Any]:
    """The likeliest call reasons of a contact's summary (nothing is recorded)."""
    found = services.reason_suggest(actor=request_user(request), summary=payload.summary)
    return {
        "suggestions": [
            {
                "reason_id": c.id,
                "code": c.code,
                "business_type": c.business_type,
                "service_content": c.service_content,
                "label": c.label,
                "confidence": round(c.confidence, 4),
            }
            for c in found.choices
        ],
        "threshold": found.threshold,
        "model_trained": found.model_id is not None,
    }


@router.get("/reasons/model", response={200: InsightsReasonModelOut, **errors(403, 404)})
def get_model(request: HttpRequest) -> dict[str, Any]:
    """The model serving the manager's centre: its held-out figures and acceptance rate."""
    return _model_out(queries.reason_model_get_for_user(request_user(request)))


@router.post("/reasons/model", response={201: InsightsReasonModelOut, **errors(403, 422)})
def train_model(request: HttpRequest) -> Status[dict[str, Any]]:
    """Train the centre's model again on its classified contacts now (takes seconds)."""
    model = services.reason_model_train(actor=request_user(request))
    return Status(201, _model_out(model))


@router.put("/reasons/settings", response={200: InsightsReasonSettingsOut, **errors(403, 422)})
def set_threshold(request: HttpRequest, payload: InsightsReasonThresholdIn) -> dict[str, Any]:
    """The lowest confidence a suggestion is shown with (0.01 to 0.99)."""
    row = services.reason_threshold_set(actor=request_user(request), threshold=payload.threshold)
    return {"threshold": row.threshold}
