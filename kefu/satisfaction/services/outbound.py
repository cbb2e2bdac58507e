"""Writing messages to customers into the outbox, recording opt-outs, and taking in what
customers reply. Sending what is due is `services.dispatch`.

`message_enqueue` is called inside the transaction of the event that causes the message
(a survey drawn, a reminder falling due, a notice published): the message exists if and
only if the event does, and writing it again under the same key returns the first one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.services.audit import audit_record
from kefu.core.validation import InvalidValue, check_lengths, normalize_phone
from kefu.customers.models import Customer
from kefu.satisfaction import outreach
from kefu.satisfaction.models import (
    Channel,
    InboundMessage,
    Message,
    MessageState,
    OptOut,
    OptOutSource,
    OutreachRules,
    Purpose,
    RefusalReason,
)

#: What else may make sense of a reply that does not unsubscribe, tried in order: each is
#: called with the reply and the message it answers (or None) and returns True when it
#: took the reply (a digit answering a survey).
REPLY_HANDLERS: list[str] = [
    "kefu.satisfaction.services.surveys.survey_reply_handle",
]


def rules_of(centre_id: int) -> OutreachRules:
    """The centre's outreach rules, made with the defaults the first time."""
    rules, _created = OutreachRules.objects.get_or_create(centre_id=centre_id)
    return rules


def address_normalize(channel: str, address: str) -> str:
    """The canonical form of a number (digits) or an e-mail address (lower case); with no
    channel, whichever the address is."""
    address = address.strip()
    if channel == Channel.SMS or (not channel and "@" not in address):
        try:
            return normalize_phone(address)
        except InvalidValue as error:
            raise Invalid(error.message, code="address_invalid") from error
    if "@" not in address or len(address) > 254:
        raise Invalid(_("Enter a valid e-mail address."), code="address_invalid")
    return address.lower()


def opted_out(centre_id: int, channel: str, address: str) -> bool:
    return OptOut.objects.filter(
        centre_id=centre_id, address=address, channel__in=[channel, ""]
    ).exists()


def _over_cap(rules: OutreachRules, channel: str, address: str, at: dt.datetime) -> bool:
    """Whether the number already has the day's messages (a day before `at`)."""
    since = at - dt.timedelta(days=1)
    earlier = Message.objects.filter(
        centre_id=rules.centre_id,
        channel=channel,
        address=address,
        scheduled_for__gt=since,
        scheduled_for__lte=at,
        state__in=[
            MessageState.QUEUED,
            MessageState.SENDING,
            MessageState.SENT,
            MessageState.DELIVERED,
        ],
    ).values_list("scheduled_for", flat=True)
    return not outreach.under_cap(earlier, at, limit=rules.messages_per_day, days=1)


@transaction.atomic
def message_enqueue(
    *,
    centre: OrgUnit,
    channel: str,
    address: str,
    purpose: str,
    text: str,
    key: str,
    customer: Customer | None = None,
    due_at: dt.datetime | None = None,
    template_code: str = "",
    params: dict[str, Any] | None = None,
) -> Message:
    """Write one message, to go at `due_at` (now by default) or at the end of the quiet
    hours it falls in. One that may not go is written as refused with the reason (the
    customer unsubscribed, the number has the day's messages). Safe to repeat: a second
    call with the same key returns the first message unchanged."""
    if channel not in Channel.values or purpose not in Purpose.values:
        raise Invalid(_("There is no such channel or purpose."), code="channel_unknown")
    existing = Message.objects.filter(centre=centre, key=key).first()
    if existing is not None:
        return existing
    rules = rules_of(centre.pk)
    wanted = timezone.localtime(due_at or timezone.now())
    scheduled = outreach.send_time(
        wanted,
        quiet_from=rules.quiet_from,
        quiet_until=rules.quiet_until,
        marketing=purpose == Purpose.CARE,
    )
    message = Message(
        centre=centre,
        customer=customer,
        channel=channel,
        address=address.strip()[:254],
        purpose=purpose,
        text=text,
        template_code=template_code,
        params=params or {},
        key=key,
        scheduled_for=scheduled,
        due_at=scheduled,
    )
    try:
        message.address = address_normalize(channel, address)
    except Invalid:
        message.state, message.refusal = MessageState.REFUSED, RefusalReason.NO_ADDRESS
    else:
        if opted_out(centre.pk, channel, message.address):
            message.state, message.refusal = MessageState.REFUSED, RefusalReason.OPTED_OUT
        elif _over_cap(rules, channel, message.address, scheduled):
            message.state, message.refusal = MessageState.REFUSED, RefusalReason.CAPPED
    check_lengths(message)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # the same key written at the same moment by another process
        return Message.objects.get(centre=centre, key=key)
    return message


@transaction.atomic
def opt_out_record(
    *,
    centre: OrgUnit,
    channel: str,
    address: str,
    source: str,
    actor: User | None = None,
) -> OptOut:
    """Record that a number or address asked not to be written to, on one channel or on
    every channel (`channel` blank), and cancel what waits to be sent to it there."""
    if source not in OptOutSource.values or channel not in [*Channel.values, ""]:
        raise Invalid(_("There is no such channel or source."), code="channel_unknown")
    normalized = address_normalize(channel, address)
    entry, created = OptOut.objects.get_or_create(
        centre=centre,
        address=normalized,
        channel=channel,
        defaults={"source": source, "created_by": actor},
    )
    if created:
        waiting = Message.objects.filter(
            centre=centre, address=normalized, state=MessageState.QUEUED
        )
        if channel:
            waiting = waiting.filter(channel=channel)
        waiting.update(state=MessageState.REFUSED, refusal=RefusalReason.OPTED_OUT)
        audit_record(actor=actor, action="satisfaction.opt_out", obj=entry)
    return entry


def _handlers() -> list[Callable[[InboundMessage], bool]]:
    return [import_string(path) for path in REPLY_HANDLERS]


@transaction.atomic
def inbound_receive(
    *,
    centre: OrgUnit,
    channel: str,
    sender: str,
    text: str,
    provider: str = "",
    reference: str = "",
    received_at: dt.datetime | None = None,
) -> InboundMessage:
    """Take in a customer's reply: record it once (a provider that delivers it again under
    the same reference gets the first record back), tie it to the last message sent to
    the sender, and act on it: an unsubscribe reply opts the sender out of the channel;
    anything else is offered to the reply handlers (a digit answering a survey)."""
    if channel not in Channel.values:
        raise Invalid(_("There is no such channel or purpose."), code="channel_unknown")
    if reference:
        existing = InboundMessage.objects.filter(provider=provider, reference=reference).first()
        if existing is not None:
            return existing
    try:
        address, known = address_normalize(channel, sender), True
    except Invalid:  # kept as it came; nothing can be sent to it
        address, known = sender.strip()[:254], False
    moment = received_at or timezone.now()
    reply_to = (
        Message.objects.filter(
            centre=centre,
            channel=channel,
            address=address,
            state__in=[MessageState.SENT, MessageState.DELIVERED],
            sent_at__lte=moment,
        )
        .order_by("-sent_at", "-id")
        .first()
    )
    inbound = InboundMessage(
        centre=centre,
        channel=channel,
        sender=address,
        text=text.strip()[:500],
        provider=provider,
        reference=reference,
        received_at=moment,
        reply_to=reply_to,
    )
    if outreach.unsubscribes(text):
        inbound.handled_as = InboundMessage.Handling.OPT_OUT
        inbound.save()
        if known:
            opt_out_record(centre=centre, channel=channel, address=address, source="reply")
        return inbound
    inbound.save()
    for handler in _handlers():
        if handler(inbound):
            inbound.handled_as = InboundMessage.Handling.ANSWER
            inbound.save(update_fields=["handled_as"])
            break
    return inbound
