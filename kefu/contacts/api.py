from datetime import datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kefu.contacts import services
from kefu.contacts.models import CallReason, Channel, Contact, ContactSms, Direction, HelpRequest
from kefu.contacts.queries import (
    call_reasons,
    contact_get_for_user,
    contact_list,
    customer_contacts,
)
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, StrictSchema
from kefu.core.validation import Instant
from kefu.customers.queries import customer_get_for_user

router = Router(tags=["contacts"])


class ReasonRef(Schema):
    code: str
    name: str


class ContactOut(Schema):
    id: int
    channel: Channel
    direction: Direction
    caller_number: str
    customer_id: int | None
    customer_name: str | None
    agent: str
    started_at: datetime
    ended_at: datetime | None
    customer_attribute: ReasonRef | None
    region: ReasonRef | None
    business_type: ReasonRef | None
    service_content: ReasonRef | None
    summary: str
    settled: bool
    repeat_of: int | None
    created_at: datetime


class SmsOut(Schema):
    number: str
    text: str
    article_id: int | None
    article_title: str
    agent: str
    status: ContactSms.Status
    error: str
    created_at: datetime
    sent_at: datetime | None


class HelpRequestOut(Schema):
    reason: HelpRequest.Reason
    note: str
    agent: str
    created_at: datetime
    taken_by: str | None
    taken_at: datetime | None


class ContactDetailOut(ContactOut):
    """One contact with what happened during it: texts sent to the caller, help asked."""

    texts: list[SmsOut]
    help_requests: list[HelpRequestOut]


class ContactIn(StrictSchema):
    channel: Channel
    direction: Direction = Direction.INBOUND
    caller_number: str = Field("", max_length=32)
    customer_id: Id | None = None
    started_at: Instant
    ended_at: Instant | None = None
    customer_attribute: str | None = Field(None, max_length=64)
    region: str | None = Field(None, max_length=12)
    business_type: str | None = Field(None, max_length=64)
    service_content: str | None = Field(None, max_length=64)
    summary: str = Field("", max_length=4000)
    settled: bool = False


class ContactFilters(StrictSchema):
    channel: Channel | None = None
    direction: Direction | None = None
    customer_id: Id | None = None
    agent: str | None = Field(None, max_length=150)
    caller: str | None = Field(None, max_length=32)
    settled: bool | None = None
    business_type: str | None = Field(None, max_length=64)
    service_content: str | None = Field(None, max_length=64)
    since: Instant | None = None
    until: Instant | None = None
    repeat_within_days: int | None = Field(
        None,
        ge=1,
        le=90,
        description="Only repeat contacts (重复来电): those that repeat an earlier contact of "
        "the same caller on the same reason within this many days (the centre's window is "
        "`window_days` of GET /insights/repeats).",
    )


class CallReasonOut(Schema):
    code: str
    name: str
    dimension: CallReason.Dimension
    parent: str | None


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "channel": contact.channel,
        "direction": contact.direction,
        # The caller's number is personal data: lists show it masked, like the archive.
        "caller_number": mask_phone(contact.caller_number),
        "customer_id": contact.customer_id,
        "customer_name": contact.customer.name if contact.customer else None,
        "agent": contact.agent.username,
        "started_at": contact.started_at,
        "ended_at": contact.ended_at,
        "customer_attribute": contact.customer_attribute,
        "region": contact.region,
        "business_type": contact.business_type,
        "service_content": contact.service_content,
        "summary": contact.summary,
        "settled": contact.settled,
        # The earlier contact of the same caller on the same reason this one repeats.
        "repeat_of": contact.repeat_of_id,
        "created_at": contact.created_at,
    }


@router.get("/contacts", response=Page[ContactOut])
def list_contacts(
    request: HttpRequest, filters: Query[ContactFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    found = filters.dict()
    days = found.pop("repeat_within_days")
    contacts = contact_list(
        request_user(request),
        repeat_within=timedelta(days=days) if days is not None else None,
        **found,
    )
    return page(contacts, paging, contact_out)


@router.post("/contacts", response={201: ContactOut})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    contact = services.contact_create(actor=request_user(request), **payload.dict())
    return Status(201, contact_out(contact))


@router.get("/contacts/{int:contact_id}", response=ContactDetailOut)
def get_contact(request: HttpRequest, contact_id: Id) -> dict[str, Any]:
    contact = contact_get_for_user(request_user(request), contact_id)
    return {
        **contact_out(contact),
        "texts": [
            {
                "number": sms.masked_number,
                "text": sms.text,
                "article_id": sms.article_id,
                "article_title": sms.article_title,
                "agent": sms.agent.username,
                "status": sms.status,
                "error": sms.error,
                "created_at": sms.created_at,
                "sent_at": sms.sent_at,
            }
            for sms in contact.sms_messages.select_related("agent").order_by("created_at")
        ],
        "help_requests": [
            {
                "reason": help.reason,
                "note": help.note,
                "agent": help.agent.username,
                "created_at": help.created_at,
                "taken_by": help.taken_by.username if help.taken_by else None,
                "taken_at": help.taken_at,
            }
            for help in contact.help_requests.select_related("agent", "taken_by").order_by(
                "created_at"
            )
        ],
    }


@router.get("/call-reasons", response=list[CallReasonOut])
def list_call_reasons(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": reason.code,
            "name": reason.name,
            "dimension": reason.dimension,
            "parent": reason.parent.code if reason.parent else None,
        }
        for reason in call_reasons(request_user(request))
    ]


# --- A customer's history: the customer app knows nothing of contacts, so the contacts
# app offers it, under the customer's path.


class HistoryItemOut(Schema):
    type: Literal["contact"]
    id: int
    at: datetime
    channel: Channel
    agent: str
    business_type: str | None
    service_content: str | None
    summary: str
    settled: bool


def history_item_out(contact: Contact) -> dict[str, Any]:
    return {
        "type": "contact",
        "id": contact.pk,
        "at": contact.started_at,
        "channel": contact.channel,
        "agent": contact.agent.username,
        "business_type": contact.business_type.name if contact.business_type else None,
        "service_content": contact.service_content.name if contact.service_content else None,
        "summary": contact.summary,
        "settled": contact.settled,
    }


@router.get(
    "/customers/{int:customer_id}/history", response=Page[HistoryItemOut], tags=["customers"]
)
def customer_history(
    request: HttpRequest, customer_id: Id, paging: Query[PageParams]
) -> dict[str, Any]:
    customer = customer_get_for_user(request_user(request), customer_id)
    return page(customer_contacts(request_user(request), customer), paging, history_item_out)
