"""AB岗 (002 第10篇): a department's handler names the colleague who stands in while they
are away; the colleague receives their orders in hand and, until they are back, the
notices meant for them (`kefu.core.services.stand_ins`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Forbidden, Invalid
from kefu.core.models import User
from kefu.core.roles import EXPERT, HANDLER
from kefu.core.services import audit_record, notify
from kefu.tickets.lifecycle import Action, State
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.recording import new_event

UNIT_ROLES = [HANDLER, EXPERT]
# Who may set someone's away period besides themselves.
MANAGING_ROLES = {"leader", "manager", "admin"}


@transaction.atomic
def away_set(
    *, actor: User, username: str, backup: str | None, until: datetime | None
) -> list[str]:
    """Record that `username` is away until `until` (None: back now) with `backup`
    standing in; their open orders in hand pass to the backup. Returns those orders'
    numbers."""
    person = User.objects.select_for_update().filter(username=username, is_active=True).first()
    if person is None or (actor.pk != person.pk and actor.role not in MANAGING_ROLES):
        raise Forbidden()
    if person.centre_id != actor.centre_id or person.role not in UNIT_ROLES:
        raise Forbidden()
    if until is None:
        before = {"away_until": str(person.away_until), "backup": str(person.backup or "")}
        person.away_until = None
        person.save(update_fields=["away_until"])
        audit_record(actor=actor, action="user.back", obj=person, before=before)
        return []
    if until <= timezone.now():
        raise Invalid(
            _("The end of the absence must be in the future."),
            code="away_until_past",
            detail={"field": "until"},
        )
    stand_in = (
        User.objects.filter(
            username=backup or "",
            department_id=person.department_id,
            is_active=True,
            groups__name__in=UNIT_ROLES,
        )
        .exclude(pk=person.pk)
        .first()
    )
    if stand_in is None:
        raise Invalid(
            _("Choose a colleague of the same department."),
            code="colleague_unknown",
            detail={"field": "backup"},
        )
    person.backup, person.away_until = stand_in, until
    person.save(update_fields=["backup", "away_until"])
    audit_record(
        actor=actor,
        action="user.away",
        obj=person,
        after={"backup": stand_in.username, "away_until": until.isoformat()},
    )
    return _hand_over(actor, person, stand_in)


def _hand_over(actor: User, person: User, stand_in: User) -> list[str]:
    """The person's orders in hand pass to the stand-in, each with an event."""
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(assignee=person, state=State.HANDLING, department_id=person.department_id)
        .order_by("pk")
    )
    events: list[TicketEvent] = []
    for ticket in tickets:
        ticket.assignee = stand_in
        ticket.version += 1
        events.append(
            new_event(
                ticket,
                actor=actor,
                action=Action.PASS_ON,
                from_state=ticket.state,
                note=str(_("AB post: %(name)s is away") % {"name": person}),
                data={"assignee": stand_in.username, "away": person.username},
            )
        )
        ticket.save(update_fields=["assignee", "version", "last_event_seq", "updated_at"])
    TicketEvent.objects.bulk_create(events)
    if tickets:
        notify(
            recipients=[stand_in],
            kind="ticket.pass_on",
            title=str(
                _("%(name)s is away: %(count)d work orders passed to you")
                % {"name": person, "count": len(tickets)}
            ),
            link="/department/",
        )
    return [ticket.number for ticket in tickets]
