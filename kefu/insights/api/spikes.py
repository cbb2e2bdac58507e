"""The spike rules over the API at /api/v1/insights/spike-rules (issue 21 point 1): the
managers' thresholds of the fault-spike detection. A create answers 201 and honours
`Idempotency-Key` (kefu.core.idempotency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.insights.models import SpikeRule
from kefu.insights.queries.spikes import spike_rule_get_for_user, spike_rules_visible_to
from kefu.insights.services.spike_rules import spike_rule_delete, spike_rule_save

router = Router(tags=["insights"])

MinCount = Annotated[int, Field(ge=1, le=10_000)]
Ratio = Annotated[Decimal, Field(ge=1, le=100, max_digits=5, decimal_places=2)]


class InsightsSpikeRuleIn(StrictSchema):
    region_id: Id | None = Field(None, description="None: every region.")
    reason_id: Id | None = Field(
        None, description="A business type or service content; None: every fault reason."
    )
    min_count: MinCount = 20
    ratio: Ratio = Decimal("3.00")
    active: bool = True


class InsightsSpikeRuleOut(Out):
    id: int
    region_id: int | None
    region_name: str | None
    reason_id: int | None
    reason_name: str | None
    min_count: int
    ratio: Decimal
    active: bool


def _out(rule: SpikeRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "region_id": rule.region_id,
        "region_name": rule.region.name if rule.region else None,
        "reason_id": rule.reason_id,
        "reason_name": rule.reason.name if rule.reason else None,
        "min_count": rule.min_count,
        "ratio": rule.ratio,
        "active": rule.active,
    }


@router.get("/spike-rules", response={200: Page[InsightsSpikeRuleOut], **errors(403)})
def list_spike_rules(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The centre's spike rules (managers): a count of fault contacts and orders in a
    15-minute step is a spike at or above `min_count` and `ratio` times its baseline; the
    most specific rule for a region and reason wins."""
    return page(spike_rules_visible_to(request_user(request)), params, _out)


@router.post("/spike-rules", response={201: InsightsSpikeRuleOut, **errors(403, 409, 422)})
def create_spike_rule(request: HttpRequest, payload: InsightsSpikeRuleIn) -> Status[dict[str, Any]]:
    """A rule for a region and reason not ruled yet (409 when one is)."""
    rule = spike_rule_save(actor=request_user(request), **payload.model_dump())
    return Status(201, _out(spike_rule_get_for_user(request_user(request), rule.pk)))


@router.get("/spike-rules/{int:rule_id}", response={200: InsightsSpikeRuleOut, **errors(403, 404)})
def get_spike_rule(request: HttpRequest, rule_id: Id) -> dict[str, Any]:
    return _out(spike_rule_get_for_user(request_user(request), rule_id))


@router.put(
    "/spike-rules/{int:rule_id}", response={200: InsightsSpikeRuleOut, **errors(403, 404, 409, 422)}
)
def update_spike_rule(
    request: HttpRequest, rule_id: Id, payload: InsightsSpikeRuleIn
) -> dict[str, Any]:
    user = request_user(request)
    rule = spike_rule_save(
        actor=user, rule=spike_rule_get_for_user(user, rule_id), **payload.model_dump()
    )
    return _out(spike_rule_get_for_user(user, rule.pk))


@router.delete("/spike-rules/{int:rule_id}", response={204: None, **errors(403, 404)})
def delete_spike_rule(request: HttpRequest, rule_id: Id) -> Status[None]:
    user = request_user(request)
    spike_rule_delete(actor=user, rule=spike_rule_get_for_user(user, rule_id))
    return Status(204, None)
