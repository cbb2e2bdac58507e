"""Outbound call lists (issue 19 point 5): creating a campaign, filling it with the
customers its rule finds (or with account numbers given), and closing it.

A list's calls are callback tasks of kind `list` with the key `list:<list>:<customer>`,
so a customer is on a list once and filling again writes only who is new. A fill runs
in one transaction with the list's row locked (two fills at once take turns), writes at
most `calllisting.MAX_FILL` calls (the next fill takes the rest) and shares them among
the agents who work the list, in turn or to the least loaded, as the callback rules do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, Region, User
from kefu.core.queries import require_centre
from kefu.core.roles import AGENT, MANAGE_OUTREACH
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.customers.models import Customer, Tier
from kefu.satisfaction import calllisting
from kefu.satisfaction.models import (
    Assignment,
    CallbackKind,
    CallbackState,
    CallbackTask,
    CallList,
    CallListPurpose,
    CallListState,
    FillRule,
    SurveyTemplate,
)
from kefu.tickets.lifecycle import State
from kefu.tickets.models import Ticket

#: The script of a list with none of its own.
DEFAULT_SCRIPT = _(
    "Hello, this is the customer service centre. Am I speaking with Mr/Ms {name}? "
    "We are calling to thank you for choosing us and to hear how things are going."
)

FIELDS = (
    "purpose",
    "fill_rule",
    "business_type_id",
    "tier",
    "region_id",
    "sample_size",
    "script",
    "survey_id",
    "due_on",
    "max_attempts",
    "retry_hours",
    "team_id",
    "assignment",
)


def _refuse(message: Any, code: str, field_name: str) -> Invalid:
    return Invalid(message, code=code, detail={"field": field_name})


def _check(call_list: CallList, *, today: dt.date) -> None:
    """The list's terms fit its purpose and rule, and name things of its centre."""
    centre_id = call_list.centre_id
    if call_list.purpose not in CallListPurpose.values:
        raise _refuse(_("There is no such purpose."), "purpose_unknown", "purpose")
    if call_list.fill_rule not in calllisting.RULES_OF_PURPOSE[call_list.purpose]:
        raise _refuse(
            _("This rule does not draw calls for this purpose."), "fill_rule_invalid", "fill_rule"
        )
    if not call_list.name:
        raise _refuse(_("Give the list a name."), "field_required", "name")
    if call_list.assignment not in Assignment.values:
        raise _refuse(_("There is no such way of assigning."), "assignment_unknown", "assignment")
    if call_list.max_attempts < 1:
        raise _refuse(_("At least one attempt."), "attempts_invalid", "max_attempts")
    if call_list.due_on < today:
        raise _refuse(_("The list is to be done by a day to come."), "due_on_past", "due_on")
    if call_list.fill_rule == FillRule.CLOSED_ORDERS and call_list.business_type_id is None:
        raise _refuse(
            _("Choose the business type of the work orders."),
            "business_type_required",
            "business_type",
        )
    if call_list.fill_rule == FillRule.ACTIVITY_CHANGE and not call_list.tier:
        raise _refuse(_("Choose the tier of the customers."), "tier_required", "tier")
    if call_list.fill_rule == FillRule.SAMPLE and not (
        1 <= call_list.sample_size <= calllisting.MAX_FILL
    ):
        raise _refuse(
            _("A sample takes 1 to 5,000 customers."), "sample_size_invalid", "sample_size"
        )
    if call_list.tier and call_list.tier not in Tier.values:
        raise _refuse(_("There is no such tier."), "tier_unknown", "tier")
    if (
        call_list.business_type_id is not None
        and not CallReason.objects.filter(
            pk=call_list.business_type_id,
            centre_id=centre_id,
            dimension__in=[
                CallReason.Dimension.BUSINESS_TYPE,
                CallReason.Dimension.SERVICE_CONTENT,
            ],
        ).exists()
    ):
        raise _refuse(
            _("There is no such business type."), "business_type_unknown", "business_type"
        )
    if (
        call_list.region_id is not None
        and not Region.objects.filter(pk=call_list.region_id).exists()
    ):
        raise _refuse(_("There is no such region."), "region_unknown", "region")
    if (
        call_list.survey_id is not None
        and not SurveyTemplate.objects.filter(pk=call_list.survey_id, centre_id=centre_id).exists()
    ):
        raise _refuse(_("There is no such survey."), "survey_unknown", "survey")
    if (
        call_list.team_id is not None
        and not OrgUnit.objects.filter(
            pk=call_list.team_id, parent_id=centre_id, kind=OrgUnit.Kind.TEAM
        ).exists()
    ):
        raise _refuse(_("There is no such team in the centre."), "team_unknown", "team")
    check_lengths(call_list)


@transaction.atomic
def call_list_create(
    *, actor: User, name: str, due_on: dt.date, now: dt.datetime | None = None, **values: Any
) -> tuple[CallList, bool]:
    """A new list of the actor's centre (MANAGE_OUTREACH); the second of the pair says
    whether it was made now. Names are unique in a centre: repeating a create with the
    same terms returns the first list, other terms under the name are refused."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    centre_id = require_centre(actor)
    now = now or timezone.now()
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    call_list = CallList(
        centre_id=centre_id,
        name=name.strip(),
        due_on=due_on,
        created_by=actor,
        created_at=now,
        **values,
    )
    call_list.script = call_list.script.strip()
    existing = CallList.objects.filter(centre_id=centre_id, name=call_list.name).first()
    if existing is not None:
        if all(getattr(existing, name) == getattr(call_list, name) for name in FIELDS):
            return existing, False
        raise Conflict(
            _("A list of that name exists."), code="list_name_taken", detail={"field": "name"}
        )
    _check(call_list, today=timezone.localdate(now))
    call_list.save()
    audit_record(actor=actor, action="satisfaction.call_list_create", obj=call_list)
    return call_list, True


def workers_of(call_list: CallList) -> list[int]:
    """The agents who work the list: the active agents of its team, or of its centre."""
    agents = Group.objects.filter(name=AGENT)
    people = User.objects.filter(centre_id=call_list.centre_id, is_active=True, groups__in=agents)
    if call_list.team_id is not None:
        people = people.filter(team_id=call_list.team_id)
    return list(people.order_by("pk").values_list("pk", flat=True).distinct())


def assign(call_list: CallList, count: int) -> list[int | None]:
    """Who takes each of `count` new calls of the list (the list's row is locked and its
    turn moved on); None for each when no agent works it yet."""
    candidates = workers_of(call_list)
    if not candidates:
        return [None] * count
    in_turn = call_list.assignment == Assignment.ROUND_ROBIN
    load: dict[int, int] = {}
    if not in_turn:
        load = dict(
            CallbackTask.objects.filter(assignee_id__in=candidates, state=CallbackState.OPEN)
            .values("assignee_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("assignee_id", "n")
        )
    chosen = calllisting.share_out(
        count, candidates, in_turn=in_turn, last=call_list.last_assignee_id, open_tasks=load
    )
    if in_turn and chosen:
        call_list.last_assignee_id = chosen[-1]
        call_list.save(update_fields=["last_assignee"])
    return list(chosen)


@dataclass
class FillResult:
    written: int = 0
    already: int = 0  # customers found who were on the list before
    more: bool = False  # the rule found more than one fill writes: fill again
    unassigned: int = 0  # written with no agent to take them yet
    rows: list[calllisting.BadRow] = field(default_factory=list)


def _on_list(call_list: CallList) -> set[int]:
    return set(
        CallbackTask.objects.filter(call_list=call_list).values_list("customer_id", flat=True)
    )


def _closed_orders(call_list: CallList, now: dt.datetime) -> list[tuple[int, int | None]]:
    since = now - dt.timedelta(days=calllisting.THANK_YOU_DAYS)
    business = call_list.business_type_id
    rows = (
        Ticket.objects.filter(
            centre_id=call_list.centre_id,
            state=State.CLOSED.value,
            closed_at__gte=since,
            closed_at__lte=now,
            customer__anonymised_at__isnull=True,
        )
        .filter(Q(category_id=business) | Q(category__parent_id=business))
        .order_by("closed_at", "pk")
        .values_list("customer_id", "pk")
    )
    return [(customer, ticket) for customer, ticket in rows.iterator()]


def _new_customers(call_list: CallList, now: dt.datetime) -> list[tuple[int, int | None]]:
    since = now - dt.timedelta(days=calllisting.THANK_YOU_DAYS)
    customers = Customer.objects.filter(
        centre_id=call_list.centre_id,
        created_at__gte=since,
        created_at__lte=now,
        anonymised_at__isnull=True,
    )
    if call_list.region_id is not None:
        customers = customers.filter(region_id=call_list.region_id)
    rows = customers.order_by("created_at", "pk").values_list("pk", flat=True)
    return [(customer, None) for customer in rows.iterator()]


def _activity_changed(call_list: CallList, now: dt.datetime) -> list[tuple[int, int | None]]:
    """Customers of the list's tier whose contacts in the last 30 days differ sharply from
    the 90 days before (`calllisting.activity_change`)."""
    split = now - dt.timedelta(days=calllisting.RECENT_DAYS)
    since = split - dt.timedelta(days=calllisting.BEFORE_DAYS)
    contacts = Contact.objects.filter(
        centre_id=call_list.centre_id,
        customer__tier=call_list.tier,
        customer__anonymised_at__isnull=True,
        started_at__gte=since,
        started_at__lt=now,
    )
    if call_list.region_id is not None:
        contacts = contacts.filter(customer__region_id=call_list.region_id)
    rows = (
        contacts.values("customer_id")
        .annotate(
            recent=Count("pk", filter=Q(started_at__gte=split)),
            before=Count("pk", filter=Q(started_at__lt=split)),
        )
        .order_by("customer_id")
        .values_list("customer_id", "recent", "before")
    )
    return [
        (customer, None)
        for customer, recent, before in rows.iterator()
        if calllisting.activity_change(recent, before) is not None
    ]


def _sample(call_list: CallList, wanted: int) -> list[tuple[int, int | None]]:
    """`wanted` customers at random among those of the list's region and tier who are not
    on it yet (the database draws them: the centre's customers are not read out)."""
    if wanted <= 0:
        return []
    customers = Customer.objects.filter(
        centre_id=call_list.centre_id, anonymised_at__isnull=True
    ).exclude(pk__in=CallbackTask.objects.filter(call_list=call_list).values("customer_id"))
    if call_list.tier:
        customers = customers.filter(tier=call_list.tier)
    if call_list.region_id is not None:
        customers = customers.filter(region_id=call_list.region_id)
    picked = customers.order_by("?").values_list("pk", flat=True)[:wanted]
    return [(customer, None) for customer in picked]


def _accounts(call_list: CallList, text: str) -> list[tuple[int, int | None]]:
    """The customers of the account numbers given; every row that is not one of the
    centre's account numbers is refused, and then nothing is written."""
    found, bad = calllisting.parse_accounts(text)
    if len(found) > calllisting.MAX_FILL:
        bad.append(calllisting.BadRow(found[calllisting.MAX_FILL][0], "", "too_many"))
        found = found[: calllisting.MAX_FILL]
    customers = dict(
        Customer.objects.filter(
            centre_id=call_list.centre_id,
            account_number__in=[value for _line, value in found],
            anonymised_at__isnull=True,
        ).values_list("account_number", "pk")
    )
    bad += [
        calllisting.BadRow(line, value, "unknown")
        for line, value in found
        if value not in customers
    ]
    if not found and not bad:
        raise _refuse(_("Give at least one account number."), "accounts_empty", "accounts")
    if bad:
        bad.sort(key=lambda row: row.line)
        raise Invalid(
            _("Some rows are not account numbers of this centre; nothing was added."),
            code="accounts_invalid",
            detail={
                "field": "accounts",
                "rows": [
                    {"line": row.line, "value": row.value, "reason": row.reason} for row in bad
                ],
            },
        )
    return [(customers[value], None) for _line, value in found]


def _due_at(call_list: CallList) -> dt.datetime:
    """The end of the list's last day, in the centre's time zone."""
    return dt.datetime.combine(
        call_list.due_on + dt.timedelta(days=1),
        dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )


@transaction.atomic
def call_list_fill(
    *, actor: User, list_id: int, accounts: str | None = None, now: dt.datetime | None = None
) -> FillResult:
    """Add the customers the list's rule finds now, or those of the account numbers in
    `accounts` (one or more a line), who are not on it yet: at most MAX_FILL a fill."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    call_list = (
        CallList.objects.select_for_update().filter(pk=list_id, centre_id=actor.centre_id).first()
    )
    if call_list is None:
        raise NotFound()
    now = now or timezone.now()
    if call_list.state != CallListState.OPEN:
        raise Conflict(_("This list is closed."), code="list_closed")
    if call_list.due_on < timezone.localdate(now):
        raise Conflict(_("This list is past the day it was to be done by."), code="list_past_due")
    on_list = _on_list(call_list)
    if accounts is not None:
        found = _accounts(call_list, accounts)
    elif call_list.fill_rule == FillRule.ACCOUNTS:
        raise _refuse(_("Give at least one account number."), "accounts_empty", "accounts")
    elif call_list.fill_rule == FillRule.CLOSED_ORDERS:
        found = _closed_orders(call_list, now)
    elif call_list.fill_rule == FillRule.NEW_CUSTOMERS:
        found = _new_customers(call_list, now)
    elif call_list.fill_rule == FillRule.ACTIVITY_CHANGE:
        found = _activity_changed(call_list, now)
    else:
        found = _sample(call_list, call_list.sample_size - len(on_list))
    result = FillResult()
    new: list[tuple[int, int | None]] = []
    for customer, ticket in found:
        if customer in on_list:
            result.already += 1
            continue
        if len(new) == calllisting.MAX_FILL:
            result.more = True
            break
        on_list.add(customer)
        new.append((customer, ticket))
    assignees = assign(call_list, len(new))
    due_at = _due_at(call_list)
    script = call_list.script or str(DEFAULT_SCRIPT)
    CallbackTask.objects.bulk_create(
        [
            CallbackTask(
                centre_id=call_list.centre_id,
                key=f"list:{call_list.pk}:{customer}",
                kind=CallbackKind.LIST,
                call_list=call_list,
                customer_id=customer,
                ticket_id=ticket,
                assignee_id=assignee,
                script=script,
                max_attempts=call_list.max_attempts,
                retry_hours=call_list.retry_hours,
                next_try_at=now,
                due_at=due_at,
                created_at=now,
            )
            for (customer, ticket), assignee in zip(new, assignees, strict=True)
        ],
        batch_size=500,
    )
    result.written = len(new)
    result.unassigned = sum(1 for assignee in assignees if assignee is None)
    call_list.filled_at, call_list.version = now, call_list.version + 1
    call_list.save(update_fields=["filled_at", "version"])
    audit_record(
        actor=actor,
        action="satisfaction.call_list_fill",
        obj=call_list,
        after={
            "written": result.written,
            "already": result.already,
            "more": result.more,
            "accounts": accounts is not None,
        },
    )
    return result


@transaction.atomic
def call_list_close(
    *, actor: User, list_id: int, version: int | None = None, now: dt.datetime | None = None
) -> CallList:
    """Close a list: the calls not made yet are cancelled (their results stay out of the
    figures); the calls made keep theirs."""
    if not actor.has_perm(MANAGE_OUTREACH):
        raise Forbidden()
    call_list = (
        CallList.objects.select_for_update().filter(pk=list_id, centre_id=actor.centre_id).first()
    )
    if call_list is None:
        raise NotFound()
    if version is not None and version != call_list.version:
        raise Conflict(detail={"version": call_list.version})
    if call_list.state != CallListState.OPEN:
        raise Conflict(_("This list is closed."), code="list_closed")
    now = now or timezone.now()
    cancelled = CallbackTask.objects.filter(call_list=call_list, state=CallbackState.OPEN).update(
        state=CallbackState.CANCELLED, closed_at=now, version=F("version") + 1
    )
    call_list.state, call_list.closed_at = CallListState.CLOSED, now
    call_list.version += 1
    call_list.save(update_fields=["state", "closed_at", "version"])
    audit_record(
        actor=actor,
        action="satisfaction.call_list_close",
        obj=call_list,
        after={"cancelled": cancelled},
    )
    return call_list
