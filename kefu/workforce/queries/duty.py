"""Reads of the duty log and the handover (002 第15篇 3.4), always through what the user
may see: the logs of their own centre, to leaders, managers and administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import KEEP_DUTY_LOG, ROLES
from kefu.tickets.models import STATE_CHOICES
from kefu.tickets.queries import (
    SOONEST_DUE,
    in_warning_at,
    overdue_at,
    ticket_status,
    tickets_visible_to,
)
from kefu.workforce.models import DutyEntry, DutyLog, DutyLogState, Handover

# How many orders a handover lists at most: a shift with more has a bigger problem than
# its handover, and the list says how many more there were.
HANDOVER_ORDERS_LIMIT = 100
# The roles whose users may keep a duty log, and so take one over.
DUTY_ROLES = sorted(code for code, role in ROLES.items() if KEEP_DUTY_LOG in role.permissions)


def _require(user: User) -> None:
    if not user.has_perm(KEEP_DUTY_LOG):
        raise Forbidden()


def duty_logs_visible_to(user: User) -> QuerySet[DutyLog]:
    """The duty logs of the user's centre (every centre's for a superuser)."""
    _require(user)
    logs = DutyLog.objects.all()
    if not user.is_superuser:
        logs = logs.filter(centre_id=user.centre_id)
    return logs


def duty_log_get_for_user(user: User, log_id: int) -> DutyLog:
    """One duty log with its entries, its handover and the people named in both; another
    centre's log is not there for the user."""
    log = (
        duty_logs_visible_to(user)
        .select_related("leader", "centre", "handover__handed_by", "handover__incoming")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=DutyEntry.objects.select_related("ticket", "author", "carried_from"),
            )
        )
        .filter(pk=log_id)
        .first()
    )
    if log is None:
        raise NotFound(code="duty_log_not_found")
    return log


def handover_of(log: DutyLog) -> Handover | None:
    try:
        return log.handover
    except Handover.DoesNotExist:
        return None


def current_duty_log(user: User) -> DutyLog | None:
    """The log the user keeps now: theirs, not yet handed over."""
    _require(user)
    log = (
        DutyLog.objects.filter(leader=user)
        .exclude(state=DutyLogState.HANDED_OVER)
        .values_list("pk", flat=True)
        .first()
    )
    return None if log is None else duty_log_get_for_user(user, log)


def handovers_waiting_for(user: User) -> list[Handover]:
    """Handovers prepared for the user that they have not acknowledged yet."""
    _require(user)
    return list(
        Handover.objects.filter(incoming=user, acknowledged_at__isnull=True)
        .select_related("log__leader", "handed_by")
        .order_by("handed_at")
    )


def incoming_leaders(user: User) -> list[User]:
    """Whom the user may hand their log over to: the centre's other active users who keep
    duty logs."""
    _require(user)
    return list(
        User.objects.filter(centre_id=user.centre_id, is_active=True, groups__name__in=DUTY_ROLES)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name", "username")
    )


@dataclass(frozen=True)
class OrdersAtHandover:
    """The orders in warning or overdue at one moment, as a handover keeps them, and how
    many there were in all (more than the list when it hit its limit)."""

    rows: list[dict[str, Any]]
    total: int


def orders_needing_attention(user: User, now: datetime) -> OrdersAtHandover:
    """The work orders the user sees that are in warning or overdue at `now`, by the
    tickets app's own rules (`in_warning_at`, `overdue_at`, `ticket_status`), overdue
    first then soonest due: what a handover hands on (002 第15篇 3.4.2.4, 遗留问题)."""
    tickets = tickets_visible_to(user).filter(in_warning_at(now) | overdue_at(now))
    total = tickets.count()
    chosen = tickets.order_by(*SOONEST_DUE).only(
        "number",
        "title",
        "state",
        "suspended",
        "stage",
        "stage_warn_at",
        "stage_due_at",
        "warn_at",
        "due_at",
        "answer_warn_at",
        "answer_due_at",
    )[:HANDOVER_ORDERS_LIMIT]
    rows = [
        {
            "number": ticket.number,
            "title": ticket.title,
            "state": ticket.state,
            "status": ticket_status(ticket, now),
            "due_at": (ticket.stage_due_at or ticket.due_at or ticket.answer_due_at),
        }
        for ticket in chosen
    ]
    rows.sort(key=lambda row: row["status"] != "overdue")  # stable: soonest due within
    return OrdersAtHandover(rows, total)


def order_state_label(state: str) -> str:
    """The name of an order's state as the tickets app shows it."""
    return str(dict(STATE_CHOICES).get(state, state))


def day_start(day: date) -> datetime:
    """The start of a day in the centre's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def duty_log_search(
    user: User,
    *,
    since: date | None = None,
    until: date | None = None,
    leader: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[DutyLog]:
    """The centre's duty logs whose shift began in the day range (the centre's days,
    both ends included), kept by `leader` (a username), with an entry of `kind`, and with
    every word of `q` in an entry's text or in the handover's notes. Newest first.

    The day range walks the (centre, shift start) index; the words are matched as
    contained text (case-insensitive where letters have case), alike on SQLite and
    PostgreSQL: a centre writes a few dozen lines a shift, so a year of logs is a few
    tens of thousands of rows."""
    logs = duty_logs_visible_to(user)
    if since is not None:
        logs = logs.filter(starts_at__gte=day_start(since))
    if until is not None:
        logs = logs.filter(starts_at__lt=day_start(until + timedelta(days=1)))
    if leader:
        logs = logs.filter(leader__username=leader)
    entries = DutyEntry.objects.filter(log_id=OuterRef("pk"))
    matching = DutyEntry.objects.select_related("author", "ticket")
    if kind:
        entries = entries.filter(kind=kind)
        matching = matching.filter(kind=kind)
        logs = logs.filter(Exists(entries))
    words = (q or "").split()
    any_word = Q()
    for word in words:
        in_entry = Exists(entries.filter(text__icontains=word))
        logs = logs.filter(
            in_entry
            | Q(handover__notes__icontains=word)
            | Q(handover__acknowledgement_note__icontains=word)
        )
        any_word |= Q(text__icontains=word)
    # What the result shows under each log (`matching_entries`): its entries of the kind
    # with any of the words; every entry when neither is asked.
    matching = matching.filter(any_word) if words else matching
    return (
        logs.select_related("leader", "handover__handed_by", "handover__incoming")
        .prefetch_related(Prefetch("entries", queryset=matching, to_attr="matching_entries"))
        .order_by("-starts_at", "-id")
    )
