"""Recording contacts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason, Channel, Contact, Direction
from kefu.core.errors import Forbidden, Invalid
from kefu.core.models import User
from kefu.core.queries import region_for_code, require_centre
from kefu.core.roles import ADD_CONTACT
from kefu.core.services import audit_record, snapshot
from kefu.core.validation import (
    InvalidInstant,
    InvalidNumber,
    check_fields,
    check_instant,
    normalize_phone,
)
from kefu.customers.queries import customers_visible_to

# A contact can be recorded a little ahead of the server's clock (a PC's clock drifts).
CLOCK_SKEW = timedelta(minutes=5)
AUDITED_FIELDS = [
    "channel",
    "direction",
    "caller_number",
    "customer",
    "started_at",
    "ended_at",
    "customer_attribute",
    "region",
    "business_type",
    "service_content",
    "settled",
]


def _reasons(actor: User, codes: dict[str, str | None]) -> dict[str, CallReason | None]:
    wanted = {dimension: code for dimension, code in codes.items() if code}
    found = {
        (reason.dimension, reason.code): reason
        for reason in CallReason.objects.filter(
            centre_id=actor.centre_id, code__in=set(wanted.values()), active=True
        )
    }
    reasons: dict[str, CallReason | None] = {}
    for dimension, code in codes.items():
        if not code:
            reasons[dimension] = None
            continue
        reason = found.get((dimension, code))
        if reason is None:
            raise Invalid(
                _("Unknown call reason."),
                code="call_reason_unknown",
                detail={"field": dimension, "code": code},
            )
        reasons[dimension] = reason
    return reasons


def contact_create(
    *,
    actor: User,
    channel: str,
    started_at: datetime,
    direction: str = Direction.INBOUND,
    caller_number: str = "",
    customer_id: int | None = None,
    ended_at: datetime | None = None,
    customer_attribute: str | None = None,
    region: str | None = None,
    business_type: str | None = None,
    service_content: str | None = None,
    summary: str = "",
    settled: bool = False,
) -> Contact:
    if not actor.has_perm(ADD_CONTACT):
        raise Forbidden()
    centre_id = require_centre(actor)
    if channel not in Channel.values:
        raise Invalid(_("Unknown channel."), code="channel_unknown", detail={"field": "channel"})
    if direction not in Direction.values:
        raise Invalid(
            _("Unknown direction."), code="direction_unknown", detail={"field": "direction"}
        )
    if timezone.is_naive(started_at) or (ended_at is not None and timezone.is_naive(ended_at)):
        raise Invalid(_("Times need a UTC offset."), code="time_naive")
    for name, moment in (("started_at", started_at), ("ended_at", ended_at)):
        try:
            if moment is not None:
                check_instant(moment)
        except InvalidInstant as error:
            raise Invalid(error.message, code=error.code, detail={"field": name}) from error
    if started_at > timezone.now() + CLOCK_SKEW:
        raise Invalid(
            _("A contact cannot start in the future."),
            code="started_in_future",
            detail={"field": "started_at"},
        )
    if ended_at is not None and ended_at < started_at:
        raise Invalid(
            _("A contact cannot end before it starts."),
            code="ended_before_started",
            detail={"field": "ended_at"},
        )
    number = ""
    if caller_number:
        try:
            number = normalize_phone(caller_number)
        except InvalidNumber as error:
            raise Invalid(
                error.message, code=error.code, detail={"field": "caller_number"}
            ) from error
    customer = None
    if customer_id is not None:
        customer = customers_visible_to(actor).filter(pk=customer_id).first()
        if customer is None:
            raise Invalid(
                _("Unknown customer."), code="customer_unknown", detail={"field": "customer_id"}
            )
    reasons = _reasons(
        actor,
        {
            CallReason.Dimension.CUSTOMER_ATTRIBUTE: customer_attribute,
            CallReason.Dimension.BUSINESS_TYPE: business_type,
            CallReason.Dimension.SERVICE_CONTENT: service_content,
        },
    )
    content = reasons[CallReason.Dimension.SERVICE_CONTENT]
    business = reasons[CallReason.Dimension.BUSINESS_TYPE]
    if content is not None:
        if business is None:
            business = content.parent
        elif content.parent_id != business.pk:
            raise Invalid(
                _("This service content does not belong to that business type."),
                code="call_reason_mismatch",
                detail={"field": "service_content"},
            )
    region_row = region_for_code(region)
    check_fields(Contact, caller_number=number, summary=summary)
    # Everything above only reads; the write transaction holds SQLite's single writer lock
    # for just the two inserts, which keeps concurrent agents from queueing behind it.
    with transaction.atomic():
        contact = Contact.objects.create(
            centre_id=centre_id,
            channel=channel,
            direction=direction,
            caller_number=number,
            customer=customer,
            agent=actor,
            started_at=started_at,
            ended_at=ended_at,
            customer_attribute=reasons[CallReason.Dimension.CUSTOMER_ATTRIBUTE],
            region=region_row,
            business_type=business,
            service_content=content,
            summary=summary,
            settled=settled,
        )
        audit_record(
            actor=actor,
            action="contact.create",
            obj=contact,
            after=snapshot(contact, AUDITED_FIELDS),
        )
    return contact
