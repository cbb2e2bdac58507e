"""An order's recorded history written straight into the event log, for tests of the
figures read from it (the departments' assessment and feedback)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kefu.tickets.models import Ticket, TicketEvent

#: (at, action, from state, to state, data) of one recorded step.
Step = tuple[dt.datetime, str, str, str, dict[str, Any]]


def record_steps(ticket: Ticket, steps: Sequence[Step]) -> None:
    """The order's events, numbered from 1 in the order given."""
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket=ticket,
            seq=seq,
            at=when,
            action=action,
            from_state=from_state,
            to_state=to_state,
            data=data,
        )
        for seq, (when, action, from_state, to_state, data) in enumerate(steps, start=1)
    )
