"""The period a repeat count covers: whole local days, the last week by default."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.core.forms import start_of

#: The longest period counted at once.
MAX_DAYS = 92


@dataclass(frozen=True)
class Days:
    first: dt.date
    last: dt.date  # included
    start: dt.datetime  # the first day's start in the centre's zone
    end: dt.datetime  # the day after the last's start


def period_of(since: dt.date | None, until: dt.date | None) -> Days:
    """The days from `since` to `until`: the last seven days up to today when left out."""
    last = until or timezone.localdate()
    first = since or last - dt.timedelta(days=6)
    if first > last:
        raise Invalid(
            _("The period ends before it starts."),
            code="period_reversed",
            detail={"field": "since"},
        )
    if (last - first).days >= MAX_DAYS:
        raise Invalid(
            _("A period of at most %(days)d days.") % {"days": MAX_DAYS},
            code="period_too_long",
            detail={"field": "since"},
        )
    return Days(first, last, start_of(first), start_of(last + dt.timedelta(days=1)))
