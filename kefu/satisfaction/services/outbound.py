"""Writing messages to customers into the outbox, recording opt-outs, and taking in what
customers reply. Sending what is due is `services.dispatch`.

`message_enqueue` is called inside the transaction of the event that causes the message
(a survey drawn, a reminder falling due, a notice published): the message exists if and
only if the event does, and writing it again under the same key returns the first one."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
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


LIVE_STATES = [MessageState.QUEUED, MessageState.SENDING, MessageState.SENT, MessageState.DELIVERED]


def _written_today(
    centre_id: int, channel: str, addresses: Sequence[str], at: dt.datetime
) -> Counter[str]:
    """How many live messages each address has in the day before `at`."""
    rows = (
        Message.objects.filter(
            centre_id=centre_id,
            channel=channel,
            address__in=addresses,
            scheduled_for__gt=at - dt.timedelta(days=1),
            scheduled_for__lte=at,
            state__in=LIVE_STATES,
        )
        .values("address")
        .annotate(n=Count("id"))
        .values_list("address", "n")
    )
    return Counter(dict(rows))


def _opted_out_of(centre_id: int, channel: str, addresses: Sequence[str]) -> set[str]:
    return set(
        OptOut.objects.filter(
            centre_id=centre_id, address__in=addresses, channel__in=[channel, ""]
        ).values_list("address", flat=True)
    )


def _scheduled(rules: OutreachRules, purpose: str, due_at: dt.datetime | None) -> dt.datetime:
    return outreach.send_time(
        timezone.localtime(due_at or timezone.now()),
        quiet_from=rules.quiet_from,
        quiet_until=rules.quiet_until,
        marketing=purpose == Purpose.CARE,
    )


def _check_kind(channel: str, purpose: str) -> None:
    if channel not in Channel.values or purpose not in Purpose.values:
        raise Invalid(_("There is no such channel or purpose."), code="channel_unknown")


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
    _check_kind(channel, purpose)
    existing = Message.objects.filter(centre=centre, key=key).first()
    if existing is not None:
        return existing
    rules = rules_of(centre.pk)
    scheduled = _scheduled(rules, purpose, due_at)
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
        elif (
            _written_today(centre.pk, channel, [message.address], scheduled)[message.address]
            >= rules.messages_per_day
        ):
            message.state, message.refusal = MessageState.REFUSED, RefusalReason.CAPPED
    check_lengths(message)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # the same key written at the same moment by another process
        return Message.objects.get(centre=centre, key=key)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One of many messages written at once: its key, to whom, and its text."""

    key: str
    address: str
    text: str
    customer_id: int | None = None


#: Messages written by one statement of `messages_enqueue_many`.
ENQUEUE_BATCH = 500


def messages_enqueue_many(
    *,
    centre: OrgUnit,
    channel: str,
    purpose: str,
    items: Sequence[Outgoing],
    due_at: dt.datetime | None = None,
    template_code: str = "",
    params: dict[str, Any] | None = None,
) -> int:
    """Write many messages under the same rules as `message_enqueue` (a notice to a
    district's customers), a batch per transaction; keys written before are left as they
    are, so a run cut short is finished by running it again. Returns the messages written
    now, refused ones included."""
    _check_kind(channel, purpose)
    rules = rules_of(centre.pk)
    scheduled = _scheduled(rules, purpose, due_at)
    written = 0
    for start in range(0, len(items), ENQUEUE_BATCH):
        batch = items[start : start + ENQUEUE_BATCH]
        with transaction.atomic():
            done = set(
                Message.objects.filter(
                    centre=centre, key__in=[item.key for item in batch]
                ).values_list("key", flat=True)
            )
            fresh: list[tuple[Outgoing, str | None]] = []
            for item in batch:
                if item.key in done:
                    continue
                done.add(item.key)
                try:
                    fresh.append((item, address_normalize(channel, item.address)))
                except Invalid:
                    fresh.append((item, None))
            addresses = [address for _item, address in fresh if address]
            opted = _opted_out_of(centre.pk, channel, addresses)
            counts = _written_today(centre.pk, channel, addresses, scheduled)
            rows = []
            for item, address in fresh:
                message = Message(
                    centre=centre,
                    customer_id=item.customer_id,
                    channel=channel,
                    address=address or item.address.strip()[:254],
                    purpose=purpose,
                    text=item.text,
                    template_code=template_code,
                    params=params or {},
                    key=item.key,
                    scheduled_for=scheduled,
                    due_at=scheduled,
                )
                if address is None:
                    message.state, message.refusal = MessageState.REFUSED, RefusalReason.NO_ADDRESS
                elif address in opted:
                    message.state, message.refusal = MessageState.REFUSED, RefusalReason.OPTED_OUT
                elif counts[address] >= rules.messages_per_day:
                    message.state, message.refusal = MessageState.REFUSED, RefusalReason.CAPPED
                else:
                    counts[address] += 1
                check_lengths(message)
                rows.append(message)
            Message.objects.bulk_create(rows, ignore_conflicts=True)
            written += len(rows)
    return written


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
