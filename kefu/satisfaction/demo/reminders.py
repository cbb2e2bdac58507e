"""Demo reminder plans: the plan of 002 第2篇 and due dates for some of the demo's
customers over the next two months (meter calibrations, contracts and prepaid balances
running out, planned visits), so the scheduler has reminders to write. Safe to load again."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.satisfaction.models import CustomerDate, DateKind
from kefu.satisfaction.services.reminders import rules_seed

CUSTOMERS = 300
NOTES = {
    DateKind.METER_CALIBRATION: "电能表周期校验",
    DateKind.CONTRACT_EXPIRY: "供用电合同到期",
    DateKind.PREPAID_EXPIRY: "预付费余额预计用完",
    DateKind.PLANNED_VISIT: "预约上门检查线路",
}


def load_reminders(centre: OrgUnit) -> int:
    """The plan and the dates; how many dates were added."""
    rules_seed(centre=centre)
    rng = random.Random(19)  # noqa: S311 (demo data)
    today = timezone.localdate()
    customers = list(
        Customer.objects.filter(centre=centre)
        .order_by("pk")
        .values_list("pk", flat=True)[:CUSTOMERS]
    )
    dates = []
    for customer in customers:
        kind = rng.choice(list(NOTES))
        dates.append(
            CustomerDate(
                centre=centre,
                customer_id=customer,
                kind=kind,
                date=today + dt.timedelta(days=rng.randint(1, 60)),
                note=NOTES[kind],
            )
        )
    before = CustomerDate.objects.filter(centre=centre).count()
    CustomerDate.objects.bulk_create(dates, ignore_conflicts=True)
    return CustomerDate.objects.filter(centre=centre).count() - before
