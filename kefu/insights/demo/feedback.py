"""The demo centre's feedback to departments (issue 21 point 3): each department gets its
daily and weekly report by e-mail, the repair departments their monthly one too, written
to the department's handlers (or a mailbox of the department when none has an address).
The reports themselves come from the demo's own contacts and orders; the subscriptions
are marked sent up to the last period ended, as a centre running for a while has them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.insights.models import FeedbackPeriod, FeedbackSubscription
from kefu.insights.queries.feedback import handler_emails
from kefu.metrics.services import due_day


def load_feedback(centre: OrgUnit) -> None:
    if FeedbackSubscription.objects.filter(centre=centre).exists():
        return  # loaded before
    today = timezone.localdate()
    departments = OrgUnit.objects.filter(
        parent=centre, kind=OrgUnit.Kind.DEPARTMENT, active=True
    ).order_by("code")
    rows = []
    for index, department in enumerate(departments):
        recipients = handler_emails(department) or [f"{department.code}@example.com"]
        periods = [FeedbackPeriod.DAILY, FeedbackPeriod.WEEKLY]
        if index % 2 == 0:
            periods.append(FeedbackPeriod.MONTHLY)
        for period in periods:
            # Sent up to the last period ended: the day before the last due day.
            day = today
            while due_day(period, day) is None:
                day -= dt.timedelta(days=1)
            rows.append(
                FeedbackSubscription(
                    centre=centre,
                    department=department,
                    period=period,
                    recipients="\n".join(recipients),
                    created_at=timezone.now(),
                    last_sent_for=due_day(period, day),
                )
            )
    FeedbackSubscription.objects.bulk_create(rows)
