from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from kefu.core import pagination

PAGE_SIZE = 25


class BoundedPaginator(Paginator):
    """A paginator that counts no further than COUNT_BOUND rows or the end of the page
    asked for (kefu/core/pagination.py). Beyond, `count_exact` is false, `shown_count`
    is the bound ("1000+") and one more page is offered, counted when it is asked for."""

    def __init__(self, rows: Any, per_page: int, count_upto: Callable[[int], int], page: int):
        super().__init__(rows, per_page)
        self.count_upto = count_upto
        self.bound = max(pagination.COUNT_BOUND, page * per_page)
        self.count_exact = True

    @cached_property
    def count(self) -> int:
        found = self.count_upto(self.bound + 1)
        self.count_exact = found <= self.bound
        return min(found, self.bound + 1)

    @property
    def shown_count(self) -> int:
        return min(self.count, self.bound)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return 1


def page_of(
    request: HttpRequest, rows: Any, count_upto: Callable[[int], int] | None = None
) -> tuple[Page[Any] | None, str]:
    """The requested page of `rows` (None when the filters were refused) and the query
    string without the page, for the pager's links and the export. With `count_upto`
    (a search), the rows are counted up to a bound (`BoundedPaginator`)."""
    query = request.GET.copy()
    query.pop("page", None)
    if rows is None:
        return None, query.urlencode()
    paginator = (
        Paginator(rows, PAGE_SIZE)
        if count_upto is None
        else BoundedPaginator(rows, PAGE_SIZE, count_upto, _page_number(request))
    )
    return paginator.get_page(request.GET.get("page")), query.urlencode()
