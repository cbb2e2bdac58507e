# The work-order fixtures, for the tests of uses, suggestions and cases.
from kefu.tickets.tests.conftest import (  # noqa: F401
    act,
    always,
    complaint_category,
    customer,
    open_ticket,
    policy,
)
