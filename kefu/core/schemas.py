"""What every API schema shares: strict input, bounded numbers, one error shape.

- `StrictSchema` is the base of every request body and filter: a field the schema does not
  know is refused with 422 naming it, never dropped silently.
- `Id`, `Int32`, `Version` and `Offset` bound the integers a client may send, to what the
  database columns hold (and paging to what a list can usefully skip), so no number reaches
  the database that it would refuse with a server error.
- `ErrorOut` is the one error body; `errors(…)` declares the statuses a route answers
  besides those `kefu.api` documents for every route from its shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field

# The largest values of the database's integer columns (SQLite's INTEGER and PostgreSQL's
# bigint for keys; PostgreSQL's integer for counters and positions).
MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1
# Paging past a million rows is an export, not a list: filter by time instead.
MAX_OFFSET = 1_000_000

Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
Int32 = Annotated[int, Field(ge=0, le=MAX_INT)]
Version = Annotated[int, Field(ge=1, le=MAX_INT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


class StrictSchema(Schema):
    """A request body or a set of query filters: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    """Every error the API answers: a stable `code`, a message for people, and details."""

    code: str
    message: str
    detail: Any = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error statuses for a route's `response=` beyond the ones its shape implies
    (`{200: ArticleOut, **errors(409, 429)}`)."""
    return dict.fromkeys(statuses, ErrorOut)
