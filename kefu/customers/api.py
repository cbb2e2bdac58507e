from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.masking import mask_address, mask_id_number, mask_phone
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, StrictSchema, Version, errors
from kefu.customers import privacy, services
from kefu.customers.models import Customer, PhoneKind, Tier
from kefu.customers.queries import customer_get_for_user, customer_search

router = Router(tags=["customers"])

Phone = str


class RegionOut(Schema):
    code: str
    name: str


class PhoneOut(Schema):
    number: str
    kind: PhoneKind


class CustomerOut(Schema):
    id: int
    name: str
    phones: list[PhoneOut]
    id_number: str
    account_number: str | None
    address: str
    region: RegionOut | None
    tier: Tier
    tags: list[str]
    notes: str
    version: int
    masked: bool
    created_at: datetime
    updated_at: datetime
    anonymised_at: datetime | None


class CustomerIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    id_number: str = Field("", max_length=24)
    account_number: str | None = Field(None, max_length=32, pattern=r"^[0-9A-Za-z-]+$")
    address: str = Field("", max_length=200)
    region: str | None = Field(None, max_length=12)
    tier: Tier = Tier.GENERAL
    tags: list[str] = Field(default_factory=list, max_length=20)
    notes: str = Field("", max_length=2000)


class CustomerPatch(StrictSchema):
    version: Version | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    phones: list[Phone] | None = Field(None, max_length=10)
    id_number: str | None = Field(None, max_length=24)
    account_number: str | None = Field(None, max_length=32, pattern=r"^[0-9A-Za-z-]*$")
    address: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=12)
    tier: Tier | None = None
    tags: list[str] | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=2000)


class CustomerFilters(StrictSchema):
    phone: str | None = Field(None, max_length=32)
    q: str | None = Field(None, max_length=100)
    tier: Tier | None = None
    tag: str | None = Field(None, max_length=50)
    region: str | None = Field(None, max_length=12)


class IdentityCheckIn(StrictSchema):
    phone: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=1, max_length=24)


class IdentityCheckOut(Schema):
    matched: bool
    customer_id: Id | None


def customer_out(customer: Customer, *, unmasked: bool = False) -> dict[str, Any]:
    """The customer as the API shows it: personal data masked unless explicitly unmasked."""

    def show(value: str, mask: Any) -> str:
        return value if unmasked else mask(value)

    return {
        "id": customer.pk,
        "name": customer.name,
        "phones": [
            {"number": show(phone.number, mask_phone), "kind": phone.kind}
            for phone in customer.phones.all()
        ],
        "id_number": show(customer.id_number, mask_id_number),
        "account_number": customer.account_number,
        "address": show(customer.address, mask_address),
        "region": customer.region,
        "tier": customer.tier,
        "tags": [tag.code for tag in customer.tags.all()],
        "notes": customer.notes,
        "version": customer.version,
        "masked": not unmasked,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
        "anonymised_at": customer.anonymised_at,
    }


@router.get("", response=Page[CustomerOut])
def list_customers(
    request: HttpRequest, filters: Query[CustomerFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    return page(customer_search(request_user(request), **filters.dict()), paging, customer_out)


@router.post("", response={201: CustomerOut, **errors(409)})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status[dict[str, Any]]:
    customer = services.customer_create(actor=request_user(request), **payload.dict())
    customer = customer_get_for_user(request_user(request), customer.pk)
    return Status(201, customer_out(customer))


@router.post("/identity-check", response={200: IdentityCheckOut, **errors(429)})
def identity_check(request: HttpRequest, payload: IdentityCheckIn) -> dict[str, Any]:
    result = services.identity_check(actor=request_user(request), **payload.dict())
    return {
        "matched": result.matched,
        "customer_id": result.customer.pk if result.customer else None,
    }


@router.get("/{int:customer_id}", response=CustomerOut)
def get_customer(request: HttpRequest, customer_id: Id, unmask: bool = False) -> dict[str, Any]:
    customer = customer_get_for_user(request_user(request), customer_id)
    if unmask:
        services.customer_personal_data_view(actor=request_user(request), customer=customer)
    return customer_out(customer, unmasked=unmask)


@router.patch("/{int:customer_id}", response={200: CustomerOut, **errors(409)})
def update_customer(
    request: HttpRequest, customer_id: Id, payload: CustomerPatch
) -> dict[str, Any]:
    customer = customer_get_for_user(request_user(request), customer_id)
    services.customer_update(
        actor=request_user(request), customer=customer, **payload.dict(exclude_unset=True)
    )
    return customer_out(customer_get_for_user(request_user(request), customer_id))


# --- PIPL requests: the customer's copy of their data, and their erasure ----------------


class PersonalPhoneOut(Schema):
    number: str
    kind: str


class PersonalArchiveOut(Schema):
    id: int
    name: str
    phones: list[PersonalPhoneOut]
    id_number: str
    account_number: str | None
    address: str
    region: str | None
    tier: Tier
    tags: list[str]
    notes: str
    created_at: datetime | None
    updated_at: datetime | None
    anonymised_at: datetime | None


class PersonalContactOut(Schema):
    id: int
    started_at: datetime | None
    ended_at: datetime | None
    channel: str
    direction: str
    caller_number: str
    agent: str
    customer_attribute: str | None
    region: str | None
    business_type: str | None
    service_content: str | None
    summary: str
    settled: bool


class PersonalOrderEventOut(Schema):
    at: datetime | None
    action: str
    from_: str = Field(alias="from")
    to: str
    actor: str | None
    note: str


class PersonalOrderOut(Schema):
    number: str
    kind: str
    category: str | None
    urgency: str
    title: str
    description: str
    state: str
    department: str | None
    result: str
    satisfied: bool | None
    created_at: datetime | None
    closed_at: datetime | None
    events: list[PersonalOrderEventOut]


class PersonalAccessOut(Schema):
    at: datetime | None
    actor: str | None
    action: str
    ip: str | None


class PersonalDataOut(Schema):
    exported_at: datetime
    exported_by: str | None
    customer: PersonalArchiveOut
    contacts: list[PersonalContactOut]
    work_orders: list[PersonalOrderOut]
    access_log: list[PersonalAccessOut]


class AnonymiseIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=500)


@router.get(
    "/{int:customer_id}/personal-data",
    response={200: PersonalDataOut, **errors(403, 404)},
    by_alias=True,
)
def personal_data_export(request: HttpRequest, customer_id: Id) -> dict[str, Any]:
    """Everything kefu holds about the customer, unmasked (PIPL art. 45); audited.
    Managers and administrators only."""
    customer = customer_get_for_user(request_user(request), customer_id)
    return privacy.customer_personal_data_export(actor=request_user(request), customer=customer)


@router.post(
    "/{int:customer_id}/anonymise",
    response={200: CustomerOut, **errors(403, 404, 409, 422)},
)
def anonymise_customer(
    request: HttpRequest, customer_id: Id, payload: AnonymiseIn
) -> dict[str, Any]:
    """Erase the customer's personal data at their request (PIPL art. 47), keeping their
    contacts and orders for the reports; cannot be undone; audited. Managers and
    administrators only; 409 when the customer is anonymised already."""
    customer = customer_get_for_user(request_user(request), customer_id)
    privacy.customer_anonymise(
        actor=request_user(request), customer=customer, reason=payload.reason
    )
    return customer_out(customer_get_for_user(request_user(request), customer_id))
