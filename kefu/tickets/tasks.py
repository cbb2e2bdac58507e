"""Background tasks of the work-order loop, run by the django-q2 worker."""

from __future__ import annotations

from kefu.tickets.search import search_index_catch_up
from kefu.tickets.services import deadline_sweep

SWEEP = "kefu.tickets.tasks.sweep"
SEARCH_CATCH_UP = "kefu.tickets.tasks.search_catch_up"


def sweep() -> dict[str, int]:
    result = deadline_sweep()
    return {"warnings": result.warnings, "overdue": result.overdue}


def search_catch_up() -> int:
    """Index the orders whose searched text changed since the last run."""
    return search_index_catch_up()
