from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError

from kefu.core.queries import calendar_uncovered_years


# A deployment check: `kefu check --deploy` and each start of `kefu serve` print it, not
# every command (migrate, demo, …); administrators see it as a banner.
@register("kefu", deploy=True)
def official_calendar_coverage(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        years = calendar_uncovered_years()
    except DatabaseError:
        return []  # not migrated yet: nothing to warn about
    return [
        Warning(
            f"China's official holiday calendar does not cover {year} yet: working-hours "
            "calendars count Monday to Friday plus the centre's own overrides for that year.",
            hint="Upgrade chinesecalendar once the State Council publishes the holidays, or "
            "enter the holidays and make-up working days as calendar overrides in the admin.",
            id="kefu.W001",
        )
        for year in years
    ]
