"""Repeats and escalation risk over the API at /api/v1/insights/ (issue 21 point 4): the
repeat contacts per call reason over a period with examples, the repeat contacts
themselves, the open orders by escalation risk with its reasons, and a sweep at once.
Likely duplicates are the work orders' own (`GET /tickets/{number}/duplicates`, and the
answer of `POST /tickets`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router

from kefu.contacts.models import Contact
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Out, StrictSchema
from kefu.core.validation import Day
from kefu.insights.period import period_of
from kefu.insights.queries.repeats import repeats_by_reason, repeats_of_period
from kefu.insights.queries.risk import risky_orders
from kefu.insights.services.risk import risk_sweep_now
from kefu.tickets.api import RiskReasonOut
from kefu.tickets.models import Ticket
from kefu.tickets.risk_reasons import reason_text

router = Router(tags=["insights"])


class InsightsPeriodFilter(StrictSchema):
    since: Day | None = Field(None, description="First day; six days before `until`.")
    until: Day | None = Field(None, description="Last day (included); today.")


class InsightsRepeatFilter(InsightsPeriodFilter):
    reason: str | None = Field(None, max_length=64, description="A service content's code.")


class InsightsRepeatContactOut(Out):
    id: int
    started_at: dt.datetime
    caller_number: str
    customer_id: int | None
    reason: str | None
    summary: str
    repeat_of: int
    repeat_of_started_at: dt.datetime


class InsightsReasonRepeatsOut(Out):
    code: str
    label: str
    contacts: int
    repeats: int
    share: float | None
    examples: list[InsightsRepeatContactOut]


class InsightsRepeatsOut(Out):
    since: dt.date
    until: dt.date
    window_days: int
    contacts: int
    repeats: int
    reasons: list[InsightsReasonRepeatsOut]


class InsightsRiskFilter(StrictSchema):
    min_score: int = Field(1, ge=0, le=100, description="The lowest score listed.")


class InsightsRiskOut(Out):
    number: str
    title: str
    state: str
    urgency: str
    stage_due_at: dt.datetime | None
    escalation_risk: int
    risk_reasons: list[RiskReasonOut]


class InsightsSweepOut(Out):
    changed: int


def repeat_out(contact: Contact) -> dict[str, Any]:
    assert contact.repeat_of is not None  # noqa: S101 (a repeat has its mark)
    return {
        "id": contact.pk,
        "started_at": contact.started_at,
        "caller_number": mask_phone(contact.caller_number),
        "customer_id": contact.customer_id,
        "reason": contact.service_content.code if contact.service_content else None,
        "summary": contact.summary,
        "repeat_of": contact.repeat_of_id,
        "repeat_of_started_at": contact.repeat_of.started_at,
    }


@router.get("/repeats", response=InsightsRepeatsOut)
def repeats_get(request: HttpRequest, filters: Query[InsightsPeriodFilter]) -> dict[str, Any]:
    """Repeat contacts (重复来电) per call reason over the period, most repeats first, with
    the latest few of each: a contact repeats an earlier one of the same caller on the
    same reason within the centre's window (`window_days`, the first-contact figure's)."""
    days = period_of(filters.since, filters.until)
    report = repeats_by_reason(request_user(request), days.start, days.end)
    return {
        "since": days.first,
        "until": days.last,
        "window_days": report.window_days,
        "contacts": report.contacts,
        "repeats": report.repeats,
        "reasons": [
            {
                "code": row.code,
                "label": row.label,
                "contacts": row.contacts,
                "repeats": row.repeats,
                "share": row.share,
                "examples": [repeat_out(contact) for contact in row.examples],
            }
            for row in report.reasons
        ],
    }


@router.get("/repeats/contacts", response=Page[InsightsRepeatContactOut])
def repeat_contacts(
    request: HttpRequest, filters: Query[InsightsRepeatFilter], paging: Query[PageParams]
) -> dict[str, Any]:
    """The repeat contacts of the period (of one reason), newest first."""
    days = period_of(filters.since, filters.until)
    return page(
        repeats_of_period(request_user(request), days.start, days.end, reason=filters.reason),
        paging,
        repeat_out,
    )


def risk_out(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "title": ticket.title,
        "state": ticket.state,
        "urgency": ticket.urgency,
        "stage_due_at": ticket.stage_due_at,
        "escalation_risk": ticket.escalation_risk,
        "risk_reasons": [
            {"code": reason["code"], "points": reason.get("points", 0), "text": reason_text(reason)}
            for reason in ticket.risk_reasons
        ],
    }


@router.get("/risk", response=Page[InsightsRiskOut])
def risk_list(
    request: HttpRequest, filters: Query[InsightsRiskFilter], paging: Query[PageParams]
) -> dict[str, Any]:
    """The open orders by escalation risk (升级风险), highest first, with the reasons."""
    return page(risky_orders(request_user(request), filters.min_score), paging, risk_out)


@router.post("/risk/sweep", response=InsightsSweepOut)
def risk_sweep(request: HttpRequest) -> dict[str, Any]:
    """Score the centre's open orders now (the worker does it every five minutes)."""
    return {"changed": risk_sweep_now(actor=request_user(request))}
