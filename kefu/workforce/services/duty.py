"""The leader's duty log and the handover (值班记录, 交接班; 002 第15篇 3.4): open a log,
write its entries, prepare the handover, acknowledge it. Each service runs in one
transaction, locks the log it changes and writes an audit entry.

The rules the seed sets, and where each is kept:

- 3.4.2.2 / 3.4.2.4: the outgoing leader hands over in writing the problems left over
  (the log's open issues, and the orders in warning or overdue, taken from the work orders
  at that moment) and the matters to watch (`notes`, required).
- 3.4.2.3: until the incoming leader acknowledges, the log waits for them
  (`handing_over`), and takes no more entries: what is acknowledged is what was handed.
- 3.4.1.2–3.4.1.4: the incoming leader records what they found (broken equipment,
  anything unusual, work to follow up) in the acknowledgement's note.
- 3.4.1.3, 3.4.1.5: on acknowledging, both names and both times stand recorded, the
  incoming leader's duty begins (their log, opened if they have none) and the open issues
  handed over are carried into it to be followed up. The acknowledged log is read-only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import KEEP_DUTY_LOG
from kefu.core.services.audit import audit_record, snapshot
from kefu.core.validation import check_lengths
from kefu.tickets.queries import ticket_get_for_user
from kefu.workforce.models import DutyEntry, DutyEntryKind, DutyLog, DutyLogState, Handover
from kefu.workforce.queries.duty import (
    duty_logs_visible_to,
    incoming_leaders,
    orders_needing_attention,
)

# A shift longer than a day is a mistake in the form, not a shift.
MAX_SHIFT = timedelta(hours=24)
# An entry may record what happened shortly before the shift began: the incoming leader
# arrives ten minutes early to take over (3.4.1.1).
ENTRY_BEFORE_SHIFT = timedelta(hours=1)
# Clocks differ by a little between the leader's browser and the server.
CLOCK_SLACK = timedelta(minutes=5)


def _require(actor: User) -> None:
    if not actor.has_perm(KEEP_DUTY_LOG):
        raise Forbidden()


def _locked_log(actor: User, log_id: int) -> DutyLog:
    log = duty_logs_visible_to(actor).select_for_update().filter(pk=log_id).first()
    if log is None:
        raise NotFound(code="duty_log_not_found")
    return log


def _read_only() -> Conflict:
    return Conflict(
        _("This duty log has been handed over; it can no longer be changed."),
        code="duty_log_read_only",
    )


def _check_span(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid(
            _("The shift must end after it starts."),
            code="shift_ends_before_start",
            detail={"field": "ends_at"},
        )
    if ends_at - starts_at > MAX_SHIFT:
        raise Invalid(
            _("A shift lasts at most 24 hours."),
            code="shift_too_long",
            detail={"field": "ends_at"},
        )


def _open(actor: User, centre_id: int, starts_at: datetime, ends_at: datetime) -> DutyLog:
    log = DutyLog(centre_id=centre_id, leader=actor, starts_at=starts_at, ends_at=ends_at)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError:
        raise Conflict(
            _("You already keep a duty log that has not been handed over."),
            code="duty_log_already_open",
        ) from None
    audit_record(
        actor=actor,
        action="duty_log.open",
        obj=log,
        after=snapshot(log, ["centre", "leader", "starts_at", "ends_at"]),
    )
    return log


@transaction.atomic(durable=True)
def duty_log_open(*, actor: User, starts_at: datetime, ends_at: datetime) -> DutyLog:
    """Begin the actor's duty log for their shift in their centre; a leader keeps one log
    at a time (the one not yet handed over)."""
    _require(actor)
    centre_id = require_centre(actor)
    _check_span(starts_at, ends_at)
    return _open(actor, centre_id, starts_at, ends_at)


@transaction.atomic(durable=True)
def duty_entry_add(
    *,
    actor: User,
    log_id: int,
    kind: str,
    text: str,
    at: datetime | None = None,
    ticket_number: str | None = None,
) -> DutyEntry:
    """Write one line in the actor's own duty log while it is open (3.4.2.2: 认真做好值班
    记录). Entries are never changed afterwards."""
    _require(actor)
    log = _locked_log(actor, log_id)
    if log.leader_id != actor.pk:
        raise Forbidden(_("Only the leader on duty writes in this duty log."))
    if log.state == DutyLogState.HANDED_OVER:
        raise _read_only()
    if log.state == DutyLogState.HANDING_OVER:
        raise Conflict(
            _("The handover is prepared: the log waits for the incoming leader."),
            code="duty_log_handing_over",
        )
    if kind not in DutyEntryKind.values:
        raise Invalid(_("Choose what kind of entry this is."), code="kind_invalid")
    text = text.strip()
    if not text:
        raise Invalid(_("Write what happened."), code="text_required", detail={"field": "text"})
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_SLACK:
        raise Invalid(
            _("An entry cannot record a time still to come."),
            code="entry_in_future",
            detail={"field": "at"},
        )
    if at < log.starts_at - ENTRY_BEFORE_SHIFT:
        raise Invalid(
            _("The time lies before this shift."),
            code="entry_before_shift",
            detail={"field": "at"},
        )
    ticket = None
    if ticket_number and ticket_number.strip():
        try:
            ticket = ticket_get_for_user(actor, ticket_number.strip())
        except NotFound:
            raise Invalid(
                _("There is no work order with this number."),
                code="ticket_not_found",
                detail={"field": "ticket"},
            ) from None
    entry = DutyEntry(log=log, at=at, kind=kind, text=text, ticket=ticket, author=actor)
    check_lengths(entry)
    entry.save()
    audit_record(
        actor=actor,
        action="duty_log.entry_add",
        obj=entry,
        after=snapshot(entry, ["log", "at", "kind", "text", "ticket"]),
    )
    return entry


def _order_snapshot(actor: User, now: datetime) -> list[dict[str, Any]]:
    found = orders_needing_attention(actor, now)
    return [
        {**row, "due_at": row["due_at"].isoformat() if row["due_at"] else None}
        for row in found.rows
    ]


@transaction.atomic(durable=True)
def handover_prepare(*, actor: User, log_id: int, incoming: str, notes: str) -> Handover:
    """The outgoing leader hands their log to the incoming leader (`incoming`, a
    username) with the matters to watch, which the seed requires in writing (3.4.2.4:
    交待班内遗留问题及应注意事项); the work orders in warning or overdue at this moment are
    kept with it as they stand (number, title, state, time limit). The log takes no more
    entries from now on (3.4.2.3)."""
    _require(actor)
    log = _locked_log(actor, log_id)
    if log.leader_id != actor.pk:
        raise Forbidden(_("Only the leader on duty hands this duty log over."))
    if log.state != DutyLogState.OPEN:
        raise Conflict(_("This duty log has already been handed over."), code="handover_exists")
    notes = notes.strip()
    if not notes:
        raise Invalid(
            _("Write down the matters the incoming leader must watch."),
            code="notes_required",
            detail={"field": "notes"},
        )
    taker = next((user for user in incoming_leaders(actor) if user.username == incoming), None)
    if taker is None:
        raise Invalid(
            _("Choose a leader of your centre to hand over to."),
            code="incoming_invalid",
            detail={"field": "incoming"},
        )
    now = timezone.now()
    handover = Handover(
        log=log,
        handed_by=actor,
        handed_at=now,
        notes=notes,
        orders=_order_snapshot(actor, now),
        incoming=taker,
    )
    check_lengths(handover)
    handover.save()
    log.state = DutyLogState.HANDING_OVER
    log.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="handover.prepare",
        obj=handover,
        after={
            **snapshot(handover, ["log", "incoming", "handed_at", "notes"]),
            "orders": [row["number"] for row in handover.orders],
        },
    )
    return handover


@transaction.atomic(durable=True)
def handover_acknowledge(
    *, actor: User, log_id: int, note: str = "", ends_at: datetime | None = None
) -> Handover:
    """The incoming leader confirms they have read the log and taken the shift over
    (3.4.1.5: 双方签名, 开始值班), with what they found (3.4.1.2–3.4.1.4). Their duty begins:
    their open log, or a new one ending at `ends_at` (by default as long as the shift
    handed over), into which the open issues handed over are carried (3.4.1.3). The
    handed-over log is read-only from now on."""
    _require(actor)
    log = _locked_log(actor, log_id)
    handover = Handover.objects.select_for_update().filter(log=log).first()
    if handover is None:
        raise Conflict(_("This duty log has not been handed over yet."), code="no_handover")
    if handover.incoming_id != actor.pk:
        raise Forbidden(_("Only the incoming leader acknowledges this handover."))
    if handover.acknowledged_at is not None or log.state == DutyLogState.HANDED_OVER:
        raise Conflict(
            _("This handover has already been acknowledged."), code="handover_acknowledged"
        )
    note = note.strip()
    now = timezone.now()
    handover.acknowledged_at = now
    handover.acknowledgement_note = note
    check_lengths(handover)
    handover.save(update_fields=["acknowledged_at", "acknowledgement_note"])
    log.state = DutyLogState.HANDED_OVER
    log.save(update_fields=["state"])
    mine = (
        DutyLog.objects.select_for_update()
        .filter(leader=actor)
        .exclude(state=DutyLogState.HANDED_OVER)
        .first()
    )
    if mine is None:
        end = ends_at or now + (log.ends_at - log.starts_at)
        _check_span(now, end)
        mine = _open(actor, log.centre_id, now, end)
    elif mine.state != DutyLogState.OPEN:
        raise Conflict(
            _("Your own duty log waits for its handover; take over after it is acknowledged."),
            code="own_log_handing_over",
        )
    carried = [
        DutyEntry(
            log=mine,
            at=now,
            kind=DutyEntryKind.OPEN_ISSUE,
            text=entry.text,
            ticket_id=entry.ticket_id,
            carried_from=entry,
            author=actor,
        )
        for entry in log.entries.filter(kind=DutyEntryKind.OPEN_ISSUE).order_by("at", "id")
    ]
    DutyEntry.objects.bulk_create(carried)
    audit_record(
        actor=actor,
        action="handover.acknowledge",
        obj=handover,
        before={"acknowledged_at": None},
        after={
            **snapshot(handover, ["acknowledged_at", "acknowledgement_note"]),
            "carried_into": mine.pk,
            "carried": len(carried),
        },
    )
    return handover
