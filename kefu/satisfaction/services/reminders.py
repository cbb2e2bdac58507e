"""Reminder plans (issue 19, point 4): keeping a centre's rules and its customers' due
dates, and the scheduler that turns what falls due into the outbox.

The scheduler (`reminders_schedule`, every ten minutes by the worker, or `kefu outbox
remind`) writes, for each active rule, the reminders whose day is today or tomorrow and
that are not written yet: a `Reminder` record and, for a text message, its outbox message
with the key `reminder:<rule>:<d|t><source>`, in one transaction per batch. Both tables
are unique on that identity and written with ON CONFLICT DO NOTHING, so two schedulers
racing (or one run again after a crash) write each reminder once. It reads the sources in
batches by id and writes in bulk, so a million dates take one pass of bounded memory.

A text message is written as `message_enqueue` would: after the quiet hours, refused when
the number unsubscribed or already has the day's messages, refused without a mobile
number. A reminder by call is the `Reminder` record and a callback task of kind
`reminder` under the same key, from its moment, for the back office's "my callbacks".
The working calendar is the centre's (none: every day is a working day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, JSONField, Model, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import workcal
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.queries import calendar_of, require_centre
from kefu.core.roles import MANAGE_OUTREACH
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction import outreach, reminding
from kefu.satisfaction.models import (
    CallbackKind,
    CallbackTask,
    Channel,
    CustomerDate,
    DateKind,
    Message,
    MessageState,
    OptOut,
    Purpose,
    RefusalReason,
    Reminder,
    ReminderChannel,
    ReminderEvent,
    ReminderRule,
)
from kefu.satisfaction.queries.reminders import rule_get_for_user
from kefu.satisfaction.services.outbound import rules_of
from kefu.tickets.models import Ticket, TicketKind

#: Sources read and written per transaction.
BATCH = 5000
#: How far ahead reminders are written: today's and tomorrow's.
AHEAD_DAYS = 1

RULE_FIELDS = (
    "name",
    "event",
    "days",
    "working_days",
    "channel",
    "template",
    "send_from",
    "send_until",
    "active",
)


# ------------------------------------------------------------------ rules and dates


def _check_rule(rule: ReminderRule) -> None:
    if rule.event not in ReminderEvent.values or rule.channel not in ReminderChannel.values:
        raise Invalid(_("There is no such event or channel."), code="reminder_choice_unknown")
    if not rule.name.strip():
        raise Invalid(
            _("Give the rule a name."), code="reminder_name_empty", detail={"field": "name"}
        )
    if rule.days > 366:
        raise Invalid(
            _("A reminder goes at most a year before or after."),
            code="reminder_days_invalid",
            detail={"field": "days"},
        )
    problem = reminding.template_problem(rule.template)
    if problem is not None or not rule.template.strip():
        raise Invalid(
            _("The text may hold only the placeholders {客户}, {日期} and {事项}."),
            code="reminder_template_invalid",
            detail={"field": "template"},
        )
    if rule.send_until < rule.send_from:
        raise Invalid(
            _("The sending window ends before it begins."),
            code="reminder_window_invalid",
            detail={"field": "send_until"},
        )
    check_lengths(rule)


@transaction.atomic
def rule_create(*, actor: User, **values: Any) -> ReminderRule:
    """A new rule of the actor's centre (MANAGE_OUTREACH). Names are unique per centre, so
    repeating a create returns the first rule when nothing differs."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    centre_id = require_centre(actor)
    rule = ReminderRule(centre_id=centre_id, created_by=actor, **values)
    rule.name = rule.name.strip()
    _check_rule(rule)
    existing = ReminderRule.objects.filter(centre_id=centre_id, name=rule.name).first()
    if existing is not None:
        if all(getattr(existing, name) == getattr(rule, name) for name in RULE_FIELDS):
            return existing
        raise Conflict(
            _("A rule of that name exists."), code="reminder_name_taken", detail={"field": "name"}
        )
    rule.save()
    audit_record(actor=actor, action="satisfaction.reminder_rule_create", obj=rule)
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule_id: int, version: int, **values: Any) -> ReminderRule:
    """Change a rule (its version must be the one read). Reminders already written stay."""
    rule = rule_get_for_user(actor, rule_id)
    rule = ReminderRule.objects.select_for_update().get(pk=rule.pk)
    if rule.version != version:
        raise Conflict(code="version_conflict")
    before = {name: str(getattr(rule, name)) for name in values}
    for name, value in values.items():
        if name in RULE_FIELDS:
            setattr(rule, name, value)
    rule.name = rule.name.strip()
    _check_rule(rule)
    if (
        ReminderRule.objects.filter(centre_id=rule.centre_id, name=rule.name)
        .exclude(pk=rule.pk)
        .exists()
    ):
        raise Conflict(
            _("A rule of that name exists."), code="reminder_name_taken", detail={"field": "name"}
        )
    rule.version += 1
    rule.save()
    audit_record(
        actor=actor,
        action="satisfaction.reminder_rule_update",
        obj=rule,
        before=before,
        after={name: str(getattr(rule, name)) for name in values},
    )
    return rule


@transaction.atomic
def rules_seed(*, centre: OrgUnit) -> list[ReminderRule]:
    """The plan 002 第2篇 asks for (`reminding.SEED_RULES`), for a centre that has none of
    them yet: maintenance reminders four weeks, two weeks and one week ahead, and a
    callback seven days after a repair."""
    made = []
    for seed in reminding.SEED_RULES:
        rule, _created = ReminderRule.objects.get_or_create(
            centre=centre,
            name=seed.name,
            defaults={
                "event": seed.event,
                "days": seed.days,
                "channel": seed.channel,
                "template": seed.template,
                "working_days": seed.working_days,
            },
        )
        made.append(rule)
    return made


def reminder_rules_seed(*, actor: User) -> list[ReminderRule]:
    """`rules_seed` for the actor's centre, by one who keeps the plans."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    centre = OrgUnit.objects.get(pk=require_centre(actor))
    rules = rules_seed(centre=centre)
    audit_record(actor=actor, action="satisfaction.reminder_rules_seed", obj=centre)
    return rules


@transaction.atomic
def customer_date_record(
    *, actor: User, customer_id: int, kind: str, date: dt.date, note: str = ""
) -> CustomerDate:
    """Record a date a customer is due something; recording it again returns the first."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    centre_id = require_centre(actor)
    if kind not in DateKind.values:
        raise Invalid(_("There is no such event or channel."), code="reminder_choice_unknown")
    customer = Customer.objects.filter(pk=customer_id, centre_id=centre_id).first()
    if customer is None:
        raise Invalid(
            _("Unknown customer."), code="customer_unknown", detail={"field": "customer_id"}
        )
    entry, created = CustomerDate.objects.get_or_create(
        customer=customer, kind=kind, date=date, defaults={"centre_id": centre_id, "note": note}
    )
    if created:
        check_lengths(entry)
        audit_record(actor=actor, action="satisfaction.customer_date_record", obj=entry)
    return entry


# ------------------------------------------------------------------------ scheduler


def _is_working(centre: OrgUnit) -> reminding.IsWorkingDay:
    if centre.calendar is None:
        return lambda day: True
    calendar = calendar_of(centre.calendar)
    return lambda day: workcal.is_working_day(calendar, day)


def _sources(
    rule: ReminderRule, low: dt.date, high: dt.date, tz: dt.tzinfo
) -> Iterator[list[tuple[int, int, dt.date, str]]]:
    """(source id, customer id, anchor date, what is due) of the rule's sources with an
    anchor in [low, high] and no reminder yet, in batches by id."""
    if rule.event == ReminderEvent.REPAIR_CLOSED:
        start = dt.datetime.combine(low, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(high + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        tickets = Ticket.objects.filter(
            centre_id=rule.centre_id,
            kind=TicketKind.FAULT,
            closed_at__gte=start,
            closed_at__lt=end,
        ).exclude(Exists(Reminder.objects.filter(rule=rule, ticket=OuterRef("pk"))))
        after = 0
        while True:
            rows = list(
                tickets.filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", "customer_id", "closed_at", "title")[:BATCH]
            )
            if not rows:
                return
            after = rows[-1][0]
            yield [
                (pk, cust, timezone.localtime(closed, tz).date(), title)
                for pk, cust, closed, title in rows
            ]
    dates = CustomerDate.objects.filter(
        centre_id=rule.centre_id, kind=rule.event, date__gte=low, date__lte=high
    ).exclude(Exists(Reminder.objects.filter(rule=rule, customer_date=OuterRef("pk"))))
    label = str(DateKind(rule.event).label)
    after = 0
    while True:
        due = list(
            dates.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "customer_id", "date", "note")[:BATCH]
        )
        if not due:
            return
        after = due[-1][0]
        yield [(pk, cust, day, note or label) for pk, cust, day, note in due]


def _mobiles(customer_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for customer, number in (
        CustomerPhone.objects.filter(customer_id__in=customer_ids, kind=CustomerPhone.Kind.MOBILE)
        .order_by("customer_id", "position", "id")
        .values_list("customer_id", "number")
    ):
        found.setdefault(customer, number)
    return found


def _write_batch(
    rule: ReminderRule,
    rows: list[tuple[int, int, dt.date, str]],
    *,
    is_working: reminding.IsWorkingDay,
    tz: dt.tzinfo,
) -> int:
    after = rule.event == ReminderEvent.REPAIR_CLOSED
    customers = [row[1] for row in rows]
    names = dict(Customer.objects.filter(pk__in=customers).values_list("pk", "name"))
    reminders: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    sms = rule.channel == ReminderChannel.SMS
    mobiles = _mobiles(customers) if sms else {}
    outreach_rules = rules_of(rule.centre_id)
    out = (
        set(
            OptOut.objects.filter(
                centre_id=rule.centre_id,
                address__in=set(mobiles.values()),
                channel__in=[Channel.SMS, ""],
            ).values_list("address", flat=True)
        )
        if sms
        else set()
    )
    planned: list[tuple[int, int, dt.date, str, dt.datetime]] = []
    for pk, customer, anchor, what in rows:
        day = reminding.fire_date(
            anchor, rule.days, after=after, working=rule.working_days, is_working=is_working
        )
        moment = reminding.send_moment(
            day, customer, send_from=rule.send_from, send_until=rule.send_until, tz=tz
        )
        planned.append((pk, customer, anchor, what, moment))
    earlier: dict[str, list[dt.datetime]] = {}
    if sms and planned:
        first = min(row[4] for row in planned) - dt.timedelta(days=1)
        last = max(row[4] for row in planned) + dt.timedelta(days=1)
        for address, moment in Message.objects.filter(
            centre_id=rule.centre_id,
            channel=Channel.SMS,
            address__in=set(mobiles.values()),
            scheduled_for__gt=first,
            scheduled_for__lte=last,
            state__in=[
                MessageState.QUEUED,
                MessageState.SENDING,
                MessageState.SENT,
                MessageState.DELIVERED,
            ],
        ).values_list("address", "scheduled_for"):
            earlier.setdefault(address, []).append(moment)
    tasks: list[dict[str, Any]] = []
    written_at = timezone.now()
    for pk, customer, anchor, what, moment in planned:
        source = {"ticket_id": pk} if after else {"customer_date_id": pk}
        reminders.append(
            {
                "rule_id": rule.pk,
                "customer_id": customer,
                "channel": rule.channel,
                "due_at": moment,
                **source,
            }
        )
        text = reminding.render(
            rule.template,
            {
                "客户": names.get(customer, ""),
                "日期": f"{anchor.year}年{anchor.month}月{anchor.day}日",
                "事项": what,
            },
        )[:500]
        key = f"reminder:{rule.pk}:{'t' if after else 'd'}{pk}"
        if not sms:
            tasks.append(
                _call_task(rule, key, customer, pk if after else None, text, moment, written_at)
            )
            continue
        scheduled = outreach.send_time(
            timezone.localtime(moment, tz),
            quiet_from=outreach_rules.quiet_from,
            quiet_until=outreach_rules.quiet_until,
            marketing=False,
        )
        address = mobiles.get(customer, "")
        state, refusal = MessageState.QUEUED, ""
        if not address:
            state, refusal = MessageState.REFUSED, RefusalReason.NO_ADDRESS
        elif address in out:
            state, refusal = MessageState.REFUSED, RefusalReason.OPTED_OUT
        elif not outreach.under_cap(
            earlier.get(address, []), scheduled, limit=outreach_rules.messages_per_day, days=1
        ):
            state, refusal = MessageState.REFUSED, RefusalReason.CAPPED
        else:
            earlier.setdefault(address, []).append(scheduled)
        messages.append(
            {
                "centre_id": rule.centre_id,
                "customer_id": customer,
                "channel": Channel.SMS,
                "address": address,
                "purpose": Purpose.REMINDER,
                "text": text,
                "key": key,
                "state": state,
                "refusal": refusal,
                "scheduled_for": scheduled,
                "due_at": scheduled,
            }
        )
    with transaction.atomic():
        _insert_ignoring(Reminder, reminders)
        _insert_ignoring(Message, messages)
        _insert_ignoring(CallbackTask, tasks)
    return len(reminders)


#: A reminder's call is made from its moment, within this many days.
CALL_DUE_DAYS = 2


def _call_task(
    rule: ReminderRule,
    key: str,
    customer: int,
    ticket: int | None,
    text: str,
    moment: dt.datetime,
    now: dt.datetime,
) -> dict[str, Any]:
    """The callback task of a reminder by call: under the reminder's key, so it is written
    once with the reminder; with no one assigned (the callbacks sweep gives it to the
    back office, `services.callbacks._assign_waiting`)."""
    return {
        "centre_id": rule.centre_id,
        "key": key,
        "kind": CallbackKind.REMINDER,
        "customer_id": customer,
        "ticket_id": ticket,
        "script": text,
        "next_try_at": moment,
        "due_at": moment + dt.timedelta(days=CALL_DUE_DAYS),
        "created_at": now,
    }


def _insert_ignoring(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """`bulk_create(ignore_conflicts=True)` without the ORM's per-object work, which costs
    more than the database for a million rows: one INSERT … ON CONFLICT DO NOTHING
    (SQLite and PostgreSQL alike) for every row, given as a dict of attribute names; what a
    row leaves out takes its field's default."""
    if not rows:
        return
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns_of: list[tuple[str, Any, Any]] = []
    for each in fields:
        adapt: Any = None
        if isinstance(each, DateTimeField):
            adapt = connection.ops.adapt_datetimefield_value
        elif isinstance(each, JSONField):
            adapt = lambda value, each=each: each.get_db_prep_save(value, connection)  # noqa: E731
        default = now if getattr(each, "auto_now_add", False) else each.get_default()
        columns_of.append((each.attname, adapt, default))
    values = [
        tuple(
            value if adapt is None or value is None else adapt(value)
            for value, adapt in (
                (row.get(name, default), adapt) for name, adapt, default in columns_of
            )
        )
        for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def reminders_schedule(
    rule: ReminderRule, *, now: dt.datetime | None = None, ahead_days: int = AHEAD_DAYS
) -> int:
    """Write the rule's reminders that fall due from today to `ahead_days` later and are
    not written yet; how many were considered (a racing scheduler may have written some
    of them first: each is still written once)."""
    if not rule.active:
        return 0
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now or timezone.now(), tz).date()
    last = today + dt.timedelta(days=ahead_days)
    is_working = _is_working(rule.centre)
    low, high = reminding.anchors_firing_between(
        today,
        last,
        rule.days,
        after=rule.event == ReminderEvent.REPAIR_CLOSED,
        working=rule.working_days,
        is_working=is_working,
    )
    if low > high:
        return 0
    written = 0
    for rows in _sources(rule, low, high, tz):
        written += _write_batch(rule, rows, is_working=is_working, tz=tz)
    return written


def reminders_schedule_all(*, now: dt.datetime | None = None) -> int:
    """Every active rule of every centre, once."""
    total = 0
    for rule in ReminderRule.objects.filter(active=True).select_related("centre__calendar"):
        total += reminders_schedule(rule, now=now)
    return total
