"""An order as a row of values: what the API shows of it and what its rules read, from
its own columns and a few of its related rows'.

The API's list reads a page's rows by key through one statement compiled once
(kefu/core/statements.py) and builds no model instance: compiling the joined query for
every request and building six instances per order cost most of a page of twenty. A
single order (created, acted on, shown) gives the same row from its instance
(`ticket_row`), so both answer through one mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kefu.core.models import User
from kefu.core.statements import KeyedRows
from kefu.tickets.lifecycle import allowed_actions
from kefu.tickets.models import Ticket
from kefu.tickets.queries.access import may_act_on_order, situation
from kefu.tickets.queries.rules import clocks_status

# A related row's column reads None when the order has no such related row.
ROW_COLUMNS = (
    "id",
    "number",
    "state",
    "version",
    "kind",
    "urgency",
    "customer_id",
    "customer__name",
    "category_id",
    "category__code",
    "category__name",
    "title",
    "description",
    "department_id",
    "department__code",
    "department__name",
    "department__expert_seat",
    "assignee_id",
    "assignee__username",
    "policy_id",
    "policy__callback_required",
    "suspended",
    "escalated",
    "with_leaders",
    "rework_count",
    "urge_count",
    "reopen_count",
    "result",
    "satisfied",
    "callback_outcome",
    "callback_attempts",
    "incomplete",
    "extension_pending",
    "extension_minutes",
    "merged_into_id",
    "merged_into__number",
    "stage",
    "stage_started_at",
    "stage_warn_at",
    "stage_due_at",
    "warn_at",
    "due_at",
    "answer_warn_at",
    "answer_due_at",
    "created_by_id",
    "created_at",
    "closed_at",
)

_by_key = KeyedRows(Ticket, ROW_COLUMNS)


def ticket_rows(keys: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The rows of these orders by id (keys the caller found through what the user may
    see)."""
    return {row["id"]: row for row in _by_key.rows(keys)}


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    """The same row read from an order's instance (its related rows load as they are
    read, unless selected with it)."""
    row: dict[str, Any] = {}
    for column in ROW_COLUMNS:
        value: Any = ticket
        for name in column.split("__"):
            value = getattr(value, name)
            if value is None:
                break
        row[column] = value
    return row


def row_status(row: Mapping[str, Any], now: datetime) -> str:
    """`ticket_status` of a row."""
    return clocks_status(
        now,
        suspended=row["suspended"],
        stage=row["stage"],
        clocks=(
            (row["stage_warn_at"], row["stage_due_at"]),
            (row["warn_at"], row["due_at"]),
            (row["answer_warn_at"], row["answer_due_at"]),
        ),
    )


def row_actions(user: User, row: Mapping[str, Any]) -> list[str]:
    """`actions_for` of a row."""
    now = situation(
        state=row["state"],
        suspended=row["suspended"],
        department_id=row["department_id"],
        callback_required=row["policy__callback_required"],
        extension_pending=row["extension_pending"],
        incomplete=row["incomplete"],
        callback_attempts=row["callback_attempts"],
        expert_seat=row["department__expert_seat"],
        kind=row["kind"],
    )
    return [
        str(action)
        for action in allowed_actions(now)
        if may_act_on_order(
            user,
            action,
            created_by_id=row["created_by_id"],
            department_id=row["department_id"],
            state=row["state"],
            with_leaders=row["with_leaders"],
        )
    ]
