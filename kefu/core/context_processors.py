from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest

from kefu.core.queries import calendar_uncovered_years


def calendar_coverage(request: HttpRequest) -> dict[str, list[int]]:
    """Years the official calendar lacks, for the administrators' banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    try:
        return {"calendar_uncovered_years": calendar_uncovered_years()}
    except DatabaseError:
        return {}
