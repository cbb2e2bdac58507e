"""What the operator's commands read from their arguments the same way."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError

from kefu.core.validation import InvalidInstant, check_instant


def instant(text: str) -> datetime:
    """An ISO 8601 instant; a wall-clock time is read in the centre's zone. Times outside
    kefu's span (1970 to 2099) are refused, as the API refuses them."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"not an ISO 8601 instant: {text!r}") from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    try:
        return check_instant(value)
    except InvalidInstant as error:
        raise CommandError(f"{text}: {error.message}") from error
