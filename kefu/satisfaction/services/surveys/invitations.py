"""Sending survey invitations through the outbox (issue 19 point 2), with the survey cap
per customer, the opt-outs and the quiet hours honoured; the draw after contacts and
closed work orders; skipping a conversation."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import token_digest
from kefu.core.roles import MANAGE_OUTREACH, WORK_CALLBACKS
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction.models import (
    Invitation,
    InvitationRefusal,
    InvitationState,
    Message,
    MessageState,
    OptOut,
    OutreachRules,
    Purpose,
    SurveyChannel,
    SurveySkip,
    SurveyTemplate,
    SurveyTrigger,
    SurveyVersion,
    Touchpoint,
)
from kefu.satisfaction.services.outbound import (
    ENQUEUE_BATCH,
    Outgoing,
    address_normalize,
    messages_enqueue_many,
    rules_of,
)
from kefu.satisfaction.services.surveys.templates import (
    centre_of,
    current_version,
    require_permission,
    survey_link,
)
from kefu.tickets.models import Ticket

#: Invitations one call may send (Formbricks sends thousands per API call). They go
#: through the outbox's messages_enqueue_many, a batch of 500 per statement, and are
#: written in batches too; bench/survey_send.py measures a call of this size.
MAX_RECIPIENTS = 10_000
#: How far back the draw looks for contacts and closed orders it has not seen.
DRAW_LOOKBACK = dt.timedelta(days=2)
DRAW_LIMIT = 5000


@dataclass(frozen=True)
class Recipient:
    """One customer to ask. `key` makes the send safe to repeat (one invitation per key
    and centre); without a customer, `address` is the number or e-mail address."""

    key: str
    address: str = ""
    customer_id: int | None = None
    staff_number: str = ""
    contact_id: int | None = None
    ticket_id: int | None = None
    subject_kind: str = ""


@dataclass
class _Context:
    """What one send reads once for all its recipients: the staff, customers and their
    mobiles, the centre's rules, the invitations already under the recipients' keys, and
    the surveys each customer and address had around now (the cap)."""

    centre: OrgUnit
    template: SurveyTemplate
    version: SurveyVersion
    now: dt.datetime
    channel: str
    rules: OutreachRules
    staff: dict[str, User] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    mobiles: dict[int, str] = field(default_factory=dict)
    existing: dict[str, Invitation] = field(default_factory=dict)
    earlier: dict[tuple[str, object], list[tuple[object, dt.datetime]]] = field(
        default_factory=dict
    )
    # With `defer`, new invitations are written together at the end (a bulk send).
    defer: bool = False
    pending: list[Invitation] = field(default_factory=list)
    # The addresses unsubscribed from the channel or from everything.
    opted: set[str] = field(default_factory=set)
    # The messages of the pending invitations, written by `invitations_flush`.
    outgoing: list[tuple[Invitation, Outgoing]] = field(default_factory=list)


def _address_of(context: _Context, recipient: Recipient) -> str:
    raw = recipient.address
    if not raw and recipient.customer_id and context.channel != SurveyChannel.EMAIL:
        raw = context.mobiles.get(recipient.customer_id, "")
    if not raw:
        return ""
    kind = SurveyChannel.EMAIL if context.channel == SurveyChannel.EMAIL else SurveyChannel.SMS
    try:
        return address_normalize(kind, raw)
    except Invalid:
        return ""


def send_context(
    centre: OrgUnit,
    template: SurveyTemplate,
    recipients: Sequence[Recipient],
    now: dt.datetime,
    channel: str,
) -> _Context:
    context = _Context(
        centre, template, current_version(template), now, channel, rules_of(centre.pk)
    )
    numbers = {r.staff_number for r in recipients if r.staff_number}
    if numbers:
        for user in User.objects.filter(centre=centre, employee_number__in=numbers):
            context.staff[user.employee_number] = user
    ids = {r.customer_id for r in recipients if r.customer_id}
    if ids:
        context.customers = Customer.objects.filter(centre=centre).in_bulk(ids)
        mobiles = CustomerPhone.objects.filter(
            customer_id__in=ids, kind=CustomerPhone.Kind.MOBILE
        ).order_by("-position", "-id")
        for phone in mobiles:  # the first one wins: read in reverse, written over
            context.mobiles[phone.customer_id] = phone.number
    keys = [r.key.strip()[:100] for r in recipients]
    context.existing = {i.key: i for i in Invitation.objects.filter(centre=centre, key__in=keys)}
    addresses = {_address_of(context, r) for r in recipients} - {""}
    reach = dt.timedelta(days=2 * context.rules.survey_period_days)
    earlier = Invitation.objects.filter(
        Q(customer_id__in=ids) | Q(address__in=addresses),
        centre=centre,
        sent_at__gt=now - reach,
        sent_at__lt=now + reach,
        state__in=[InvitationState.PENDING, InvitationState.ANSWERED],
    ).values_list("pk", "customer_id", "address", "sent_at")
    for pk, customer_id, address, sent_at in earlier:
        _remember(context, pk, customer_id, address, sent_at)
    if addresses:
        context.opted = set(
            OptOut.objects.filter(
                centre=centre, address__in=addresses, channel__in=[channel, ""]
            ).values_list("address", flat=True)
        )
    return context


def _remember(
    context: _Context, ident: object, customer_id: int | None, address: str, at: dt.datetime
) -> None:
    if customer_id:
        context.earlier.setdefault(("customer", customer_id), []).append((ident, at))
    if address:
        context.earlier.setdefault(("address", address), []).append((ident, at))


def _over_survey_cap(
    context: _Context, customer_id: int | None, address: str, at: dt.datetime
) -> bool:
    """Whether the customer (or the address) already had the period's surveys: within a
    period either side of `at`, so that a survey waiting for the end of the quiet hours
    counts."""
    limit = context.rules.surveys_per_period
    if limit == 0:
        return True
    period = dt.timedelta(days=context.rules.survey_period_days)
    seen = set()
    for key in (("customer", customer_id), ("address", address)):
        if key[1]:
            for ident, moment in context.earlier.get(key, []):
                if at - period < moment < at + period:
                    seen.add(ident)
    return len(seen) >= limit


def _opted_out_everywhere(centre: OrgUnit, address: str) -> bool:
    return (
        bool(address) and OptOut.objects.filter(centre=centre, address=address, channel="").exists()
    )


_REFUSALS = {
    "opted_out": InvitationRefusal.OPTED_OUT,
    "capped": InvitationRefusal.CAPPED,
    "no_address": InvitationRefusal.NO_ADDRESS,
}


def invite(context: _Context, recipient: Recipient, channel: str) -> Invitation:
    """One invitation, sent through the outbox in this transaction: already there under
    its key, it is returned unchanged."""
    centre, version, now = context.centre, context.version, context.now
    key = recipient.key.strip()[:100]
    existing = context.existing.get(key)
    if existing is not None:
        return existing
    customer = context.customers.get(recipient.customer_id) if recipient.customer_id else None
    staff = context.staff.get(recipient.staff_number)
    address = _address_of(context, recipient)
    invitation = Invitation(
        centre=centre,
        version=version,
        key=key,
        channel=channel,
        customer=customer,
        address=address,
        touchpoint=context.template.touchpoint,
        staff=staff,
        staff_number=recipient.staff_number[:32],
        team_id=staff.team_id if staff else None,
        subject_kind=recipient.subject_kind[:16],
        contact_id=recipient.contact_id,
        ticket_id=recipient.ticket_id,
        sent_at=now,
        expires_at=now + dt.timedelta(days=context.template.expiry_days),
    )
    customer_id = customer.pk if customer else None
    if not address and channel in (SurveyChannel.SMS, SurveyChannel.EMAIL):
        invitation.state, invitation.refusal = InvitationState.REFUSED, InvitationRefusal.NO_ADDRESS
    elif _over_survey_cap(context, customer_id, address, now):
        invitation.state, invitation.refusal = InvitationState.REFUSED, InvitationRefusal.CAPPED
    elif channel in (SurveyChannel.SMS, SurveyChannel.EMAIL):
        if not context.defer:
            raise ValueError("Invitations sent by a message are written by invitations_flush.")
        raw = secrets.token_urlsafe(16)
        text = f"{version.sms_text} {survey_link(raw)}"
        if channel == SurveyChannel.SMS:
            text += " " + gettext("Reply T to unsubscribe.")
        if address in context.opted:  # the outbox writes its message as refused
            invitation.state = InvitationState.REFUSED
            invitation.refusal = InvitationRefusal.OPTED_OUT
        else:
            invitation.token_digest = token_digest(raw)
        outgoing = Outgoing(
            key=f"survey:{key}", address=address, text=text[:500], customer_id=customer_id
        )
        context.outgoing.append((invitation, outgoing))
    elif _opted_out_everywhere(centre, address):
        invitation.state, invitation.refusal = InvitationState.REFUSED, InvitationRefusal.OPTED_OUT
    check_lengths(invitation)
    if context.defer:
        context.pending.append(invitation)
    else:
        invitation.save()
    context.existing[key] = invitation
    if invitation.state != InvitationState.REFUSED:
        _remember(context, ("new", id(invitation)), customer_id, address, invitation.sent_at)
        if not version.sent:
            SurveyVersion.objects.filter(pk=version.pk).update(sent=True)
            version.sent = True
    return invitation


def invitations_flush(context: _Context, *, ignore_conflicts: bool = False) -> list[Invitation]:
    """Write the deferred invitations of a send: their messages through the outbox's
    `messages_enqueue_many` (a batch per statement; a key written before is left as it
    is, and the invitation takes that message), then the invitations in batches. A
    message the outbox refuses (the day's messages to the number, an opt-out) makes its
    invitation refused with the reason; one that waits for the end of the quiet hours
    makes its link valid from then."""
    if context.outgoing:
        items = [outgoing for _invitation, outgoing in context.outgoing]
        messages_enqueue_many(
            centre=context.centre,
            channel=context.channel,
            purpose=Purpose.SURVEY,
            items=items,
            due_at=context.now,
        )
        keys = [item.key for item in items]
        written: dict[str, Message] = {}
        for start in range(0, len(keys), ENQUEUE_BATCH):
            batch = keys[start : start + ENQUEUE_BATCH]
            written.update(
                (m.key, m) for m in Message.objects.filter(centre=context.centre, key__in=batch)
            )
        for invitation, outgoing in context.outgoing:
            message = written[outgoing.key]
            invitation.message = message
            if message.state == MessageState.REFUSED:
                invitation.state = InvitationState.REFUSED
                invitation.refusal = _REFUSALS.get(message.refusal, InvitationRefusal.OPTED_OUT)
                invitation.token_digest = None
            else:
                # The link is valid for its days from when it goes (after quiet hours).
                invitation.sent_at = message.scheduled_for
                invitation.expires_at = message.scheduled_for + dt.timedelta(
                    days=context.template.expiry_days
                )
        context.outgoing = []
    pending, context.pending = context.pending, []
    Invitation.objects.bulk_create(
        pending, batch_size=ENQUEUE_BATCH, ignore_conflicts=ignore_conflicts
    )
    return pending


def template_for(actor: User | None, centre: OrgUnit, template_id: int) -> SurveyTemplate:
    template = SurveyTemplate.objects.filter(pk=template_id, centre=centre).first()
    if template is None:
        raise NotFound()
    return template


@transaction.atomic
def invitations_send(
    *,
    actor: User,
    template_id: int,
    recipients: Sequence[Recipient],
    channel: str | None = None,
    now: dt.datetime | None = None,
) -> list[Invitation]:
    """Ask each recipient the survey's current version (thousands in one call): by SMS or
    e-mail with a single-use link in the same transaction as the invitation. A recipient
    over the cap, unsubscribed or without an address gets an invitation kept as not sent,
    with the reason. Safe to repeat: a key already used returns its invitation."""
    require_permission(actor, MANAGE_OUTREACH)
    centre = centre_of(actor)
    template = template_for(actor, centre, template_id)
    if len(recipients) > MAX_RECIPIENTS:
        raise Invalid(code="too_many_recipients", detail={"max": MAX_RECIPIENTS})
    if len({r.key for r in recipients}) != len(recipients):
        raise Invalid(_("Each recipient needs a key of its own."), code="key_repeated")
    channel = channel or template.channel
    if channel not in (SurveyChannel.SMS, SurveyChannel.EMAIL):
        raise Invalid(_("Surveys are sent by text message or e-mail."), code="channel_unknown")
    context = send_context(centre, template, recipients, now or timezone.now(), channel)
    context.defer = True
    invitations = [invite(context, recipient, channel) for recipient in recipients]
    try:
        with transaction.atomic():
            invitations_flush(context)
    except IntegrityError as error:  # the same keys sent at the same moment by another call
        raise Conflict(
            _("These surveys are being sent by another request: try again."), code="send_race"
        ) from error
    audit_record(
        actor=actor,
        action="satisfaction.survey_send",
        obj=template,
        after={"recipients": len(recipients)},
    )
    return invitations


# Answers --------------------------------------------------------------------------------


@transaction.atomic
def survey_skip(
    *, actor: User, contact_id: int | None = None, ticket_id: int | None = None, reason: str = ""
) -> SurveySkip:
    """The agent chooses not to survey this contact or work order (Chatwoot's users ask
    for it): the draw passes it by. Safe to repeat."""
    require_permission(actor, WORK_CALLBACKS)
    centre = centre_of(actor)
    if (contact_id is None) == (ticket_id is None):
        raise Invalid(
            code="skip_subject", detail={"contact": gettext("Name a contact or a work order.")}
        )
    if contact_id is not None:
        if not Contact.objects.filter(pk=contact_id, centre=centre).exists():
            raise NotFound()
        key = f"contact:{contact_id}"
    elif ticket_id is not None:
        if not Ticket.objects.filter(pk=ticket_id, centre=centre).exists():
            raise NotFound()
        key = f"ticket:{ticket_id}"
    skip, created = SurveySkip.objects.get_or_create(
        centre=centre, key=key, defaults={"reason": reason[:200], "created_by": actor}
    )
    if created:
        audit_record(actor=actor, action="satisfaction.survey_skip", obj=skip)
    return skip


# The draw -------------------------------------------------------------------------------

#: Which contacts a template after a contact asks about, by its touchpoint.
CONTACT_CHANNELS: dict[str, list[str] | None] = {
    Touchpoint.HOTLINE: ["hotline"],
    Touchpoint.ONLINE: ["web", "app", "wechat", "email", "sms"],
    Touchpoint.SERVICE_HALL: ["counter"],
}


def _draw_contacts(template: SurveyTemplate, now: dt.datetime) -> list[Recipient]:
    until = now - dt.timedelta(hours=template.delay_hours)
    contacts = Contact.objects.filter(
        centre_id=template.centre_id,
        direction="inbound",
        customer__isnull=False,
        ended_at__gt=until - DRAW_LOOKBACK,
        ended_at__lte=until,
    ).select_related("agent")
    channels = CONTACT_CHANNELS.get(template.touchpoint)
    if channels is not None:
        contacts = contacts.filter(channel__in=channels)
    return [
        Recipient(
            key=f"contact:{c.pk}",
            customer_id=c.customer_id,
            staff_number=c.agent.employee_number if c.agent else "",
            contact_id=c.pk,
        )
        for c in contacts.order_by("ended_at", "pk")[:DRAW_LIMIT]
    ]


def _draw_tickets(template: SurveyTemplate, now: dt.datetime) -> list[Recipient]:
    until = now - dt.timedelta(hours=template.delay_hours)
    tickets = Ticket.objects.filter(
        centre_id=template.centre_id,
        customer__isnull=False,
        closed_at__gt=until - DRAW_LOOKBACK,
        closed_at__lte=until,
    ).select_related("assignee")
    if template.touchpoint == Touchpoint.FIELD_REPAIR:
        tickets = tickets.filter(kind="fault")
    elif template.touchpoint == Touchpoint.WORK_ORDER:
        tickets = tickets.exclude(kind="fault")
    return [
        Recipient(
            key=f"ticket:{t.pk}",
            customer_id=t.customer_id,
            staff_number=t.assignee.employee_number if t.assignee else "",
            ticket_id=t.pk,
            subject_kind=t.kind,
        )
        for t in tickets.order_by("closed_at", "pk")[:DRAW_LIMIT]
    ]


def surveys_draw(*, centre_id: int, now: dt.datetime | None = None) -> int:
    """The sweep (a scheduled task): every template in use that follows contacts or
    closed work orders asks the customers of those that ended at least its delay ago
    (and at most two days before), one survey per contact or order (its key), none for
    those an agent skipped. Safe to run again and on several workers at once: the keys
    make a second run write nothing. Returns how many invitations it wrote."""
    moment = now or timezone.now()
    written = 0
    templates = SurveyTemplate.objects.filter(
        centre_id=centre_id,
        active=True,
        trigger__in=[SurveyTrigger.AFTER_CONTACT, SurveyTrigger.AFTER_TICKET],
        channel__in=[SurveyChannel.SMS, SurveyChannel.EMAIL],
    ).select_related("centre")
    for template in templates.order_by("pk"):
        drawn = (
            _draw_contacts(template, moment)
            if template.trigger == SurveyTrigger.AFTER_CONTACT
            else _draw_tickets(template, moment)
        )
        keys = [r.key for r in drawn]
        taken = set(
            Invitation.objects.filter(centre_id=centre_id, key__in=keys).values_list(
                "key", flat=True
            )
        ) | set(
            SurveySkip.objects.filter(centre_id=centre_id, key__in=keys).values_list(
                "key", flat=True
            )
        )
        fresh = [r for r in drawn if r.key not in taken]
        for start in range(0, len(fresh), 500):
            chunk = fresh[start : start + 500]
            with transaction.atomic():
                context = send_context(template.centre, template, chunk, moment, template.channel)
                context.defer = True
                for recipient in chunk:
                    invite(context, recipient, template.channel)
                # A key another worker wrote just now is left to it.
                written += len(invitations_flush(context, ignore_conflicts=True))
    return written


def surveys_draw_all(now: dt.datetime | None = None) -> int:
    centres = SurveyTemplate.objects.filter(
        active=True, trigger__in=[SurveyTrigger.AFTER_CONTACT, SurveyTrigger.AFTER_TICKET]
    ).values_list("centre_id", flat=True)
    return sum(surveys_draw(centre_id=c, now=now) for c in sorted(set(centres)))


# Monthly questionnaires (000 第7篇) ------------------------------------------------------
