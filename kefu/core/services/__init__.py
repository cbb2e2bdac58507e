"""Writes of the platform: one function each, one transaction, an audit row.

`audit` writes the audit log every other module records to; `users` the users and their
role groups; `org` the centres, teams, departments and regions; `access` signing in and
the API's tokens; `notifications` tells people (or their AB-post backup) and marks what
they read; `calendars` the working calendars and the State Council's holiday notice.
"""

from kefu.core.services.access import (
    signin,
    signin_unlock,
    token_issue,
    token_revoke_own,
    tokens_revoke,
)
from kefu.core.services.audit import audit_record, snapshot
from kefu.core.services.calendars import (
    STANDARD_CALENDARS,
    calendars_ensure,
    holiday_notice_enter,
)
from kefu.core.services.notifications import notifications_mark_read, notify, stand_ins
from kefu.core.services.org import (
    ORG_UNIT_FIELDS,
    centre_create,
    org_unit_create,
    org_unit_update,
    region_save,
)
from kefu.core.services.users import (
    FIRST_PASSWORD_ITERATIONS,
    USER_FIELDS,
    first_password_hash,
    roles_sync,
    user_create,
    user_password_change,
    user_update,
)

__all__ = [
    "FIRST_PASSWORD_ITERATIONS",
    "ORG_UNIT_FIELDS",
    "STANDARD_CALENDARS",
    "USER_FIELDS",
    "audit_record",
    "calendars_ensure",
    "centre_create",
    "first_password_hash",
    "holiday_notice_enter",
    "notifications_mark_read",
    "notify",
    "org_unit_create",
    "org_unit_update",
    "region_save",
    "roles_sync",
    "signin",
    "signin_unlock",
    "snapshot",
    "stand_ins",
    "token_issue",
    "token_revoke_own",
    "tokens_revoke",
    "user_create",
    "user_password_change",
    "user_update",
]
