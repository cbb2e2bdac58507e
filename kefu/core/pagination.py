"""Every API list is `{"items": [...], "count": N}`, paged by `limit` and `offset`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def page(
    queryset: QuerySet[Any], params: PageParams, transform: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of a query, each row turned into its API form after slicing."""
    rows = list(queryset[params.offset : params.offset + params.limit])
    # When the whole result fits on the first page, its length is the count.
    whole = params.offset == 0 and len(rows) < params.limit
    count = len(rows) if whole else queryset.count()
    return {"items": [transform(row) for row in rows], "count": count}
