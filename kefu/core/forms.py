"""What every page's filter form needs."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def start_of(day: date | None) -> datetime | None:
    """Midnight at the start of `day` in the centre's time zone: a date filter's bound."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
