"""The dissatisfied-customer list and satisfaction repair (不满意客户数据库, 满意度修复;
003 二(一)3, 三(三)3; issue 19 point 3).

`dissatisfied_enter` is the one way onto the list, for every cause: the sweep below (a
work order's callback found the customer 不满意, a repeated complaint, an escalated
complaint), a callback task's 不满意 (services.callbacks), a low survey score (the survey
services call it with `DissatisfiedCause.LOW_SURVEY_SCORE`), or a person. Each source is
written once (`source` is its key); a customer already on the list gains a reason.

`dissatisfied_verified` is the one way a later callback or survey says whether a repair
worked: the entry leaves the list as repaired or not repaired."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Channel as ContactChannel
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import REPAIR_DISSATISFIED
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.customers.models import Customer
from kefu.satisfaction import callbacking
from kefu.satisfaction.models import (
    DissatisfiedCause,
    DissatisfiedEntry,
    DissatisfiedReason,
    EntryState,
    Invitation,
    RepairContact,
    RepairStep,
)
from kefu.tickets.lifecycle import Action
from kefu.tickets.models import EXTERNAL_ESCALATION_SOURCES, Ticket, TicketEvent
from kefu.tickets.models import Kind as TicketKind

#: How far back the sweep looks for causes it has not entered yet.
LOOKBACK_DAYS = 14
#: A repeated complaint (重复投诉, 003 二(一)1): the customer's REPEAT_COUNT-th complaint
#: order within REPEAT_DAYS days.
REPEAT_COUNT = 2
REPEAT_DAYS = 30
#: A repair is checked by a callback this many days after its plan was carried out.
CHECK_AFTER_DAYS = 3

OPEN_STATES = (EntryState.OPEN, EntryState.CHECKING)


def _open_entry(centre_id: int, customer_id: int) -> DissatisfiedEntry | None:
    return (
        DissatisfiedEntry.objects.select_for_update()
        .filter(centre_id=centre_id, customer_id=customer_id, exited_at__isnull=True)
        .first()
    )


@transaction.atomic
def dissatisfied_enter(
    *,
    centre: OrgUnit,
    customer: Customer,
    cause: str,
    source: str,
    note: str = "",
    ticket: Ticket | None = None,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> DissatisfiedEntry:
    """Put the customer on the centre's list for `cause`, once per `source` (a key naming
    what showed it: "survey:<answer id>", "callback:<task id>", "ticket:<number>:…"). A
    second call with the same source returns the entry unchanged; a customer already on
    the list keeps their entry and gains the reason."""
    entry, _new = _enter(
        centre=centre,
        customer=customer,
        cause=cause,
        source=source,
        note=note,
        ticket=ticket,
        actor=actor,
        at=at,
    )
    return entry


@transaction.atomic
def _enter(
    *,
    centre: OrgUnit,
    customer: Customer,
    cause: str,
    source: str,
    note: str = "",
    ticket: Ticket | None = None,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> tuple[DissatisfiedEntry, bool]:
    """`dissatisfied_enter`, and whether the source was new."""
    if cause not in DissatisfiedCause.values:
        raise Invalid(_("There is no such cause."), code="cause_unknown", detail={"field": "cause"})
    if not source or len(source) > 120:
        raise Invalid(_("Name the source in at most 120 characters."), code="source_invalid")
    known = (
        DissatisfiedReason.objects.filter(centre=centre, key=source).select_related("entry").first()
    )
    if known is not None:
        return known.entry, False
    now = at or timezone.now()
    entry = _open_entry(centre.pk, customer.pk)
    if entry is None:
        entry = DissatisfiedEntry(centre=centre, customer=customer, cause=cause, entered_at=now)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:  # another process entered the customer at the same moment
            entry = DissatisfiedEntry.objects.select_for_update().get(
                centre=centre, customer=customer, exited_at__isnull=True
            )
    reason = DissatisfiedReason(
        entry=entry,
        centre=centre,
        key=source,
        cause=cause,
        ticket=ticket,
        source=source,
        note=note.strip()[:1000],
        entered_by=actor,
        at=now,
    )
    try:
        with transaction.atomic():
            reason.save()
    except IntegrityError:  # the same source entered at the same moment
        known = DissatisfiedReason.objects.select_related("entry").get(centre=centre, key=source)
        return known.entry, False
    audit_record(
        actor=actor,
        action="satisfaction.dissatisfied_enter",
        obj=entry,
        after={"cause": cause, "source": source},
    )
    return entry, True


def dissatisfied_sweep(
    *,
    now: dt.datetime | None = None,
    centre_id: int | None = None,
    repeat_count: int = REPEAT_COUNT,
    repeat_days: int = REPEAT_DAYS,
) -> int:
    """Find in the work orders of the look-back the customers to put on the list: a
    callback that found them 不满意, an escalation from outside the centre (升级投诉),
    and their `repeat_count`-th complaint within `repeat_days` days. Returns how many
    reasons it found new; running it again finds none of them again."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=LOOKBACK_DAYS)
    events = TicketEvent.objects.filter(at__gte=since, at__lte=now).select_related(
        "ticket__centre", "ticket__customer"
    )
    if centre_id is not None:
        events = events.filter(ticket__centre_id=centre_id)
    found: list[tuple[Ticket, str, str, str, dt.datetime]] = []
    for event in events.filter(action=Action.CALLBACK.value, data__satisfied=False).order_by("at"):
        note = str(_("The work order's callback found the customer dissatisfied."))
        found.append(
            (
                event.ticket,
                DissatisfiedCause.UNSATISFIED_CALLBACK,
                f"ticket:{event.ticket.number}:callback:{event.seq}",
                note,
                event.at,
            )
        )
    for event in events.filter(
        action=Action.ESCALATE.value, data__source__in=sorted(EXTERNAL_ESCALATION_SOURCES)
    ).order_by("at"):
        note = str(_("The work order was escalated from outside the centre."))
        found.append(
            (
                event.ticket,
                DissatisfiedCause.ESCALATION,
                f"ticket:{event.ticket.number}:escalation",
                note,
                event.at,
            )
        )
    complaints = Ticket.objects.filter(
        kind=TicketKind.COMPLAINT,
        created_at__gte=since - dt.timedelta(days=repeat_days),
        created_at__lte=now,
    ).select_related("centre", "customer")
    if centre_id is not None:
        complaints = complaints.filter(centre_id=centre_id)
    by_customer: dict[tuple[int, int], list[Ticket]] = defaultdict(list)
    for ticket in complaints.order_by("created_at", "pk"):
        by_customer[(ticket.centre_id, ticket.customer_id)].append(ticket)
    for tickets in by_customer.values():
        times = [ticket.created_at for ticket in tickets]
        for ticket in tickets:
            if ticket.created_at >= since and callbacking.repeated(
                times, ticket.created_at, count=repeat_count, days=repeat_days
            ):
                note = str(
                    _("A repeated complaint: %(count)s or more within %(days)s days.")
                    % {"count": repeat_count, "days": repeat_days}
                )
                found.append(
                    (
                        ticket,
                        DissatisfiedCause.REPEATED_COMPLAINT,
                        f"ticket:{ticket.number}:repeat",
                        note,
                        ticket.created_at,
                    )
                )
    new = 0
    for ticket, cause, key, note, at in found:
        if DissatisfiedReason.objects.filter(centre_id=ticket.centre_id, key=key).exists():
            continue
        _entry, created = _enter(
            centre=ticket.centre,
            customer=ticket.customer,
            cause=cause,
            source=key,
            note=note,
            ticket=ticket,
            at=at,
        )
        new += created
    return new


def _may_repair(actor: User, entry: DissatisfiedEntry) -> None:
    if not actor.has_perm(REPAIR_DISSATISFIED):
        raise Forbidden()
    if actor.centre_id != entry.centre_id:
        raise NotFound()


def _locked(actor: User, entry_id: int, version: int | None) -> DissatisfiedEntry:
    entry = DissatisfiedEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    _may_repair(actor, entry)
    if version is not None and version != entry.version:
        raise Conflict(detail={"version": entry.version})
    return entry


def _still_open(entry: DissatisfiedEntry) -> None:
    if entry.exited_at is not None:
        raise Conflict(
            _("This customer has left the list."),
            code="entry_closed",
            detail={"state": entry.state},
        )


@transaction.atomic
def dissatisfied_add(*, actor: User, customer_id: int, note: str) -> DissatisfiedEntry:
    """A person puts a customer on the list (a cause the sweeps do not see)."""
    if not actor.has_perm(REPAIR_DISSATISFIED) or actor.centre_id is None:
        raise Forbidden()
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    if not note.strip():
        raise Invalid(_("Say why."), code="field_required", detail={"field": "note"})
    centre = OrgUnit.objects.get(pk=actor.centre_id)
    return dissatisfied_enter(
        centre=centre,
        customer=customer,
        cause=DissatisfiedCause.OTHER,
        source=f"manual:{actor.pk}:{customer.pk}:{timezone.now().isoformat()}",
        note=note,
        actor=actor,
    )


@transaction.atomic
def repair_plan_set(
    *,
    actor: User,
    entry_id: int,
    owner_username: str,
    deadline: dt.date | None,
    goal: str,
    steps: list[tuple[str, dt.date | None]] | None = None,
    version: int | None = None,
) -> DissatisfiedEntry:
    """Set the plan's owner, deadline and goal, and add `steps` (text, by when) after the
    ones already there."""
    entry = _locked(actor, entry_id, version)
    _still_open(entry)
    owner = User.objects.filter(
        username=owner_username, centre_id=entry.centre_id, is_active=True
    ).first()
    if owner is None or not owner.has_perm(REPAIR_DISSATISFIED):
        raise Invalid(
            _("The owner must be someone of the centre who may repair."),
            code="owner_invalid",
            detail={"field": "owner"},
        )
    entry.owner, entry.deadline, entry.goal = owner, deadline, goal.strip()
    entry.version += 1
    check_lengths(entry)
    entry.save(update_fields=["owner", "deadline", "goal", "version"])
    position = entry.steps.count()
    for text, due_on in steps or []:
        if not text.strip():
            continue
        position += 1
        step = RepairStep(entry=entry, position=position, text=text.strip(), due_on=due_on)
        check_lengths(step)
        step.save()
    audit_record(actor=actor, action="satisfaction.repair_plan", obj=entry)
    return entry


@transaction.atomic
def repair_step_done(*, actor: User, entry_id: int, step_id: int) -> RepairStep:
    entry = _locked(actor, entry_id, None)
    _still_open(entry)
    step = entry.steps.filter(pk=step_id).first()
    if step is None:
        raise NotFound()
    if step.done_at is None:
        step.done_at, step.done_by = timezone.now(), actor
        step.save(update_fields=["done_at", "done_by"])
    return step


@transaction.atomic
def repair_contact_record(*, actor: User, entry_id: int, channel: str, note: str) -> RepairContact:
    """A contact made with the customer for the repair."""
    entry = _locked(actor, entry_id, None)
    _still_open(entry)
    if channel not in ContactChannel.values:
        raise Invalid(_("Unknown channel."), code="channel_unknown", detail={"field": "channel"})
    if not note.strip():
        raise Invalid(_("Say what was said."), code="field_required", detail={"field": "note"})
    contact = RepairContact(
        entry=entry, at=timezone.now(), by=actor, channel=channel, note=note.strip()
    )
    check_lengths(contact)
    contact.save()
    return contact


@transaction.atomic
def repair_check_request(
    *, actor: User, entry_id: int, version: int | None = None
) -> DissatisfiedEntry:
    """The plan is carried out: a callback asks the customer, CHECK_AFTER_DAYS later,
    whether the repair worked (a survey that comes first says so as well)."""
    from kefu.satisfaction.services.callbacks import repair_check_draw

    entry = _locked(actor, entry_id, version)
    if entry.state != EntryState.OPEN:
        raise Conflict(
            _("The repair is not in progress."),
            code="entry_not_open",
            detail={"state": entry.state},
        )
    entry.state = EntryState.CHECKING
    entry.version += 1
    entry.save(update_fields=["state", "version"])
    repair_check_draw(entry=entry, after_days=CHECK_AFTER_DAYS, now=timezone.now())
    audit_record(actor=actor, action="satisfaction.repair_check", obj=entry)
    return entry


def _exit(
    entry: DissatisfiedEntry,
    *,
    repaired: bool,
    source: str,
    note: str,
    actor: User | None,
    at: dt.datetime,
) -> DissatisfiedEntry:
    entry.state = EntryState.REPAIRED if repaired else EntryState.NOT_REPAIRED
    entry.exited_at, entry.exited_by = at, actor
    entry.verified_by, entry.outcome_note = source[:120], note.strip()[:1000]
    entry.version += 1
    entry.save(
        update_fields=["state", "exited_at", "exited_by", "verified_by", "outcome_note", "version"]
    )
    entry.checks.filter(state="open").update(state="cancelled", closed_at=at)
    audit_record(
        actor=actor,
        action="satisfaction.dissatisfied_exit",
        obj=entry,
        after={"state": entry.state, "source": source},
    )
    return entry


@transaction.atomic
def dissatisfied_verified(
    *,
    centre: OrgUnit,
    customer: Customer,
    repaired: bool,
    source: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> DissatisfiedEntry | None:
    """A later callback or survey showed whether the customer's repair worked: their open
    entry leaves the list as repaired or not repaired. None when they are not on it."""
    entry = _open_entry(centre.pk, customer.pk)
    if entry is None:
        return None
    return _exit(
        entry, repaired=repaired, source=source, note=note, actor=None, at=at or timezone.now()
    )


@transaction.atomic
def dissatisfied_close(
    *, actor: User, entry_id: int, repaired: bool, note: str, version: int | None = None
) -> DissatisfiedEntry:
    """A person ends the entry (the customer said so on a contact), with what showed it."""
    entry = _locked(actor, entry_id, version)
    _still_open(entry)
    if not note.strip():
        raise Invalid(_("Say what showed it."), code="field_required", detail={"field": "note"})
    return _exit(
        entry,
        repaired=repaired,
        source=f"user:{actor.username}",
        note=note,
        actor=actor,
        at=timezone.now(),
    )


def survey_low_score_enter(invitation: Invitation) -> None:
    """A survey answered with a low score (CSAT 1-2, NPS 0-6) puts its customer on the
    list (issue 19 point 3), once per invitation; an answer from a number not on file
    has no customer to enter. Called by the surveys' LOW_SCORE_HANDLERS inside the
    answer's transaction."""
    if invitation.customer is None:
        return
    dissatisfied_enter(
        centre=invitation.centre,
        customer=invitation.customer,
        cause=DissatisfiedCause.LOW_SURVEY_SCORE,
        source=f"survey:{invitation.pk}",
        note=str(_("Low score in the survey about %(touchpoint)s."))
        % {"touchpoint": invitation.get_touchpoint_display()},
    )
