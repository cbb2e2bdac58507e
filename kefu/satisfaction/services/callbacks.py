"""Callback tasks (issue 19 point 1): a centre's rules, the sweep that draws tasks from
settled contacts and from closed repairs and answered complaints, and the attempts the
back office records on them.

The sweep is safe to run on several workers at once and to run again: each task is
written once per source (`key`), and the rule's row is locked while its tasks are
handed out, so round robin turns the same way on every worker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import BACKOFFICE, MANAGE_OUTREACH, WORK_CALLBACKS
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.satisfaction import callbacking, calllisting, outreach
from kefu.satisfaction.models import (
    Assignment,
    CallbackAttempt,
    CallbackKind,
    CallbackOutcomeChoice,
    CallbackRule,
    CallbackState,
    CallbackTask,
    CallList,
    CallListState,
    DissatisfiedCause,
    DissatisfiedEntry,
)
from kefu.satisfaction.services.call_lists import assign
from kefu.satisfaction.services.outbound import rules_of
from kefu.tickets.lifecycle import State
from kefu.tickets.models import Kind as TicketKind
from kefu.tickets.models import Ticket

#: How far back a sweep looks for sources it has not drawn yet: a sweep that did not run
#: for days still draws what fell due meanwhile; the keys keep it from drawing twice.
LOOKBACK_DAYS = 14

#: The script of a callback with no rule's script (002 第13篇, 回访).
DEFAULT_SCRIPT = _(
    "Hello, this is the customer service centre. Am I speaking with Mr/Ms {name}? "
    "We are calling to hear how things went, so that we can serve you better."
)

#: A repair check: asked some days after the repair plan was carried out.
REPAIR_CHECK_ATTEMPTS = 3
REPAIR_CHECK_RETRY_HOURS = 4
REPAIR_CHECK_DUE_DAYS = 2


def back_office_of(centre_id: int) -> list[int]:
    """The active back-office staff of the centre, in a fixed order."""
    return list(
        User.objects.filter(centre_id=centre_id, is_active=True, groups__name=BACKOFFICE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _assignee(rule: CallbackRule | None, centre_id: int) -> int | None:
    candidates = back_office_of(centre_id)
    if not candidates:
        return None
    if rule is not None and rule.assignment == Assignment.ROUND_ROBIN:
        chosen = callbacking.next_in_turn(candidates, rule.last_assignee_id)
        rule.last_assignee_id = chosen
        rule.save(update_fields=["last_assignee"])
        return chosen
    load = dict(
        CallbackTask.objects.filter(assignee_id__in=candidates, state=CallbackState.OPEN)
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    return callbacking.least_loaded(candidates, load)


def _task_write(
    *,
    centre_id: int,
    key: str,
    kind: str,
    rule: CallbackRule | None,
    customer_id: int,
    start: dt.datetime,
    due_days: int,
    max_attempts: int,
    retry_hours: int,
    script: str,
    contact: Contact | None = None,
    ticket: Ticket | None = None,
    entry: DissatisfiedEntry | None = None,
    agent: User | None = None,
    touchpoint: str = "",
    now: dt.datetime,
) -> CallbackTask | None:
    """Write one task unless its key is there already; None when it was."""
    if CallbackTask.objects.filter(centre_id=centre_id, key=key).exists():
        return None
    task = CallbackTask(
        centre_id=centre_id,
        key=key,
        kind=kind,
        rule=rule,
        customer_id=customer_id,
        contact=contact,
        ticket=ticket,
        entry=entry,
        agent=agent,
        team_id=agent.team_id if agent is not None else None,
        touchpoint=touchpoint,
        script=script or str(DEFAULT_SCRIPT),
        max_attempts=max(1, max_attempts),
        retry_hours=retry_hours,
        next_try_at=start,
        due_at=start + dt.timedelta(days=due_days),
        created_at=now,
    )
    task.assignee_id = _assignee(rule, centre_id)
    check_lengths(task)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:  # drawn by another worker at the same moment
        return None
    return task


def _sample_contacts(rule: CallbackRule, now: dt.datetime) -> list[Contact]:
    since = max(now - dt.timedelta(days=LOOKBACK_DAYS), rule.created_at - dt.timedelta(days=1))
    until = now - dt.timedelta(days=rule.delay_days)
    contacts = Contact.objects.filter(
        centre_id=rule.centre_id,
        settled=True,
        customer__isnull=False,
        ended_at__gte=since,
        ended_at__lte=until,
    ).select_related("agent")
    if rule.channel:
        contacts = contacts.filter(channel=rule.channel)
    if rule.business_type_id:
        contacts = contacts.filter(business_type_id=rule.business_type_id)
    return [
        contact
        for contact in contacts.order_by("ended_at", "pk")
        if callbacking.sampled(contact.pk, rule.rate, salt=str(rule.pk))
    ]


def _after_service_tickets(
    rule: CallbackRule, now: dt.datetime
) -> list[tuple[Ticket, dt.datetime]]:
    """The repairs closed, or the complaints answered, `delay_days` ago or earlier (within
    the look-back), with the time the callback falls due."""
    delay = dt.timedelta(days=rule.delay_days)
    since, until = now - delay - dt.timedelta(days=LOOKBACK_DAYS), now - delay
    if rule.kind == CallbackKind.AFTER_REPAIR:
        tickets = Ticket.objects.filter(
            centre_id=rule.centre_id,
            kind=TicketKind.FAULT,
            state=State.CLOSED.value,
            closed_at__gte=since,
            closed_at__lte=until,
        )
        field = "closed_at"
    else:
        tickets = Ticket.objects.filter(
            centre_id=rule.centre_id,
            kind=TicketKind.COMPLAINT,
            answered_at__gte=since,
            answered_at__lte=until,
        ).exclude(state__in=[State.CANCELLED.value, State.MERGED.value])
        field = "answered_at"
    rows = tickets.select_related("created_by").prefetch_related("contacts").order_by(field, "pk")
    return [(ticket, getattr(ticket, field) + delay) for ticket in rows]


def _touchpoint(ticket: Ticket) -> str:
    contacts = sorted(ticket.contacts.all(), key=lambda contact: contact.started_at)
    return contacts[0].channel if contacts else ""


def callbacks_sweep(*, now: dt.datetime | None = None, centre_id: int | None = None) -> int:
    """Draw the callbacks that fell due under every active rule (of one centre, or of all):
    one task per sampled contact, per closed repair, per answered complaint. Returns how
    many tasks it wrote; running it again writes none of them again."""
    now = now or timezone.now()
    rules = CallbackRule.objects.filter(active=True).exclude(kind=CallbackKind.REPAIR_CHECK)
    if centre_id is not None:
        rules = rules.filter(centre_id=centre_id)
    written = 0
    for rule_id in rules.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            rule = CallbackRule.objects.select_for_update().get(pk=rule_id)
            if rule.kind == CallbackKind.SAMPLE:
                for contact in _sample_contacts(rule, now):
                    if contact.customer_id is None or contact.ended_at is None:
                        continue  # filtered out above; kept for the type checker
                    written += bool(
                        _task_write(
                            centre_id=rule.centre_id,
                            key=f"contact:{contact.pk}",
                            kind=rule.kind,
                            rule=rule,
                            customer_id=contact.customer_id,
                            start=contact.ended_at + dt.timedelta(days=rule.delay_days),
                            due_days=rule.due_days,
                            max_attempts=rule.max_attempts,
                            retry_hours=rule.retry_hours,
                            script=rule.script,
                            contact=contact,
                            agent=contact.agent,
                            touchpoint=contact.channel,
                            now=now,
                        )
                    )
            else:
                for ticket, start in _after_service_tickets(rule, now):
                    written += bool(
                        _task_write(
                            centre_id=rule.centre_id,
                            key=f"ticket:{ticket.number}:{rule.kind}",
                            kind=rule.kind,
                            rule=rule,
                            customer_id=ticket.customer_id,
                            start=start,
                            due_days=rule.due_days,
                            max_attempts=rule.max_attempts,
                            retry_hours=rule.retry_hours,
                            script=rule.script,
                            ticket=ticket,
                            agent=ticket.created_by,
                            touchpoint=_touchpoint(ticket),
                            now=now,
                        )
                    )
    _assign_waiting(centre_id)
    return written


#: Waiting tasks handed out per group and sweep.
ASSIGN_BATCH = 5000


def _assign_waiting(centre_id: int | None) -> None:
    """Tasks written with no one to take them go to whoever may now: a rule's (or a repair
    check's, or a reminder's call) to the centre's back office, a list's to the agents who
    work the list. One transaction per rule or list, with its row locked, so the turn
    moves on the same way on every worker."""
    waiting = CallbackTask.objects.filter(state=CallbackState.OPEN, assignee__isnull=True)
    if centre_id is not None:
        waiting = waiting.filter(centre_id=centre_id)
    groups = list(waiting.values_list("centre_id", "rule_id", "call_list_id").distinct().order_by())
    for centre, rule_id, list_id in sorted(groups, key=lambda group: tuple(map(str, group))):
        with transaction.atomic():
            tasks = waiting.filter(centre_id=centre, rule_id=rule_id, call_list_id=list_id)
            if list_id is not None:
                call_list = CallList.objects.select_for_update().get(pk=list_id)
                if call_list.state != CallListState.OPEN:
                    continue
                ids = list(
                    tasks.select_for_update()
                    .order_by("pk")
                    .values_list("pk", flat=True)[:ASSIGN_BATCH]
                )
                chosen = assign(call_list, len(ids))
            else:
                rule = (
                    CallbackRule.objects.select_for_update().get(pk=rule_id)
                    if rule_id is not None
                    else None
                )
                candidates = back_office_of(centre)
                if not candidates:
                    continue
                ids = list(
                    tasks.select_for_update()
                    .order_by("pk")
                    .values_list("pk", flat=True)[:ASSIGN_BATCH]
                )
                in_turn = rule is not None and rule.assignment == Assignment.ROUND_ROBIN
                load = (
                    {}
                    if in_turn
                    else dict(
                        CallbackTask.objects.filter(
                            assignee_id__in=candidates, state=CallbackState.OPEN
                        )
                        .values("assignee_id")
                        .annotate(n=Count("pk"))
                        .order_by()
                        .values_list("assignee_id", "n")
                    )
                )
                picked = calllisting.share_out(
                    len(ids),
                    candidates,
                    in_turn=in_turn,
                    last=rule.last_assignee_id if rule is not None else None,
                    open_tasks=load,
                )
                if rule is not None and in_turn and picked:
                    rule.last_assignee_id = picked[-1]
                    rule.save(update_fields=["last_assignee"])
                chosen = list(picked)
            by_assignee: dict[int, list[int]] = {}
            for task_id, assignee in zip(ids, chosen, strict=True):
                if assignee is not None:
                    by_assignee.setdefault(assignee, []).append(task_id)
            for assignee, task_ids in by_assignee.items():
                CallbackTask.objects.filter(pk__in=task_ids, assignee__isnull=True).update(
                    assignee_id=assignee
                )


def repair_check_draw(
    *, entry: DissatisfiedEntry, after_days: int, now: dt.datetime
) -> CallbackTask | None:
    """A callback that checks whether a repair worked, `after_days` from now (called in
    the transaction that marks the plan carried out)."""
    return _task_write(
        centre_id=entry.centre_id,
        key=f"repair:{entry.pk}:{entry.version}",
        kind=CallbackKind.REPAIR_CHECK,
        rule=None,
        customer_id=entry.customer_id,
        start=now + dt.timedelta(days=after_days),
        due_days=REPAIR_CHECK_DUE_DAYS,
        max_attempts=REPAIR_CHECK_ATTEMPTS,
        retry_hours=REPAIR_CHECK_RETRY_HOURS,
        script=str(
            _(
                "Hello, this is the customer service centre. Some time ago you were not "
                "satisfied with our service and we have worked to put it right. Are you "
                "satisfied now?"
            )
        ),
        entry=entry,
        now=now,
    )


def _percent(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise Invalid(
            _("A rate is between 0 and 100 per cent."),
            code="rate_invalid",
            detail={"field": "rate"},
        )
    return value


@transaction.atomic
def callback_rule_set(
    *,
    actor: User,
    name: str,
    kind: str,
    channel: str = "",
    business_type_id: int | None = None,
    rate: Decimal = Decimal(0),
    delay_days: int = 0,
    due_days: int = 2,
    max_attempts: int = 3,
    retry_hours: int = 4,
    script: str = "",
    assignment: str = Assignment.ROUND_ROBIN,
    active: bool = True,
) -> CallbackRule:
    """Write a rule of the actor's centre, by name (a second call with the name changes it)."""
    if not actor.has_perm(MANAGE_OUTREACH) or actor.centre_id is None:
        raise Forbidden()
    if kind not in (CallbackKind.SAMPLE, CallbackKind.AFTER_REPAIR, CallbackKind.AFTER_COMPLAINT):
        raise Invalid(
            _("There is no such kind of callback."), code="kind_unknown", detail={"field": "kind"}
        )
    if assignment not in Assignment.values:
        raise Invalid(_("There is no such way of assigning."), code="assignment_unknown")
    if not name.strip():
        raise Invalid(_("Give the rule a name."), code="field_required", detail={"field": "name"})
    if max_attempts < 1:
        raise Invalid(
            _("At least one attempt."), code="attempts_invalid", detail={"field": "max_attempts"}
        )
    if (
        business_type_id is not None
        and not CallReason.objects.filter(
            pk=business_type_id,
            centre_id=actor.centre_id,
            dimension=CallReason.Dimension.BUSINESS_TYPE,
        ).exists()
    ):
        raise Invalid(
            _("There is no such business type."),
            code="business_type_unknown",
            detail={"field": "business_type"},
        )
    rule = (
        CallbackRule.objects.select_for_update()
        .filter(centre_id=actor.centre_id, name=name.strip())
        .first()
    )
    rule = rule or CallbackRule(centre_id=actor.centre_id, name=name.strip())
    rule.kind, rule.channel, rule.business_type_id = kind, channel, business_type_id
    rule.rate = _percent(rate) if kind == CallbackKind.SAMPLE else Decimal(0)
    rule.delay_days, rule.due_days = delay_days, due_days
    rule.max_attempts, rule.retry_hours = max_attempts, retry_hours
    rule.script, rule.assignment, rule.active = script, assignment, active
    check_lengths(rule)
    rule.save()
    audit_record(actor=actor, action="satisfaction.callback_rule", obj=rule)
    return rule


def may_work(actor: User, task: CallbackTask) -> bool:
    """The task's assignee works it; so may whoever keeps the centre's callback rules."""
    if actor.centre_id != task.centre_id:
        return False
    if actor.has_perm(MANAGE_OUTREACH):
        return True
    return actor.has_perm(WORK_CALLBACKS) and task.assignee_id == actor.pk


@transaction.atomic
def callback_attempt_record(
    *,
    actor: User,
    task_id: int,
    outcome: str,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> CallbackTask:
    """Record one call on a task. Reached, the task closes with the outcome; 不满意 puts
    the customer on the dissatisfied list (and a repair check's outcome ends its entry as
    repaired or not). 联系不上: called again later, up to the limit of attempts, then
    closed as unreachable. `version`, when given, refuses a stale form."""
    from kefu.satisfaction.services import dissatisfied

    task = CallbackTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None or not (task.centre_id == actor.centre_id):
        raise NotFound()
    if not may_work(actor, task):
        raise Forbidden()
    if outcome not in CallbackOutcomeChoice.values:
        raise Invalid(
            _("Unknown callback outcome."), code="outcome_unknown", detail={"field": "outcome"}
        )
    if version is not None and version != task.version:
        raise Conflict(detail={"version": task.version})
    if task.state != CallbackState.OPEN:
        raise Conflict(
            _("This callback is closed."), code="callback_closed", detail={"state": task.state}
        )
    if len(note) > 1000:
        raise Invalid(_("The note is too long."), code="too_long", detail={"field": "note"})
    now = at or timezone.now()
    task.attempts += 1
    CallbackAttempt.objects.create(
        task=task, number=task.attempts, at=now, by=actor, outcome=outcome, note=note.strip()
    )
    result = callbacking.after_attempt(
        outcome,
        attempts=task.attempts,
        max_attempts=task.max_attempts,
        at=now,
        retry_hours=task.retry_hours,
    )
    task.state = result.state
    task.version += 1
    if result.closed:
        task.outcome, task.closed_at = outcome, now
    else:
        # The next call waits for the end of the centre's quiet hours: nobody is called
        # at night (the same window as its messages).
        rules = rules_of(task.centre_id)
        task.next_try_at = outreach.send_time(
            timezone.localtime(result.next_try_at or now),
            quiet_from=rules.quiet_from,
            quiet_until=rules.quiet_until,
            marketing=False,
        )
    task.save(update_fields=["attempts", "state", "version", "outcome", "closed_at", "next_try_at"])
    if task.kind == CallbackKind.REPAIR_CHECK and task.entry_id is not None:
        if result.closed and outcome != CallbackOutcomeChoice.UNREACHABLE:
            dissatisfied.dissatisfied_verified(
                centre=task.centre,
                customer=task.customer,
                repaired=outcome != CallbackOutcomeChoice.DISSATISFIED,
                source=f"callback:{task.pk}",
                note=note,
                at=now,
            )
    elif outcome == CallbackOutcomeChoice.DISSATISFIED:
        dissatisfied.dissatisfied_enter(
            centre=task.centre,
            customer=task.customer,
            cause=DissatisfiedCause.UNSATISFIED_CALLBACK,
            source=f"callback:{task.pk}",
            note=note,
            ticket=task.ticket,
            actor=actor,
            at=now,
        )
    audit_record(
        actor=actor,
        action="satisfaction.callback_attempt",
        obj=task,
        after={"outcome": outcome, "attempt": task.attempts, "state": task.state},
    )
    return task


@transaction.atomic
def callback_reassign(
    *, actor: User, task_id: int, username: str, version: int | None = None
) -> CallbackTask:
    """Give an open task to another of the centre's staff who make callbacks (its
    assignee is away); whoever keeps the centre's callback rules does it."""
    task = CallbackTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None or task.centre_id != actor.centre_id:
        raise NotFound()
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    if version is not None and version != task.version:
        raise Conflict(detail={"version": task.version})
    if task.state != CallbackState.OPEN:
        raise Conflict(
            _("This callback is closed."), code="callback_closed", detail={"state": task.state}
        )
    to = User.objects.filter(username=username, centre_id=task.centre_id, is_active=True).first()
    if to is None or not to.has_perm(WORK_CALLBACKS):
        raise Invalid(
            _("Choose someone of the centre who makes callbacks."),
            code="assignee_invalid",
            detail={"field": "assignee"},
        )
    before = task.assignee_id
    task.assignee, task.version = to, task.version + 1
    task.save(update_fields=["assignee", "version"])
    audit_record(
        actor=actor,
        action="satisfaction.callback_reassign",
        obj=task,
        before={"assignee": before},
        after={"assignee": to.pk},
    )
    return task
