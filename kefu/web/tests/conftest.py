"""The work-order fixtures, for pages that list or export orders."""

from kefu.tickets.tests.conftest import (  # noqa: F401 - fixtures pytest finds by name
    always,
    complaint_category,
    customer,
    open_ticket,
    policy,
)
