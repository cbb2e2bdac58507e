"""A real centre's first day: what `kefu init` creates, and nothing more.

A centre just set up must work on every page before it brings in its own people,
customers and rules (the imports): an administrator signs in, and the workbench, the
work-order loop, the knowledge base, the reports and the wallboard all work, empty. For
that it needs, created here in one transaction through the apps' services:

- the two standard working calendars: 7×24, and working hours that follow China's
  official holidays and make-up working days (read from chinese-calendar, nothing to load);
- the centre, counting on the calendar chosen for it;
- its first administrator;
- the default time-limit policies (kefu/tickets/defaults.py: 002 第17篇 20's 24-hour
  complaint answer, 000 第8篇's 10 + 10 minutes at the expert seat, kefu's own general
  limits), the day-counted ones on the centre's own calendar, so every order gets limits;
- the standard phrases of 002 第13篇, greeting with the centre's name;
- the built-in customer tags (sensitive, dissatisfied) that kefu acts on.

Not created, because the centre brings its own or kefu has them already: teams,
departments, regions, the call-reason catalogue, staff, customers, knowledge (imports and
the admin pages); the nine roles (every `kefu migrate` writes them); the indicator
standards and their target ranges (kefu/metrics/standards, used as they are until a
manager sets the centre's own).
"""

from __future__ import annotations

import os
import re
import secrets
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import ADMIN
from kefu.core.services import audit_record, calendars_ensure, centre_create, user_create
from kefu.customers.services import tags_ensure
from kefu.quality.phrase_defaults import default_phrases
from kefu.quality.services.phrases import phrase_book_ensure
from kefu.tickets import defaults
from kefu.tickets.services import policy_save, standard_phrases_ensure

CALENDARS = ("workhours", "24x7")
DEFAULT_TIME_ZONE = "Asia/Shanghai"
# The file in the data directory where `kefu init` records the centre's time zone; the
# settings read it when KEFU_TIME_ZONE is not set.
TIME_ZONE_FILE = "time_zone"


@dataclass(frozen=True)
class Initialised:
    centre: OrgUnit
    admin: User | None  # None when the centre was there already
    created: bool


def centre_code(name: str) -> str:
    """The centre's code (what `--centre CODE` options name): the ASCII letters and digits
    of its name, e.g. ``95598`` for 国网95598客服中心, else ``centre``."""
    code = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")
    return code or "centre"


def generated_password() -> str:
    """A password for the first administrator, printed once: 16 characters of letters and
    digits, never one the password rules would refuse."""
    return secrets.token_urlsafe(12)


def time_zone_check(name: str) -> str:
    """The IANA time zone `name`, or Invalid."""
    name = name.strip()
    try:
        if name and "/" in name:
            zoneinfo.ZoneInfo(name)
            return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    raise Invalid(
        _("Unknown time zone %(zone)s: give an IANA name such as Asia/Shanghai.") % {"zone": name},
        code="time_zone_unknown",
        detail={"field": "time_zone"},
    )


def password_check(password: str, *, username: str) -> None:
    """The password rules a person's own password follows (KEFU_PASSWORD_MIN_LENGTH, …)."""
    try:
        validate_password(password, user=User(username=username))
    except ValidationError as error:
        raise Invalid(
            " ".join(error.messages), code="password_invalid", detail={"field": "password"}
        ) from error


def existing_centres() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE).order_by("pk"))


def centre_exists(existing: list[OrgUnit]) -> Conflict:
    return Conflict(
        _(
            "There is already a centre in this database: %(centres)s. kefu init changed "
            "nothing; to set up another centre, use a new data directory (KEFU_DATA_DIR) "
            "or database (KEFU_DATABASE_URL)."
        )
        % {"centres": "、".join(f"「{centre.name}」" for centre in existing)},
        code="centre_exists",
    )


@transaction.atomic(durable=True)
def centre_init(
    *,
    name: str,
    admin_username: str,
    password: str,
    calendar: str = "workhours",
    time_zone: str = DEFAULT_TIME_ZONE,
    code: str = "",
) -> Initialised:
    """Set up the one centre of a new installation, with its first administrator.

    A second call naming the same centre changes nothing (`created` False); naming another
    one while a centre exists raises Conflict and changes nothing either.
    """
    name = name.strip()
    existing = existing_centres()
    same = next((centre for centre in existing if centre.name == name), None)
    if same is not None:
        return Initialised(same, None, created=False)
    if existing:
        raise centre_exists(existing)
    if calendar not in CALENDARS:
        raise Invalid(_("Unknown calendar."), code="calendar_unknown", detail={"field": "calendar"})
    time_zone = time_zone_check(time_zone)
    try:
        User._meta.get_field("username").run_validators(admin_username)
    except ValidationError as error:
        raise Invalid(
            " ".join(error.messages), code="username_invalid", detail={"field": "admin"}
        ) from error
    password_check(password, username=admin_username)
    calendars = calendars_ensure()
    centre = centre_create(
        actor=None, name=name, code=code or centre_code(name), calendar=calendars[calendar]
    )
    admin = user_create(
        username=admin_username,
        password=password,
        role=ADMIN,
        centre=centre,
    )
    for policy in defaults.POLICIES:
        policy_save(
            actor=admin,
            name=policy.name,
            calendar=calendar if policy.calendar == defaults.CENTRE_CALENDAR else policy.calendar,
            limits=policy.limits,
            kind=policy.match.get("kind", ""),
            tier=policy.match.get("tier", ""),
            expert_seat=policy.match.get("expert_seat", False),
            callback_required=policy.callback_required,
        )
    standard_phrases_ensure(actor=admin, phrases=defaults.REPLY_AND_CALLBACK)
    phrase_book_ensure(actor=admin, centre=centre, phrases=default_phrases(name))
    tags_ensure(actor=admin)
    audit_record(
        actor=None,
        action="centre.init",
        obj=centre,
        after={
            "admin": admin.username,
            "calendar": calendar,
            "time_zone": time_zone,
            "policies": len(defaults.POLICIES),
        },
    )
    return Initialised(centre, admin, created=True)


def time_zone_record(zone: str, data_dir: Path | None = None) -> Path:
    """Record the centre's time zone in the data directory, for every later start."""
    path = Path(data_dir or settings.DATA_DIR) / TIME_ZONE_FILE
    partial = path.with_name(f".{TIME_ZONE_FILE}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{zone}\n")
    partial.replace(path)
    return path
