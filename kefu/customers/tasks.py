"""Background tasks of the customer archive, run by the django-q2 worker."""

from __future__ import annotations

from kefu.customers.privacy import retention_sweep

RETENTION_SWEEP = "kefu.customers.tasks.retention"


def retention() -> dict[str, int]:
    result = retention_sweep()
    return {"contacts": result.contacts, "work_orders": result.work_orders}
