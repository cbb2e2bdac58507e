"""A department's own steps on an order and the back office's answers to them (issue 15,
points 19–20): 退单, passing an order to a colleague, 延期申请 and its answer, and an
incomplete acceptance sent back to the agent who took it and completed by them.

Each is one of the loop's actions: `actions.ticket_act` locks the order, checks the table
and the actor, and calls `department_step` to change the order; this module says what
changes and whom to tell.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid
from kefu.core.models import User
from kefu.core.roles import BACKOFFICE, EXPERT, HANDLER
from kefu.core.services import notify
from kefu.tickets.lifecycle import Action
from kefu.tickets.models import Ticket

# 延期: at most a week of working time can be asked for in one request.
EXTENSION_MAX_MINUTES = 7 * 24 * 60

LABELS = {
    Action.DECLINE: _("Sent back by the department"),
    Action.PASS_ON: _("Passed to you"),
    Action.REQUEST_EXTENSION: _("More time asked for"),
    Action.GRANT_EXTENSION: _("More time granted"),
    Action.REFUSE_EXTENSION: _("More time refused"),
    Action.SEND_TO_AGENT: _("Sent back to you to complete"),
    Action.SUPPLEMENT: _("Completed by the agent"),
}


def required(value: str, field: str) -> str:
    """The field's text without its surrounding blanks; Invalid when nothing is left."""
    if not value.strip():
        raise Invalid(_("This field is required."), code="field_required", detail={"field": field})
    return value.strip()


def _colleague(ticket: Ticket, actor: User, username: str | None) -> User:
    """An active handler (or expert) of the department that holds the order."""
    colleague = (
        User.objects.filter(
            username=username or "",
            department_id=ticket.department_id,
            is_active=True,
            groups__name__in=[HANDLER, EXPERT],
        )
        .exclude(pk=actor.pk)
        .first()
    )
    if colleague is None:
        raise Invalid(
            _("Choose a colleague of the same department."),
            code="colleague_unknown",
            detail={"field": "assignee"},
        )
    return colleague


def _minutes(value: int | None) -> int:
    if value is None or not 1 <= value <= EXTENSION_MAX_MINUTES:
        raise Invalid(
            _("Ask for between 1 minute and 7 days."),
            code="extension_invalid",
            detail={"field": "minutes", "max": EXTENSION_MAX_MINUTES},
        )
    return value


def _back_office(ticket: Ticket) -> list[User]:
    return list(User.objects.filter(groups__name=BACKOFFICE, centre_id=ticket.centre_id))


def department_step(
    actor: User, ticket: Ticket, act: Action, fields: Any
) -> tuple[dict[str, Any], list[User]] | None:
    """Change the order for a department step; returns what the event records and whom
    to tell, or None when `act` is not one of these steps."""
    data: dict[str, Any] = {}
    if act == Action.DECLINE:
        data["reason"] = required(fields.reason, "reason")
        data["from_department"] = ticket.department.code if ticket.department else None
        ticket.department, ticket.assignee = None, None
        return data, _back_office(ticket)
    if act == Action.PASS_ON:
        colleague = _colleague(ticket, actor, fields.assignee)
        data["assignee"] = colleague.username
        ticket.assignee = colleague
        return data, [colleague]
    if act == Action.REQUEST_EXTENSION:
        ticket.extension_pending = data["minutes"] = _minutes(fields.minutes)
        data["reason"] = required(fields.reason, "reason")
        return data, _back_office(ticket)
    if act in {Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION}:
        data["minutes"] = ticket.extension_pending
        if act == Action.GRANT_EXTENSION:
            ticket.extension_minutes += ticket.extension_pending or 0
        else:
            data["reason"] = required(fields.reason, "reason")
        ticket.extension_pending = None
        asked = ticket.events.filter(action=Action.REQUEST_EXTENSION).order_by("-seq").first()
        return data, [asked.actor] if asked is not None and asked.actor else []
    if act == Action.SEND_TO_AGENT:
        data["reason"] = required(fields.reason, "reason")
        ticket.incomplete = True
        ticket.incomplete_count += 1
        return data, [ticket.created_by]
    if act == Action.SUPPLEMENT:
        text = required(fields.text, "text")
        ticket.description = f"{ticket.description}\n\n{text}".strip()
        ticket.incomplete = False
        return data, _back_office(ticket)
    return None


def tell(ticket: Ticket, act: Action, people: list[User]) -> None:
    """Tell the people a step concerns, at once, in their bell."""
    if people:
        notify(
            recipients=people,
            kind=f"ticket.{act}",
            title=f"{ticket.number} {LABELS[act]}: {ticket.title}",
            link=f"/tickets/{ticket.number}/",
        )
