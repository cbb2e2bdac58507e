"""Every API list is `{"items": [...], "count": N}`, paged by `limit` and `offset`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

from kefu.core.schemas import Offset

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=200)
    offset: Offset = 0


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def page(
    queryset: QuerySet[Any],
    params: PageParams,
    transform: Callable[[Any], Any],
    *,
    load: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None,
) -> dict[str, Any]:
    """One page of a query, each row turned into its API form after slicing.

    With `load`, the page's keys are found first on the bare table and only those rows
    are then loaded with their joins: on a large filtered table the database otherwise
    joins every match before it sorts and cuts the page.
    """
    window = queryset[params.offset : params.offset + params.limit]
    if load is None:
        rows = list(window)
    else:
        keys = list(window.values_list("pk", flat=True))
        loaded = {row.pk: row for row in load(queryset.model.objects.filter(pk__in=keys))}
        rows = [loaded[key] for key in keys]
    # When the whole result fits on the first page, its length is the count.
    whole = params.offset == 0 and len(rows) < params.limit
    count = len(rows) if whole else queryset.count()
    return {"items": [transform(row) for row in rows], "count": count}
