from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Int32, Out, StrictSchema, Version, errors
from kefu.core.validation import Instant
from kefu.customers.models import Tier
from kefu.tickets import services
from kefu.tickets.lifecycle import Action, CallbackOutcome, State
from kefu.tickets.models import (
    DispatchRule,
    EscalationSource,
    Kind,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TimeLimitPolicy,
    Urgency,
)
from kefu.tickets.queries import (
    actions_for,
    dispatch_rules_visible_to,
    policies_visible_to,
    ticket_duplicates,
    ticket_events,
    ticket_get_for_user,
    ticket_list,
    ticket_stage_spans,
    ticket_status,
    with_list_relations,
)
from kefu.tickets.risk_reasons import reason_text
from kefu.tickets.services.steps import EXTENSION_MAX_MINUTES

router = Router(tags=["work orders"])

ReplyChannel = Literal["email", "letter", "phone", "sms", "visit", "wechat"]
Status_ = Literal["ok", "warning", "overdue"]
Stage = Literal["", "review", "take", "return", "verify", "reply", "callback"]


class Ref(Out):
    code: str
    name: str


class CustomerRef(Out):
    id: int
    name: str


RiskCode = Literal["urges", "repeats", "anger", "tier", "dissatisfied", "reopened"]


class RiskReasonOut(Out):
    """One reason of an order's escalation risk (升级风险), with its points."""

    code: RiskCode
    points: int
    text: str


class TicketOut(Out):
    number: str
    state: State
    version: int
    kind: Kind
    category: Ref | None
    urgency: Urgency
    customer: CustomerRef
    title: str
    description: str
    department: Ref | None
    assignee: str | None
    suspended: bool
    escalated: bool
    rework_count: int
    urge_count: int
    reopen_count: int
    result: str
    satisfied: bool | None
    callback_outcome: CallbackOutcome | Literal[""]
    callback_attempts: int
    incomplete: bool
    extension_pending_minutes: int | None
    extension_minutes: int
    merged_into: str | None
    stage: Stage
    stage_started_at: datetime | None
    stage_warn_at: datetime | None
    stage_due_at: datetime | None
    warn_at: datetime | None
    due_at: datetime | None
    status: Status_
    allowed_actions: list[Action]
    created_at: datetime
    closed_at: datetime | None
    escalation_risk: int
    risk_reasons: list[RiskReasonOut]


class DuplicateOut(Out):
    """An open order that is likely the same request (issue 21 point 4)."""

    number: str
    title: str
    created_at: datetime
    similarity: float
    same_customer: bool
    same_address: bool
    may_merge: bool  # merge takes only the same customer's orders, by the back office


class TicketCreatedOut(TicketOut):
    likely_duplicates: list[DuplicateOut]


class EventOut(Schema):
    seq: int
    at: datetime
    actor: str | None
    action: str
    from_state: State | Literal[""]
    to_state: State | Literal[""]
    note: str
    data: dict[str, Any]


class StageOut(Schema):
    stage: str
    started_at: datetime
    ended_at: datetime | None
    used_seconds: int
    due_at: datetime | None
    on_time: bool | None


class TicketAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    step: int
    uploaded_by: str
    uploaded_at: datetime
    url: str


class TicketDetailOut(TicketOut):
    events: list[EventOut]
    stages: list[StageOut]
    attachments: list[TicketAttachmentOut]


class TicketIn(StrictSchema):
    customer_id: Id
    kind: Kind
    category: str | None = Field(None, max_length=64)
    urgency: Urgency = Urgency.NORMAL
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    contact_id: Id | None = None


class TicketFilters(StrictSchema):
    state: State | Literal["open"] | None = None
    kind: Kind | None = None
    category: str | None = Field(None, max_length=64)
    department: str | None = Field(None, max_length=64)
    customer_id: Id | None = None
    assignee: str | None = Field(None, max_length=150)
    created_since: Instant | None = None
    created_until: Instant | None = None
    warning: bool | None = None
    overdue: bool | None = None
    q: str | None = Field(None, max_length=100)
    sort: Literal["due"] | None = None
    escalation: Literal["external", "internal", "urge"] | None = None


class TicketActionIn(StrictSchema):
    version: Version
    department: str | None = Field(None, max_length=64)
    result: str = Field("", max_length=4000)
    reason: str = Field("", max_length=1000)
    channel: ReplyChannel | Literal[""] = ""
    text: str = Field("", max_length=4000)
    satisfied: bool | None = None
    note: str = Field("", max_length=1000)
    source: EscalationSource | Literal[""] = ""
    into: str | None = Field(None, max_length=20)
    assignee: str | None = Field(None, max_length=150, description="pass_on: the colleague")
    minutes: int | None = Field(
        None, ge=1, le=EXTENSION_MAX_MINUTES, description="request_extension: working minutes"
    )
    outcome: CallbackOutcome | Literal[""] = Field("", description="callback: what it found")


class AwayIn(StrictSchema):
    backup: str | None = Field(None, max_length=150)
    until: Instant | None = Field(None, description="None: back now")


class AwayOut(Schema):
    passed_on: list[str]


def ticket_out(ticket: Ticket, user: User) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "state": ticket.state,
        "version": ticket.version,
        "kind": ticket.kind,
        "category": ticket.category,
        "urgency": ticket.urgency,
        "customer": {"id": ticket.customer_id, "name": ticket.customer.name},
        "title": ticket.title,
        "description": ticket.description,
        "department": ticket.department,
        "assignee": ticket.assignee.username if ticket.assignee else None,
        "suspended": ticket.suspended,
        "escalated": ticket.escalated,
        "rework_count": ticket.rework_count,
        "urge_count": ticket.urge_count,
        "reopen_count": ticket.reopen_count,
        "result": ticket.result,
        "satisfied": ticket.satisfied,
        "callback_outcome": ticket.callback_outcome,
        "callback_attempts": ticket.callback_attempts,
        "incomplete": ticket.incomplete,
        "extension_pending_minutes": ticket.extension_pending,
        "extension_minutes": ticket.extension_minutes,
        "merged_into": ticket.merged_into.number if ticket.merged_into else None,
        "stage": ticket.stage,
        "stage_started_at": ticket.stage_started_at,
        "stage_warn_at": ticket.stage_warn_at,
        "stage_due_at": ticket.stage_due_at,
        "warn_at": ticket.warn_at,
        "due_at": ticket.due_at,
        "status": ticket_status(ticket, timezone.now()),
        "allowed_actions": actions_for(user, ticket),
        "created_at": ticket.created_at,
        "closed_at": ticket.closed_at,
        "escalation_risk": ticket.escalation_risk,
        "risk_reasons": [
            {"code": reason["code"], "points": reason.get("points", 0), "text": reason_text(reason)}
            for reason in ticket.risk_reasons
        ],
    }


def duplicates_out(user: User, ticket: Ticket) -> list[dict[str, Any]]:
    may_merge = Action.MERGE in actions_for(user, ticket)
    return [
        {
            "number": found.ticket.number,
            "title": found.ticket.title,
            "created_at": found.ticket.created_at,
            "similarity": found.likely.score,
            "same_customer": found.likely.same_customer,
            "same_address": found.likely.same_address,
            "may_merge": may_merge and found.likely.same_customer,
        }
        for found in ticket_duplicates(user, ticket)
    ]


def event_out(event: TicketEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at,
        "actor": event.actor.username if event.actor else None,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "note": event.note,
        "data": event.data,
    }


def _detail(user: User, number: str) -> dict[str, Any]:
    ticket = ticket_get_for_user(user, number)
    events = list(ticket_events(ticket))
    return {
        **ticket_out(ticket, user),
        "events": [event_out(event) for event in events],
        "stages": [
            {
                "stage": span.stage,
                "started_at": span.started_at,
                "ended_at": span.ended_at,
                "used_seconds": int(span.used.total_seconds()),
                "due_at": span.due_at,
                "on_time": span.on_time,
            }
            for span in ticket_stage_spans(ticket, events)
        ],
        "attachments": [attachment_out(row) for row in ticket.attachments.all()],
    }


def attachment_out(row: TicketAttachment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "content_type": row.content_type,
        "size": row.size,
        "step": row.event_seq,
        "uploaded_by": row.uploaded_by.username,
        "uploaded_at": row.uploaded_at,
        "url": reverse("ticket_attachment", args=[row.pk]),
    }


@router.post("", response={201: TicketCreatedOut})
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    """受理. The answer names the open orders that are likely the same request, to merge
    this one into (`POST /tickets/{number}/merge`)."""
    user = request_user(request)
    ticket = services.ticket_create(actor=user, **payload.dict())
    return Status(
        201, {**ticket_out(ticket, user), "likely_duplicates": duplicates_out(user, ticket)}
    )


@router.get("", response=Page[TicketOut])
def list_tickets(
    request: HttpRequest, filters: Query[TicketFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    user = request_user(request)
    return page(
        ticket_list(user, **filters.dict()),
        paging,
        lambda ticket: ticket_out(ticket, user),
        load=with_list_relations,
    )


@router.get("/{number}/duplicates", response=list[DuplicateOut])
def ticket_duplicates_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """The open orders likely to be the same request as this one, the most similar first."""
    user = request_user(request)
    return duplicates_out(user, ticket_get_for_user(user, number))


@router.get("/{number}", response=TicketDetailOut)
def get_ticket(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(request_user(request), number)


@router.post("/{number}/attachments", response={201: list[TicketAttachmentOut]})
def attach_to_ticket(
    request: HttpRequest, number: str, files: File[list[UploadedFile]]
) -> Status[list[dict[str, Any]]]:
    """A multipart upload (`files`, up to 10): photos, PDF, Office documents or text, each
    10 MB at most, attached to the order's latest step. Only its holder or the back office
    attaches."""
    rows = services.ticket_attach(actor=request_user(request), number=number, uploads=files)
    return Status(201, [attachment_out(row) for row in rows])


@router.put("/away/{username}", response=AwayOut)
def set_away(request: HttpRequest, username: str, payload: AwayIn) -> dict[str, Any]:
    """AB岗: `username` is away until `until` with `backup` standing in (their orders in hand
    pass to the backup, and so do their notices); `until` null: back now. The person
    themselves, or a leader or manager, sets it."""
    passed = services.away_set(
        actor=request_user(request), username=username, backup=payload.backup, until=payload.until
    )
    return {"passed_on": passed}


@router.post("/{number}/{action}", response={200: TicketOut, **errors(409)})
def act_on_ticket(
    request: HttpRequest, number: str, action: Action, payload: TicketActionIn
) -> dict[str, Any]:
    """The order as it is after the action; its story is at GET /tickets/{number}."""
    user = request_user(request)
    fields = payload.dict(exclude={"version"})
    ticket = services.ticket_act(
        actor=user,
        number=number,
        action=action,
        version=payload.version,
        fields=services.ActionInput(**fields),
    )
    return ticket_out(ticket, user)


policies_router = Router(tags=["time-limit policies"])


class StageLimitSchema(StrictSchema):
    limit: str = Field(max_length=32)
    warning: str = Field(max_length=32)


class PolicyIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    calendar: str = Field(max_length=50)
    limits: dict[str, StageLimitSchema]
    kind: Kind | Literal[""] = ""
    category: str | None = Field(None, max_length=64)
    tier: Tier | Literal[""] = ""
    urgency: Urgency | Literal[""] = ""
    callback_required: bool = True
    expert_seat: bool = False
    active: bool = True


class PolicyOut(Schema):
    id: int
    name: str
    calendar: str
    limits: dict[str, StageLimitSchema]
    kind: Kind | Literal[""]
    category: str | None
    tier: Tier | Literal[""]
    urgency: Urgency | Literal[""]
    callback_required: bool
    expert_seat: bool
    active: bool


class DispatchRuleIn(StrictSchema):
    department: str | None = Field(None, max_length=64)
    category: str | None = Field(None, max_length=64)
    region: str | None = Field(None, max_length=12)
    position: Int32 = 0
    to_leaders: bool = False


class DispatchRuleOut(Schema):
    id: int
    department: str | None
    category: str | None
    region: str | None
    position: int
    to_leaders: bool


def policy_out(row: TimeLimitPolicy) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "calendar": row.calendar.name,
        "limits": row.limits,
        "kind": row.kind,
        "category": row.category.code if row.category else None,
        "tier": row.tier,
        "urgency": row.urgency,
        "callback_required": row.callback_required,
        "expert_seat": row.expert_seat,
        "active": row.active,
    }


def rule_out(rule: DispatchRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "department": rule.department.code if rule.department else None,
        "category": rule.category.code if rule.category else None,
        "region": rule.region.code if rule.region else None,
        "position": rule.position,
        "to_leaders": rule.to_leaders,
    }


def _policy_payload(payload: PolicyIn) -> dict[str, Any]:
    values = payload.dict()
    values["limits"] = {stage: dict(limit) for stage, limit in values["limits"].items()}
    return values


@policies_router.get("/time-limit-policies", response=list[PolicyOut])
def list_policies(request: HttpRequest) -> list[dict[str, Any]]:
    return [policy_out(row) for row in policies_visible_to(request_user(request))]


@policies_router.post("/time-limit-policies", response={201: PolicyOut, **errors(409)})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[dict[str, Any]]:
    row = services.policy_save(actor=request_user(request), **_policy_payload(payload))
    return Status(201, policy_out(row))


@policies_router.put(
    "/time-limit-policies/{int:policy_id}", response={200: PolicyOut, **errors(409)}
)
def replace_policy(request: HttpRequest, policy_id: Id, payload: PolicyIn) -> dict[str, Any]:
    row = services.policy_save(
        actor=request_user(request), policy_id=policy_id, **_policy_payload(payload)
    )
    return policy_out(row)


@policies_router.get("/dispatch-rules", response=list[DispatchRuleOut])
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    return [rule_out(rule) for rule in dispatch_rules_visible_to(request_user(request))]


@policies_router.post("/dispatch-rules", response={201: DispatchRuleOut})
def create_rule(request: HttpRequest, payload: DispatchRuleIn) -> Status[dict[str, Any]]:
    return Status(
        201, rule_out(services.dispatch_rule_save(actor=request_user(request), **payload.dict()))
    )


@policies_router.put("/dispatch-rules/{int:rule_id}", response=DispatchRuleOut)
def replace_rule(request: HttpRequest, rule_id: Id, payload: DispatchRuleIn) -> dict[str, Any]:
    rule = services.dispatch_rule_save(
        actor=request_user(request), rule_id=rule_id, **payload.dict()
    )
    return rule_out(rule)
