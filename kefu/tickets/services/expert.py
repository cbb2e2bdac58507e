"""The expert seat's own steps (专席, 000 第8篇): within minutes of taking an order the
expert answers the customer and closes it, sends it back to the front line, dispatches a
department's field staff, or warns maintenance. `actions.ticket_act` locks the order and
checks the table; this module changes the order and says whom to tell."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import HANDLER
from kefu.core.services import notify
from kefu.tickets.lifecycle import Action
from kefu.tickets.models import REPLY_CHANNEL_LABELS, Ticket
from kefu.tickets.services.steps import required


def expert_step(actor: User, ticket: Ticket, action: Action, fields: Any) -> dict[str, Any]:
    """The expert seat's own steps (000 第8篇): answer the customer and close, send the
    order back to the front line, dispatch it to a department's field staff, or warn
    maintenance. The lifecycle table has checked that the expert's seat holds the order."""
    data: dict[str, Any] = {"seat": ticket.department.code if ticket.department else None}
    if action == Action.ANSWER_CLOSE:
        channel = fields.channel or "phone"
        if channel not in REPLY_CHANNEL_LABELS:
            raise Invalid(
                _("Unknown channel."), code="channel_unknown", detail={"field": "channel"}
            )
        ticket.result = required(fields.text, "text")
        data.update(channel=channel, text=ticket.result)
    elif action == Action.SEND_BACK:
        data["reason"] = required(fields.reason, "reason")
        ticket.department, ticket.assignee = None, None
    elif action == Action.FIELD_DISPATCH:
        department = _field_department(ticket, fields.department)
        data.update(department=department.code, from_department=data["seat"])
        if fields.text.strip():
            data["text"] = fields.text.strip()  # what the customer was told meanwhile
        ticket.department, ticket.assignee = department, None
    elif action == Action.WARN_MAINTENANCE:
        department = _field_department(ticket, fields.department)
        data.update(department=department.code, warning=required(fields.note, "note"))
    return data


def _field_department(ticket: Ticket, code: str | None) -> OrgUnit:
    """A department of the centre outside the expert seats, named by the expert."""
    department = OrgUnit.objects.filter(
        code=required(code or "", "department"),
        kind=OrgUnit.Kind.DEPARTMENT,
        parent_id=ticket.centre_id,
        active=True,
        expert_seat=False,
    ).first()
    if department is None:
        raise Invalid(
            _("Unknown department."), code="department_unknown", detail={"field": "department"}
        )
    return department


def tell_expert_step(ticket: Ticket, act: Action, data: dict[str, Any]) -> None:
    """Tell the people the expert's step concerns: the agent who took the order when it is
    sent back; the department's people when they are to go out or are warned."""
    if act == Action.SEND_BACK:
        notify(
            recipients=[ticket.created_by],
            kind="ticket.sent_back",
            title=f"{ticket.number} {_('Sent back by the expert seat')}: {ticket.title}",
            body=data["reason"],
            link=f"/tickets/{ticket.number}/",
        )
    elif act == Action.WARN_MAINTENANCE:
        people = User.objects.filter(
            department__code=data["department"],
            department__parent_id=ticket.centre_id,
            groups__name=HANDLER,
            is_active=True,
        )
        notify(
            recipients=list(people),
            kind="ticket.maintenance_warning",
            title=f"{ticket.number} {_('Warning from the expert seat')}: {ticket.title}",
            body=data["warning"],
            link=f"/tickets/{ticket.number}/",
            sms=True,
        )
