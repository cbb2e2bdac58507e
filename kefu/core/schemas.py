"""What every API schema shares: strict input, bounded numbers, one error shape.

- `StrictSchema` is the base of every request body and filter: a field the schema does not
  know is refused with 422 naming it, never dropped silently.
- `Id`, `Int32`, `Version` and `Offset` bound the integers a client may send, to what the
  database columns hold (and paging to what a list can usefully skip), so no number reaches
  the database that it would refuse with a server error.
- `Out` is the base of a response that a list returns many of: plain pydantic, read from a
  dict or an object's attributes, without the per-object wrapper ninja's `Schema` adds.
- `ErrorOut` is the one error body; `errors(…)` declares the statuses a route answers
  besides those `kefu.api` documents for every route from its shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, model_validator

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


def holds_nul(value: Any) -> bool:
    """Whether a NUL character stands anywhere in the value: PostgreSQL refuses it in text,
    and no name, number or sentence a person writes has one."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False


class StrictSchema(Schema):
    """A request body or a set of query filters: unknown fields are an error, and so is
    text with a NUL character."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if holds_nul(data):
            raise ValueError("Text may not hold a NUL character.")
        return data


class Out(BaseModel):
    """A response row. ninja's `Schema` wraps every object it validates, nested ones too,
    in an attribute resolver: for a page of twenty orders that cost more than building
    them. A row built as a dict (or a model read by attribute) needs none of it."""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Schema):
    """Every error the API answers: a stable `code`, a message for people, and details."""

    code: str
    message: str
    detail: Any = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error statuses for a route's `response=` beyond the ones its shape implies
    (`{200: ArticleOut, **errors(409, 429)}`)."""
    return dict.fromkeys(statuses, ErrorOut)
