"""The deadline sweep: each warning and overdue point recorded once, and told to the people
responsible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.models import User
from kefu.core.services import notify
from kefu.tickets.models import (
    Ticket,
    TicketEvent,
)
from kefu.tickets.services.recording import new_event
from kefu.tickets.stages import STAGE_LABELS, STAGE_OF_STATE


@dataclass
class SweepResult:
    warnings: int = 0
    overdue: int = 0


LABELS = {"warning": _("Warning"), "overdue": _("Overdue")}


class _Recipients:
    """The people responsible for an order's current stage, plus its centre's leaders;
    remembered for the length of one sweep, which meets the same centres again and again."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], list[User]] = {}

    def _role(self, role: str, **where: Any) -> list[User]:
        key = (role, *sorted(where.items()))
        if key not in self.cache:
            self.cache[key] = list(User.objects.filter(groups__name=role, is_active=True, **where))
        return self.cache[key]

    def for_ticket(self, ticket: Ticket, *, overdue: bool) -> list[User]:
        people: list[User] = []
        if ticket.assignee_id and ticket.stage == "return":
            people.append(ticket.assignee)  # type: ignore[arg-type]
        elif ticket.with_leaders:
            pass  # the centre's team leaders, told below like every time
        elif ticket.stage in {"take", "return"} and ticket.department_id:
            # The department's handlers, or the expert seat's agents.
            people += self._role("handler", department_id=ticket.department_id)
            people += self._role("expert", department_id=ticket.department_id)
        else:
            people += self._role("backoffice", centre_id=ticket.centre_id)
        people += self._role("leader", centre_id=ticket.centre_id)
        if overdue:
            people += self._role("manager", centre_id=ticket.centre_id)
        return people


def _sweep_one(ticket_id: int, now: datetime, recipients: _Recipients, result: SweepResult) -> None:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("assignee")
            .filter(pk=ticket_id, suspended=False, state__in=list(STAGE_OF_STATE))
            .order_by()
            .first()
        )
        if ticket is None:  # another sweeper holds it, or it moved on meanwhile
            return
        marks = [
            ("stage_overdue", "overdue", ticket.stage_due_at, ticket.stage),
            ("stage_warned", "warning", ticket.stage_warn_at, ticket.stage),
            ("overall_overdue", "overdue", ticket.due_at, "overall"),
            ("overall_warned", "warning", ticket.warn_at, "overall"),
            ("answer_overdue", "overdue", ticket.answer_due_at, "answer"),
            ("answer_warned", "warning", ticket.answer_warn_at, "answer"),
        ]
        changed = []
        events: list[TicketEvent] = []
        for flag, kind, point, stage in marks:
            if getattr(ticket, flag) or point is None or point > now:
                continue
            setattr(ticket, flag, True)
            changed.append(flag)
            if kind == "overdue" and flag == "stage_overdue":
                ticket.stage_warned = True  # an overdue stage needs no warning any more
                changed.append("stage_warned")
            if kind == "overdue" and flag == "overall_overdue":
                ticket.overall_warned = True
                changed.append("overall_warned")
            if kind == "overdue" and flag == "answer_overdue":
                ticket.answer_warned = True
                changed.append("answer_warned")
            due = {"overall": ticket.due_at, "answer": ticket.answer_due_at}.get(
                stage, ticket.stage_due_at
            )
            events.append(
                new_event(
                    ticket,
                    actor=None,
                    action=kind,
                    from_state=ticket.state,
                    data={"stage": stage, "due_at": due.isoformat() if due else None},
                    at=now,
                )
            )
            if kind == "overdue":
                result.overdue += 1
            else:
                result.warnings += 1
            # The stage's limit and the whole order's are two events, named apart; each
            # is told once per person (the key), however often it is swept.
            which = STAGE_LABELS.get(stage, stage) if stage != "overall" else _("whole order")
            notify(
                recipients=recipients.for_ticket(ticket, overdue=kind == "overdue"),
                kind=f"ticket.{kind}",
                title=f"{ticket.number} {LABELS[kind]}（{which}）: {ticket.title}",
                link=f"/tickets/{ticket.number}/",
                sms=kind == "overdue",
                key=f"ticket.{kind}:{ticket.number}:{stage}:{due.isoformat() if due else ''}",
            )
        if changed:
            ticket.save(update_fields=[*dict.fromkeys(changed), "last_event_seq"])
            TicketEvent.objects.bulk_create(events)


def deadline_sweep(*, now: datetime | None = None) -> SweepResult:
    """Record each warning and overdue point once, and tell the people responsible.

    Safe to run on several workers at once: each order is handled under its row lock,
    and its flags say what has been recorded already.
    """
    now = now or timezone.now()
    due = (
        Ticket.objects.filter(state__in=list(STAGE_OF_STATE), suspended=False)
        .filter(
            Q(stage_warned=False, stage_warn_at__lte=now)
            | Q(stage_overdue=False, stage_due_at__lte=now)
            | Q(overall_warned=False, warn_at__lte=now)
            | Q(overall_overdue=False, due_at__lte=now)
            | Q(answer_warned=False, answer_warn_at__lte=now)
            | Q(answer_overdue=False, answer_due_at__lte=now)
        )
        .order_by("stage_due_at")
        .values_list("pk", flat=True)
    )
    result = SweepResult()
    recipients = _Recipients()
    for ticket_id in list(due):
        _sweep_one(ticket_id, now, recipients, result)
    return result
