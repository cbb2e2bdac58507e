"""Notices to customers (issue 19 point 6): written as drafts, published (which sends
the text message to every customer on file in the affected regions, through the outbox,
in the worker), corrected while they run, withdrawn.

Seeds: 002 第19篇 (the planned-outage notice: where, from when to when), 000 第1篇
(notices and 温馨提示 to the customers they concern)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, Region, User
from kefu.core.queries import require_centre
from kefu.core.roles import PUBLISH_NOTICES
from kefu.core.services.audit import audit_record
from kefu.core.validation import InvalidInstant, check_instant, check_lengths
from kefu.customers.models import CustomerPhone, PhoneKind
from kefu.satisfaction.models import Channel, Message, MessageState, Purpose
from kefu.satisfaction.models.notices import Notice, NoticeKind, NoticeState
from kefu.satisfaction.queries.notices import regions_within
from kefu.satisfaction.services.outbound import Outgoing, messages_enqueue_many

SEND_TASK = "kefu.satisfaction.services.notices.notice_send"
#: A notice runs for at most this long (a season's works; anything longer is not news).
LONGEST = dt.timedelta(days=93)
#: Customers read from the archive at a time while the text message is written.
SEND_BATCH = 2000


def _require(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(PUBLISH_NOTICES)):
        raise Forbidden()


def _check(
    kind: str, starts_at: dt.datetime, ends_at: dt.datetime, region_codes: Sequence[str]
) -> list[Region]:
    if kind not in NoticeKind.values:
        raise Invalid(_("There is no such kind of notice."), code="notice_kind_unknown")
    try:
        check_instant(starts_at)
        check_instant(ends_at)
    except InvalidInstant as error:
        raise Invalid(error.message, code=error.code) from error
    if ends_at <= starts_at:
        raise Invalid(_("A notice must end after it starts."), code="notice_ends_first")
    if ends_at - starts_at > LONGEST:
        raise Invalid(_("A notice runs for at most 93 days."), code="notice_too_long")
    regions = list(Region.objects.filter(code__in=set(region_codes)))
    unknown = set(region_codes) - {region.code for region in regions}
    if unknown:
        raise Invalid(
            _("There is no region %(code)s.") % {"code": sorted(unknown)[0]},
            code="region_unknown",
        )
    return regions


@transaction.atomic
def notice_save(
    *,
    actor: User,
    notice: Notice | None = None,
    kind: str,
    title: str,
    text: str,
    sms_text: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    region_codes: Sequence[str],
) -> Notice:
    """Write a new draft, or correct a notice (a published one too: the outage that runs
    longer; its text message is not sent again). A withdrawn notice is not changed."""
    _require(actor)
    centre_id = require_centre(actor)
    regions = _check(kind, starts_at, ends_at, region_codes)
    if notice is None:
        notice = Notice(centre_id=centre_id, created_by=actor)
    else:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == NoticeState.WITHDRAWN:
        raise Conflict(_("A withdrawn notice is not changed."), code="notice_withdrawn")
    before = {"title": notice.title, "starts_at": str(notice.starts_at or "")}
    notice.kind, notice.title, notice.text, notice.sms_text = kind, title, text, sms_text
    notice.starts_at, notice.ends_at = starts_at, ends_at
    check_lengths(notice)
    if not notice.title.strip() or not notice.text.strip():
        raise Invalid(_("A notice needs a title and a text."), code="notice_empty")
    created = notice.pk is None
    notice.save()
    notice.regions.set(regions)
    if not created:
        audit_record(
            actor=actor,
            action="satisfaction.notice_change",
            obj=notice,
            before=before,
            after={"title": notice.title, "starts_at": str(notice.starts_at)},
        )
    return notice


@transaction.atomic
def notice_publish(*, actor: User, notice: Notice) -> Notice:
    """Publish a draft: agents see it at once, and its text message (if it has one) is
    written to the affected customers by the worker, after this transaction."""
    _require(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state != NoticeState.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="notice_not_draft")
    if notice.ends_at <= timezone.now():
        raise Invalid(_("This notice has already ended."), code="notice_over")
    if not notice.regions.exists():
        raise Invalid(_("Name the regions the notice concerns."), code="notice_no_regions")
    notice.state = NoticeState.PUBLISHED
    notice.published_by, notice.published_at = actor, timezone.now()
    notice.save(update_fields=["state", "published_by", "published_at"])
    audit_record(actor=actor, action="satisfaction.notice_publish", obj=notice)
    if notice.sms_text:
        transaction.on_commit(lambda: _enqueue(notice.pk))
    return notice


def _enqueue(notice_id: int) -> None:
    from django_q.tasks import async_task

    # `sync` read now rather than when django-q was loaded: tests switch it per test.
    async_task(SEND_TASK, notice_id, sync=bool(settings.Q_CLUSTER.get("sync", False)))


@transaction.atomic
def notice_withdraw(*, actor: User, notice: Notice) -> Notice:
    """Take a notice back (published in error, or the works called off): agents no longer
    see it, and its text messages not yet sent are cancelled."""
    _require(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == NoticeState.WITHDRAWN:
        return notice
    notice.state, notice.withdrawn_at = NoticeState.WITHDRAWN, timezone.now()
    notice.save(update_fields=["state", "withdrawn_at"])
    Message.objects.filter(
        centre_id=notice.centre_id, key__startswith=f"notice:{notice.pk}:", state="queued"
    ).update(state=MessageState.CANCELLED)
    audit_record(actor=actor, action="satisfaction.notice_withdraw", obj=notice)
    return notice


def notice_send(notice_id: int) -> int:
    """The worker's part of publishing: the text message to the first mobile number of
    every customer on file in the affected regions (and the regions within them), one
    message per customer under the key notice:<id>:<customer>, so a run cut short is
    finished by running it again. Returns the messages written."""
    notice = Notice.objects.filter(pk=notice_id, state=NoticeState.PUBLISHED).first()
    if notice is None or not notice.sms_text:
        return 0
    centre = OrgUnit.objects.get(pk=notice.centre_id)
    regions = regions_within(list(notice.regions.values_list("pk", flat=True)))
    phones = (
        CustomerPhone.objects.filter(
            customer__centre_id=notice.centre_id,
            customer__region_id__in=regions,
            customer__anonymised_at__isnull=True,
            kind=PhoneKind.MOBILE,
        )
        .order_by("customer_id", "position")
        .values_list("customer_id", "number")
    )
    written, last = 0, 0
    while True:
        rows = list(phones.filter(customer_id__gt=last)[:SEND_BATCH])
        if not rows:
            break
        first: dict[int, str] = {}
        for customer_id, number in rows:
            first.setdefault(customer_id, number)
        last = rows[-1][0]
        written += messages_enqueue_many(
            centre=centre,
            channel=Channel.SMS,
            purpose=Purpose.NOTICE,
            items=[
                Outgoing(f"notice:{notice.pk}:{customer_id}", number, notice.sms_text, customer_id)
                for customer_id, number in first.items()
            ],
        )
    Notice.objects.filter(pk=notice.pk).update(recipients=F("recipients") + written)
    return written
