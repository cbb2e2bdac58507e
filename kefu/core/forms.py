"""What every page's filter form needs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from kefu.core.validation import InvalidInstant, check_instant


def start_of(day: date | None) -> datetime | None:
    """Midnight at the start of `day` in the centre's time zone: a date filter's bound."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class DayField(forms.DateField):
    """A date a filter starts or ends on, refused outside 1970-2099 by the rule the API and
    the services use (a year-1 bound would overflow when made a time in the centre's zone)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, date):
            try:
                check_instant(datetime.combine(value, time(12), tzinfo=UTC))
            except InvalidInstant as error:
                raise forms.ValidationError(str(error.message), code=error.code) from error
