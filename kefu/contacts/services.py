"""Recording contacts."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason, Channel, Contact, ContactSms, Direction, HelpRequest
from kefu.contacts.repeats import LOOKBACK, RepeatRow, repeats_of
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.masking import mask_phone
from kefu.core.models import OrgUnit, User
from kefu.core.queries import leaders_on_duty, region_for_code, require_centre
from kefu.core.roles import ADD_CONTACT, CHANGE_POLICY, TAKE_OVER_CONTACT
from kefu.core.services import audit_record, notify, snapshot
from kefu.core.sms import gateway
from kefu.core.validation import (
    MOBILE,
    InvalidInstant,
    InvalidNumber,
    check_fields,
    check_instant,
    check_lengths,
    normalize_phone,
    phone_kind,
)
from kefu.customers.models import Customer
from kefu.customers.queries import customers_visible_to

logger = logging.getLogger(__name__)

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
    repeated = _repeated(centre_id, customer, number, content, started_at)
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
            repeat_of_id=repeated,
        )
        audit_record(
            actor=actor,
            action="contact.create",
            obj=contact,
            after=snapshot(contact, AUDITED_FIELDS),
        )
    return contact


# --- repeat contacts (重复来电) ----------------------------------------------------------

_ROW_FIELDS = ("customer_id", "caller_number", "service_content_id", "started_at", "settled")


def _repeated(
    centre_id: int,
    customer: Customer | None,
    number: str,
    content: CallReason | None,
    at: datetime,
) -> int | None:
    """The id of the contact a new one repeats (`kefu.contacts.repeats`): the caller's
    earlier contacts on the same reason are read, the rule picks."""
    if content is None or (customer is None and not number):
        return None
    same = Q(pk__in=[])
    if customer is not None:
        same |= Q(customer=customer)
    if number:
        same |= Q(caller_number=number)
    earlier = list(
        Contact.objects.filter(
            same,
            centre_id=centre_id,
            service_content=content,
            started_at__gte=at - LOOKBACK,
            started_at__lt=at,
        )
        .order_by("-started_at", "-id")
        .values_list("pk", *_ROW_FIELDS)[:20]
    )
    rows: list[RepeatRow] = [row[1:] for row in earlier]
    rows.append((customer.pk if customer else None, number, content.pk, at, False))
    found = repeats_of(rows, LOOKBACK).get(len(rows) - 1)
    return None if found is None else earlier[found][0]


def contact_repeats_mark(*, centre: OrgUnit, since: datetime | None = None) -> int:
    """Mark the centre's contacts since `since` (all when None) with the contact each
    repeats, as `contact_create` marks a new one: the backfill for contacts recorded
    before the mark existed, or imported. Safe to run again; returns how many changed."""
    contacts = Contact.objects.filter(centre=centre, service_content__isnull=False)
    if since is not None:
        contacts = contacts.filter(started_at__gte=since - LOOKBACK)
    found = list(
        contacts.order_by("started_at", "id").values_list("pk", "repeat_of_id", *_ROW_FIELDS)
    )
    marks = repeats_of([row[2:] for row in found], LOOKBACK)
    changed: list[Contact] = []
    for position, (pk, current, *_row) in enumerate(found):
        if since is not None and found[position][5] < since:
            continue
        earlier = marks.get(position)
        mark = None if earlier is None else found[earlier][0]
        if mark != current:
            changed.append(Contact(pk=pk, repeat_of_id=mark))
    with transaction.atomic():
        Contact.objects.bulk_update(changed, ["repeat_of"], batch_size=1000)
    return len(changed)


# --- during a contact: SMS to the caller, help from the team leader ----------------------

SESSION_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _session(session: str) -> str:
    """The workbench form's token, which ties what happens during a call to the contact
    recorded at its end."""
    if session and not SESSION_PATTERN.fullmatch(session):
        raise Invalid(_("The form has expired; reload the page."), code="session_invalid")
    return session


def _visible_customer(actor: User, customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    customer = customers_visible_to(actor).filter(pk=customer_id).first()
    if customer is None:
        raise Invalid(
            _("Unknown customer."), code="customer_unknown", detail={"field": "customer_id"}
        )
    return customer


def contact_sms_send(
    *,
    actor: User,
    number: str,
    text: str,
    session: str = "",
    customer_id: int | None = None,
    article_id: int | None = None,
    article_title: str = "",
) -> ContactSms:
    """Send the caller a text (a knowledge answer, as a rule) through the centre's SMS
    gateway (kefu.core.sms). Recorded first, with the number, the text, the agent and the
    time; the gateway is called only once that record is committed, and its answer
    (sent, or not sent and why) is written back to the record. Audited, number masked."""
    if not actor.has_perm(ADD_CONTACT):
        raise Forbidden()
    centre_id = require_centre(actor)
    try:
        clean = normalize_phone(number)
    except InvalidNumber as error:
        raise Invalid(error.message, code=error.code, detail={"field": "number"}) from error
    if phone_kind(clean) != MOBILE:
        raise Invalid(
            _("A text message can only go to a mobile number."),
            code="sms_needs_mobile",
            detail={"field": "number"},
        )
    text = text.strip()
    if not text:
        raise Invalid(_("The message is empty."), code="sms_empty", detail={"field": "text"})
    customer = _visible_customer(actor, customer_id)
    sms = ContactSms(
        centre_id=centre_id,
        session=_session(session),
        agent=actor,
        customer=customer,
        number=clean,
        article_id=article_id,
        article_title=article_title[:200],
        text=text,
    )
    check_lengths(sms)
    with transaction.atomic():
        sms.save()
        audit_record(
            actor=actor,
            action="contact.sms_send",
            obj=sms,
            after={
                "number": mask_phone(clean),
                "article": article_id,
                "characters": len(text),
            },
        )
        transaction.on_commit(lambda: sms_deliver(sms_id=sms.pk))
    return sms


def sms_deliver(*, sms_id: int) -> ContactSms:
    """Hand a recorded text to the gateway and keep its answer. A gateway that raises has
    not sent it: the record says so, with the gateway's reason, and the agent sees it."""
    sms = ContactSms.objects.get(pk=sms_id)
    try:
        reference = gateway().send(sms.number, sms.text)
    except Exception as error:
        sms.status = ContactSms.Status.FAILED
        sms.error = (str(error) or type(error).__name__)[:200]
        logger.warning("SMS %s not sent: %s", sms.pk, sms.error)
    else:
        sms.status = ContactSms.Status.SENT
        sms.sent_at = timezone.now()
        sms.gateway_reference = str(reference or "")[:100]
    sms.save(update_fields=["status", "error", "sent_at", "gateway_reference"])
    return sms


def help_request_raise(
    *,
    actor: User,
    reason: str,
    note: str = "",
    session: str = "",
    caller_number: str = "",
    customer_id: int | None = None,
) -> HelpRequest:
    """The agent's 求助 button: the team leaders on duty are alerted at once, in the product
    and by SMS (an abusive caller, 002 第17篇 28; a customer who demands a leader, 002 第13篇
    17). Audited."""
    if not actor.has_perm(ADD_CONTACT):
        raise Forbidden()
    centre_id = require_centre(actor)
    if reason not in HelpRequest.Reason.values:
        raise Invalid(
            _("Say why you need help."), code="reason_unknown", detail={"field": "reason"}
        )
    number = ""
    if caller_number:
        try:
            number = normalize_phone(caller_number)
        except InvalidNumber:
            number = ""  # a withheld or odd number must not stop a call for help
    customer = _visible_customer(actor, customer_id)
    help_request = HelpRequest(
        centre_id=centre_id,
        session=_session(session),
        agent=actor,
        caller_number=number,
        customer=customer,
        reason=reason,
        note=note.strip(),
    )
    check_lengths(help_request)
    leaders = leaders_on_duty(actor.centre_id, team_id=actor.team_id)  # type: ignore[arg-type]
    with transaction.atomic():
        help_request.save()
        audit_record(
            actor=actor,
            action="contact.help_request",
            obj=help_request,
            after={"reason": reason, "leaders": [leader.username for leader in leaders]},
        )
        notify(
            recipients=leaders,
            kind="help_request",
            title=str(
                _("Help needed: %(agent)s · %(reason)s")
                % {"agent": actor, "reason": help_request.get_reason_display()}
            ),
            body=note.strip(),
            link=f"/help/{help_request.pk}/",
            sms=True,
        )
    return help_request


def help_request_take(*, actor: User, help_request_id: int) -> HelpRequest:
    """The team leader takes the contact over: recorded on the request (and so on the
    contact), audited, and the agent is told who took it. A second leader is told that it
    is taken already."""
    if not actor.has_perm(TAKE_OVER_CONTACT):
        raise Forbidden()
    with transaction.atomic():
        help_request = (
            HelpRequest.objects.select_for_update()
            .filter(pk=help_request_id, centre_id=require_centre(actor))
            .first()
        )
        if help_request is None:
            raise NotFound(code="help_request_not_found")
        if help_request.taken_by_id is not None:
            if help_request.taken_by_id == actor.pk:
                return help_request
            raise Conflict(
                _("Another leader has taken this contact over already."),
                code="help_request_taken",
            )
        help_request.taken_by = actor
        help_request.taken_at = timezone.now()
        help_request.save(update_fields=["taken_by", "taken_at"])
        audit_record(
            actor=actor,
            action="contact.take_over",
            obj=help_request,
            after={"agent": help_request.agent.username, "contact": help_request.contact_id},
        )
        notify(
            recipients=[help_request.agent],
            kind="help_taken",
            title=str(_("%(leader)s is taking the contact over.") % {"leader": actor}),
            link="/workbench/",
        )
    return help_request


def contact_assistance_attach(*, actor: User, contact: Contact, session: str) -> int:
    """Tie the texts sent and the help asked for during the call (same form, same agent) to
    the contact now recorded; how many were tied."""
    if not session:
        return 0
    session = _session(session)
    texts = ContactSms.objects.filter(session=session, agent=actor, contact__isnull=True)
    helps = HelpRequest.objects.filter(session=session, agent=actor, contact__isnull=True)
    return texts.update(contact=contact) + helps.update(contact=contact)


# The dimension a reason's parent is in: service contents hang under the business type
# they belong to (the workbench's call-reason box reads them so); the others nest, if at
# all, within their own dimension.
PARENT_DIMENSION: dict[str, str] = {
    CallReason.Dimension.CUSTOMER_ATTRIBUTE: CallReason.Dimension.CUSTOMER_ATTRIBUTE,
    CallReason.Dimension.BUSINESS_TYPE: CallReason.Dimension.BUSINESS_TYPE,
    CallReason.Dimension.SERVICE_CONTENT: CallReason.Dimension.BUSINESS_TYPE,
}
CALL_REASON_FIELDS = ["dimension", "code", "name", "parent", "position", "active"]


@transaction.atomic
def call_reason_save(
    *,
    actor: User | None,
    centre: OrgUnit,
    reason: CallReason | None = None,
    dimension: str,
    code: str,
    name: str,
    parent: CallReason | None = None,
    position: int = 0,
    active: bool = True,
) -> CallReason:
    """Create a call reason of `centre`'s catalogue, or change `reason`. Who may change
    the time-limit policies may change the catalogue they are chosen by; `actor` None is
    the operator at the `kefu` command."""
    if actor is not None and not actor.has_perm(CHANGE_POLICY):
        raise Forbidden()
    if dimension not in PARENT_DIMENSION:
        raise Invalid(
            _("Unknown dimension."), code="dimension_unknown", detail={"field": "dimension"}
        )
    if parent is not None:
        if parent.centre_id != centre.pk or parent.dimension != PARENT_DIMENSION[dimension]:
            raise Invalid(
                _("This parent is not in the dimension above this one."),
                code="call_reason_parent_invalid",
                detail={"field": "parent"},
            )
        node: CallReason | None = parent
        while node is not None:
            if reason is not None and node.pk == reason.pk:
                raise Invalid(
                    _("A call reason cannot sit under itself or under one of its own."),
                    code="call_reason_cycle",
                    detail={"field": "parent"},
                )
            node = node.parent
    row = reason or CallReason(centre=centre)
    before = snapshot(row, CALL_REASON_FIELDS) if row.pk else None
    row.dimension, row.code, row.name = dimension, code.strip(), name.strip()
    row.parent, row.position, row.active = parent, position, active
    check_lengths(row)
    taken = CallReason.objects.filter(centre=centre, dimension=dimension, code=row.code)
    if taken.exclude(pk=row.pk).exists():
        raise Conflict(
            _("Another call reason of this dimension has this code."),
            code="call_reason_code_taken",
        )
    row.save()
    audit_record(
        actor=actor,
        action="call_reason.update" if before else "call_reason.create",
        obj=row,
        before=before,
        after=snapshot(row, CALL_REASON_FIELDS),
    )
    return row
