"""Sending what is due from the outbox, each message exactly once, with any number of
dispatchers at once and after any of them is killed (issue 19, points 4 and 7).

A dispatcher claims a batch of due messages in one transaction: on PostgreSQL by
``SELECT … FOR UPDATE SKIP LOCKED`` (two dispatchers take disjoint batches without
waiting for each other), on SQLite by a conditional ``UPDATE … WHERE state = 'queued'``
inside a writing transaction, which SQLite admits one at a time, so exactly one process
wins each row. In the same transaction it re-checks what may have changed since the
message was written: a customer who unsubscribed meanwhile makes it refused, a message
that would now fall in the quiet hours (or, for care, outside 08:00-22:00) waits for their
end. The rest become `sending`, with the batch's claim token, a lease and one more
attempt counted. That commit is the attempt recorded *before* the provider is called.

Then each message goes to its gateway with its idempotency key (`delivery.out_id`), which
the provider keeps as the send's out-id, and the result is written back under the claim:
`sent` with the provider's reference; after a temporary refusal back to `queued` with an
exponential back-off (`delivery.backoff`) until `delivery.MAX_ATTEMPTS`, then `failed`; a
permanent refusal `failed` at once.

**What guarantees exactly once.** A message is sent only by the holder of its claim, and a
claim is taken only on a queued message or on a `sending` one whose lease ran out. The
one window left is between the provider accepting a send and the commit of `sent`: a
dispatcher killed there (SIGKILL, power) leaves the message `sending` with its attempt
recorded. Whoever takes it after the lease does not send it blindly again; it settles it
first, as its gateway allows:

- a gateway that can look a send up by its key (`kefu.core.sms.Reconciling.find`, the
  providers' send-status queries return the out-id) tells whether the provider has it:
  then it is recorded `sent` with that reference and not sent again; if not, it is sent;
- a gateway whose provider drops a second send under the same key (`deduplicates`) is
  simply sent again;
- any other gateway (the log gateway, e-mail through Django's mail) cannot tell. For
  those the moment of each call is committed just before it (`sent_at`) and each result
  just after, so a kill leaves at most the one message in flight unsettled: that one is
  recorded `failed`, outcome unknown (never a duplicate, at worst one message short);
  the claimed ones never called are sent.

A send that raises something other than `SendFailed` (a timeout: the provider may have it)
is treated the same way: it stays `sending` until its back-off, then is settled. A live
dispatcher never overlaps the one that takes its messages after the lease: past half the
lease it hands the rest of its batch back unsent, so a gateway's own time-out must stay
below half the lease (60 s by default: providers' SDKs time out after 10 s or less).

Delivery receipts (`receipt_record`) move `sent` to `delivered` or `failed`, idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import sms
from kefu.satisfaction import delivery, outreach
from kefu.satisfaction.models import (
    Channel,
    Message,
    MessageState,
    OptOut,
    OutreachRules,
    Purpose,
    RefusalReason,
)
from kefu.satisfaction.providers.email import message_email

logger = logging.getLogger("kefu.satisfaction.dispatch")

#: Messages one dispatcher claims at a time.
BATCH = 200


class EmailGateway:
    """E-mail through Django's mail: each message goes with its subject and both bodies
    (`kefu.satisfaction.providers.email.message_email`, called by `_deliver`)."""

    name = "email"


def _deliver(gateway: Any, message: Message, key: str) -> str | None:
    """Send one message: an e-mail with its subject and bodies; a text message as the
    provider's approved template and parameters where the message names a template."""
    if message.channel == Channel.EMAIL:
        return message_email(message, key=key)
    if message.template_code:
        return gateway.send(
            message.address,
            message.text,
            key=key,
            template_code=message.template_code,
            params=message.params,
        )
    return gateway.send(message.address, message.text, key=key)


@dataclass
class Outcome:
    claimed: int = 0
    sent: int = 0
    settled: int = 0  # found at the provider after a crash: recorded, not sent again
    retried: int = 0
    failed: int = 0
    refused: int = 0
    deferred: int = 0
    unknown: int = 0
    released: int = 0  # claimed but handed back unsent: the batch ran past half its lease
    ids: list[int] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        for name in ("claimed", "sent", "settled", "retried", "failed", "refused"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.deferred += other.deferred
        self.unknown += other.unknown
        self.released += other.released


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gateways() -> dict[str, Any]:
    return {Channel.SMS: sms.gateway(), Channel.EMAIL: EmailGateway()}


def _reconciles(gateway: Any) -> bool:
    return isinstance(gateway, sms.Reconciling)


def _can_settle(gateway: Any) -> bool:
    return _reconciles(gateway) or bool(getattr(gateway, "deduplicates", False))


_Row = tuple[int, str, int, str, str, str]  # id, state, centre, channel, address, purpose


def _candidates(now: dt.datetime, limit: int) -> list[_Row]:
    """Due messages: those whose lease ran out first (a crashed dispatcher's), then the
    queued ones by due time. On PostgreSQL locked, skipping what another dispatcher holds."""
    fields = ("id", "state", "centre_id", "channel", "address", "purpose")
    postgres = connection.vendor == "postgresql"
    rows: list[_Row] = []
    for query in (
        Message.objects.filter(state=MessageState.SENDING, lease_until__lt=now).order_by(
            "lease_until"
        ),
        Message.objects.filter(state=MessageState.QUEUED, due_at__lte=now).order_by("due_at"),
    ):
        if len(rows) >= limit:
            break
        if postgres:
            query = query.select_for_update(skip_locked=True, of=("self",))
        rows.extend(query.values_list(*fields)[: limit - len(rows)])
    return rows


def _opted_out(rows: Iterable[_Row]) -> set[tuple[int, str, str]]:
    """(centre, channel, address) of the rows whose address unsubscribed on that channel
    or on every channel."""
    by_centre: dict[int, set[str]] = {}
    for _id, _state, centre, _channel, address, _purpose in rows:
        by_centre.setdefault(centre, set()).add(address)
    found: set[tuple[int, str, str]] = set()
    for centre, addresses in by_centre.items():
        for address, channel in OptOut.objects.filter(
            centre_id=centre, address__in=addresses
        ).values_list("address", "channel"):
            for each in [channel] if channel else Channel.values:
                found.add((centre, each, address))
    return found


def _claim(
    worker: str, now: dt.datetime, limit: int, lease: dt.timedelta
) -> tuple[str, list[Message], Outcome]:
    """Take a batch in one transaction; see the module's docstring."""
    outcome = Outcome()
    token = delivery.claim_token(f"{worker}|{uuid.uuid4().hex}", now)
    with transaction.atomic():
        rows = _candidates(now, limit)
        if not rows:
            return token, [], outcome
        out = _opted_out(rows)
        rules = {
            rule.centre_id: rule
            for rule in OutreachRules.objects.filter(centre_id__in={row[2] for row in rows})
        }
        local = timezone.localtime(now)
        refuse: list[int] = []
        later: dict[dt.datetime, list[int]] = {}
        take: list[int] = []
        for pk, state, centre, channel, address, purpose in rows:
            if state == MessageState.QUEUED and (centre, channel, address) in out:
                refuse.append(pk)
                continue
            rule = rules.get(centre)
            moment = outreach.send_time(
                local,
                quiet_from=rule.quiet_from if rule else dt.time(21, 0),
                quiet_until=rule.quiet_until if rule else dt.time(8, 0),
                marketing=purpose == Purpose.CARE,
            )
            if state == MessageState.QUEUED and moment > local:
                later.setdefault(moment, []).append(pk)
                continue
            take.append(pk)
        # Each update repeats the condition it was chosen on: on SQLite the writing
        # transaction already excludes every other dispatcher, and the condition makes
        # the claim right on any database that would not.
        queued = Q(state=MessageState.QUEUED, due_at__lte=now)
        lapsed = Q(state=MessageState.SENDING, lease_until__lt=now)
        if refuse:
            outcome.refused = Message.objects.filter(queued, id__in=refuse).update(
                state=MessageState.REFUSED, refusal=RefusalReason.OPTED_OUT
            )
        for moment, ids in later.items():
            outcome.deferred += Message.objects.filter(queued, id__in=ids).update(due_at=moment)
        for start in range(0, len(take), 500):
            Message.objects.filter(queued | lapsed, id__in=take[start : start + 500]).update(
                state=MessageState.SENDING,
                claim=token,
                lease_until=now + lease,
                attempts=F("attempts") + 1,
            )
    claimed = list(
        Message.objects.filter(claim=token, state=MessageState.SENDING)
        # Everything `_deliver` and `_one` read (an e-mail names the centre): a field
        # left out costs a query per message.
        .select_related("centre")
        .only(
            "centre__name",
            "channel",
            "address",
            "purpose",
            "key",
            "text",
            "template_code",
            "params",
            "attempts",
            "scheduled_for",
            "sent_at",
        )
        .order_by("id")
    )
    was_sending = {row[0] for row in rows if row[1] == MessageState.SENDING}
    for message in claimed:
        message._was_sending = message.pk in was_sending  # type: ignore[attr-defined]
    outcome.claimed = len(claimed)
    return token, claimed, outcome


_Result = tuple[int, dict[str, Any]]


def _write(token: str, results: list[_Result]) -> None:
    """Write results under the claim: a dispatcher that lost its lease writes nothing.
    The common result, sent, goes in one statement run for every row (the ORM would
    build a query per message, which costs more than the database)."""
    if not results:
        return
    sent = [(pk, values) for pk, values in results if values.get("state") == MessageState.SENT]
    other = [(pk, values) for pk, values in results if values.get("state") != MessageState.SENT]
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {quote(Message._meta.db_table)} SET state = %s, reference = %s, "  # noqa: S608
        "provider = %s, sent_at = %s, error = '', claim = '', lease_until = NULL "
        "WHERE id = %s AND claim = %s AND state = %s"
    )
    with transaction.atomic():
        if sent:
            with connection.cursor() as cursor:
                cursor.executemany(
                    sql,
                    [
                        (
                            MessageState.SENT.value,
                            values["reference"],
                            values["provider"],
                            adapt(values["sent_at"]),
                            pk,
                            token,
                            MessageState.SENDING.value,
                        )
                        for pk, values in sent
                    ],
                )
        for pk, values in other:
            Message.objects.filter(pk=pk, claim=token, state=MessageState.SENDING).update(**values)
    results.clear()


def _failure(message: Message, now: dt.datetime, error: sms.SendFailed) -> dict[str, Any]:
    reason = (error.reason or type(error).__name__)[:200]
    retry = delivery.retry_at(now, message.attempts) if error.temporary else None
    if retry is None:
        return {"state": MessageState.FAILED, "error": reason, "claim": "", "lease_until": None}
    return {
        "state": MessageState.QUEUED,
        "due_at": retry,
        "error": reason,
        "claim": "",
        "lease_until": None,
        "sent_at": None,
    }


def _sent(reference: str | None, provider: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "state": MessageState.SENT,
        "reference": str(reference or "")[:100],
        "provider": provider,
        "sent_at": now,
        "error": "",
        "claim": "",
        "lease_until": None,
    }


def _unknown(message: Message, now: dt.datetime, error: str) -> dict[str, Any]:
    """The provider may have it: leave it `sending` until its back-off, then settle it."""
    if message.attempts >= delivery.MAX_ATTEMPTS:
        return {
            "state": MessageState.FAILED,
            "error": error[:200],
            "claim": "",
            "lease_until": None,
        }
    return {
        "error": error[:200],
        "claim": "",
        "lease_until": now + delivery.backoff(message.attempts),
    }


def _one(
    message: Message,
    token: str,
    gateway: Any,
    settles: bool,
    provider: str,
    now: dt.datetime,
    outcome: Outcome,
) -> dict[str, Any]:
    key = delivery.out_id(message.centre_id, message.pk)
    if getattr(message, "_was_sending", False):
        # Claimed after a lease ran out: the last attempt's outcome may be unknown.
        if isinstance(gateway, sms.Reconciling):
            try:
                found = gateway.find(message.address, key, message.scheduled_for)
            except Exception as error:  # cannot tell now: try again after the back-off
                outcome.unknown += 1
                return _unknown(message, now, str(error) or type(error).__name__)
            if found is not None:
                outcome.settled += 1
                return _sent(found, provider, now)
        elif not getattr(gateway, "deduplicates", False) and message.sent_at is not None:
            outcome.failed += 1
            return {
                "state": MessageState.FAILED,
                "error": _("Unknown whether it was sent; not sent again.")[:200],
                "claim": "",
                "lease_until": None,
            }
    if not settles:  # the attempt's moment, committed before the call
        Message.objects.filter(pk=message.pk, claim=token, state=MessageState.SENDING).update(
            sent_at=now
        )
    try:
        reference = _deliver(gateway, message, key)
    except sms.SendFailed as error:
        values = _failure(message, now, error)
        if values["state"] == MessageState.FAILED:
            outcome.failed += 1
        else:
            outcome.retried += 1
        return values
    except Exception as error:
        logger.warning("message %s: outcome unknown: %s", message.pk, error)
        outcome.unknown += 1
        return _unknown(message, now, str(error) or type(error).__name__)
    outcome.sent += 1
    outcome.ids.append(message.pk)
    return _sent(reference, provider, timezone.now())


def dispatch_batch(
    *,
    worker: str | None = None,
    limit: int = BATCH,
    now: dt.datetime | None = None,
    lease: dt.timedelta = delivery.LEASE,
    gateways: dict[str, Any] | None = None,
) -> Outcome:
    """Claim one batch of due messages and send it; what happened, counted."""
    now = now or timezone.now()
    token, claimed, outcome = _claim(worker or worker_name(), now, limit, lease)
    if not claimed:
        return outcome
    gateways = gateways or _gateways()
    settles = {channel: _can_settle(gateway) for channel, gateway in gateways.items()}
    providers = {channel: sms.gateway_name(gateway) for channel, gateway in gateways.items()}
    results: list[_Result] = []
    # Past half the lease the rest of the batch is handed back unsent: another dispatcher
    # may take a message once the lease is out, and must not find this one still sending.
    deadline = time.monotonic() + lease.total_seconds() / 2
    for index, message in enumerate(claimed):
        if time.monotonic() > deadline:
            _write(token, results)
            outcome.released = _release(token, [m.pk for m in claimed[index:]])
            break
        channel = message.channel
        gateway = gateways[channel]
        values = _one(message, token, gateway, settles[channel], providers[channel], now, outcome)
        results.append((message.pk, values))
        if not settles[channel]:
            _write(token, results)  # nothing could settle it after a crash: commit now
    _write(token, results)
    return outcome


def _release(token: str, ids: list[int]) -> int:
    """Hand claimed messages never sent back to the queue, their attempt uncounted."""
    return Message.objects.filter(
        pk__in=ids, claim=token, state=MessageState.SENDING, sent_at__isnull=True
    ).update(
        state=MessageState.QUEUED,
        claim="",
        lease_until=None,
        attempts=F("attempts") - 1,
    )


def dispatch_due(
    *,
    worker: str | None = None,
    limit: int = BATCH,
    seconds: float = 50.0,
    gateways: dict[str, Any] | None = None,
) -> Outcome:
    """Send batches until nothing is due or `seconds` have passed (a scheduled run)."""
    total = Outcome()
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        outcome = dispatch_batch(worker=worker, limit=limit, gateways=gateways)
        total.add(outcome)
        if outcome.claimed + outcome.refused + outcome.deferred == 0:
            break
    return total


@transaction.atomic
def receipt_record(
    provider: str, reference: str, delivered: bool, error: str = ""
) -> Message | None:
    """A provider's delivery receipt: the message it names becomes delivered, or failed
    with the provider's reason. A receipt repeated, or one for a message already settled
    by an earlier receipt, changes nothing; an unknown reference is ignored (None)."""
    if not reference:
        return None
    message = (
        Message.objects.select_for_update()
        .filter(provider=provider[:20], reference=reference[:100])
        .order_by("id")
        .first()
    )
    if message is None:
        return None
    if message.state != MessageState.SENT:
        return message
    if delivered:
        message.state = MessageState.DELIVERED
        message.delivered_at = timezone.now()
    else:
        message.state = MessageState.FAILED
        message.error = (error or _("The provider could not deliver it."))[:200]
    message.save(update_fields=["state", "delivered_at", "error"])
    return message
