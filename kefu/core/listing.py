from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(request: HttpRequest, rows: Any) -> tuple[Page[Any] | None, str]:
    """The requested page of `rows` (None when the filters were refused) and the query
    string without the page, for the pager's links and the export."""
    query = request.GET.copy()
    query.pop("page", None)
    page = (
        Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    )
    return page, query.urlencode()
