"""What the SMS providers tell kefu after a message left: the carrier's delivery receipt,
and the customers' replies (a digit answering a survey, 退订). Both may be pushed more
than once; each counts once."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kefu.core import sms
from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit
from kefu.satisfaction.models import Channel, InboundMessage, Message, MessageState
from kefu.satisfaction.services.outbound import address_normalize, inbound_receive

logger = logging.getLogger("kefu.sms")

# Pull mode asks about messages sent between these two ages: the carrier's receipt takes
# seconds to minutes; Alibaba keeps the details 30 days, kefu stops asking after two.
PULL_AFTER = dt.timedelta(minutes=5)
PULL_UNTIL = dt.timedelta(days=2)
# The providers date a message by China's calendar.
CHINA = ZoneInfo("Asia/Shanghai")


@transaction.atomic
def receipt_record(
    *,
    provider: str,
    reference: str,
    delivered: bool,
    error: str = "",
    at: dt.datetime | None = None,
) -> Message | None:
    """Record the provider's delivery receipt for the message it accepted under
    `reference`: delivered (with the time) or failed (with the reason staff read). Only a
    sent message takes a receipt, and only its first: a receipt pushed again changes
    nothing. Returns the message, or None when no message has that reference (yet: the
    provider may push before the sender has stored it, so the caller asks for a retry)."""
    if not reference:
        return None
    message = (
        Message.objects.filter(channel=Channel.SMS, reference=reference[:100])
        .order_by("-id")
        .first()
    )
    if message is None:
        return None
    fields: dict[str, object] = {
        "state": MessageState.DELIVERED if delivered else MessageState.FAILED,
        "error": "" if delivered else error[:200],
    }
    if delivered:
        fields["delivered_at"] = at or timezone.now()
    # Compare and swap: of two pushes of the same receipt at once, one changes the row.
    Message.objects.filter(pk=message.pk, state=MessageState.SENT).update(**fields)
    message.refresh_from_db()
    return message


def reply_centre(number: str) -> OrgUnit | None:
    """The centre a reply from `number` goes to: the one that last wrote to the number,
    else the first centre (a database serves one centre as a rule)."""
    centres = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE).order_by("id").values_list("id", flat=True)
    )
    try:
        address = address_normalize(Channel.SMS, number)
    except Invalid:
        address = ""
    latest: tuple[dt.datetime, int] | None = None
    for centre_id in centres if address else []:
        # One look per centre, each along the index on (centre, address, scheduled_for).
        sent = (
            Message.objects.filter(
                centre_id=centre_id,
                channel=Channel.SMS,
                address=address,
                sent_at__isnull=False,
            )
            .order_by("-scheduled_for")
            .values_list("sent_at", flat=True)
            .first()
        )
        if sent is not None and (latest is None or sent > latest[0]):
            latest = (sent, centre_id)
    if latest is not None:
        return OrgUnit.objects.get(pk=latest[1])
    return OrgUnit.objects.filter(pk__in=centres[:1]).first()


@transaction.atomic
def sms_reply_receive(
    *,
    provider: str,
    number: str,
    text: str,
    reference: str,
    received_at: dt.datetime | None = None,
) -> InboundMessage | None:
    """Take in a customer's SMS reply pushed by a provider (recorded once per provider and
    reference), for the centre that wrote to the number; None when there is no centre."""
    centre = reply_centre(number)
    if centre is None:
        return None
    return inbound_receive(
        centre=centre,
        channel=Channel.SMS,
        sender=number,
        text=text,
        provider=provider,
        reference=reference[:100],
        received_at=received_at,
    )


def receipts_pull(*, gateway: Any = None, limit: int = 100, now: dt.datetime | None = None) -> int:
    """Pull mode, for where the provider cannot push to kefu: ask the gateway for receipts
    and record them. A gateway with a queue of receipts (`pull_receipts`, Tencent's
    PullSmsSendStatus) hands out what it has; one that answers per message (`query`,
    Alibaba's QuerySendDetails) is asked about the oldest sent messages still without a
    receipt. Returns how many receipts named a message kefu has; a gateway with neither
    (the log gateway) has none."""
    gateway = gateway if gateway is not None else sms.gateway()
    name = str(getattr(gateway, "name", "") or type(gateway).__name__)
    taken = 0
    if callable(getattr(gateway, "pull_receipts", None)):
        for receipt in gateway.pull_receipts(limit):
            found = receipt_record(
                provider=name,
                reference=receipt.reference,
                delivered=receipt.delivered,
                error=receipt.error,
                at=receipt.at,
            )
            taken += found is not None
        return taken
    if not callable(getattr(gateway, "query", None)):
        return 0
    moment = now or timezone.now()
    waiting = (
        Message.objects.filter(
            channel=Channel.SMS,
            state=MessageState.SENT,
            sent_at__lte=moment - PULL_AFTER,
            sent_at__gte=moment - PULL_UNTIL,
        )
        .exclude(reference="")
        .exclude(reference__startswith="out:")  # known by its key alone: no BizId to ask by
        .order_by("sent_at", "id")
        .values_list("address", "reference", "sent_at")[:limit]
    )
    for address, reference, sent_at in list(waiting):
        try:
            receipt = gateway.query(
                number=address,
                reference=reference,
                sent_on=timezone.localtime(sent_at, CHINA).date(),
            )
        except sms.TemporaryFailure as error:  # busy or throttled: the next run goes on
            logger.warning("SMS receipts pull stopped: %s", error.code)
            break
        except sms.PermanentFailure as error:
            logger.warning("SMS receipt of %s not to be had: %s", reference, error.code)
            continue
        if receipt is not None:
            found = receipt_record(
                provider=name,
                reference=reference,
                delivered=receipt.delivered,
                error=receipt.error,
                at=receipt.at,
            )
            taken += found is not None
    return taken
