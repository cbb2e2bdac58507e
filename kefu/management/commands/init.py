from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, Invalid

CALENDAR_LABELS = {"workhours": "Working hours", "24x7": "24×7"}


class Command(BaseCommand):
    help = (
        "Set up an empty centre with its first administrator (asks on a terminal); "
        "a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", help="the centre's name, e.g. 国网南京供电客服中心")
        parser.add_argument("--code", default="", help="the centre's code (default: from its name)")
        parser.add_argument("--admin", help="the first administrator's user name")
        parser.add_argument(
            "--password",
            help="the administrator's password (asked on a terminal; else generated, printed once)",
        )
        parser.add_argument(
            "--calendar",
            choices=["workhours", "24x7"],
            help="working hours with China's official holidays (default), or round the clock",
        )
        parser.add_argument(
            "--time-zone", help="IANA time zone (default: KEFU_TIME_ZONE or Asia/Shanghai)"
        )

    def fail(self, message: object) -> NoReturn:
        self.stderr.write(str(message))
        raise SystemExit(1)

    def handle(self, *args: Any, **options: Any) -> None:
        from kefu.centre import (
            centre_exists,
            centre_init,
            existing_centres,
            generated_password,
            time_zone_record,
        )

        zone_set = os.environ.get("KEFU_TIME_ZONE", "")
        if zone_set and options["time_zone"] and options["time_zone"] != zone_set:
            self.fail(
                _(
                    "KEFU_TIME_ZONE is %(set)s, which --time-zone %(asked)s contradicts: "
                    "nothing was changed. Give the same zone, or unset KEFU_TIME_ZONE."
                )
                % {"set": zone_set, "asked": options["time_zone"]}
            )
        empty = self._database_empty()
        existing = [] if empty else existing_centres()
        asked = (options["centre"] or "").strip()
        if existing:
            if asked and asked not in {centre.name for centre in existing}:
                self.fail(centre_exists(existing).message)
            centre = next((c for c in existing if c.name == asked), existing[0])
            self.stdout.write(
                _("Centre %(centre)s is set up already: nothing was changed.")
                % {"centre": f"「{centre.name}」"}
            )
            return
        terminal = sys.stdin.isatty()
        if not terminal and not (asked and options["admin"]):
            self.fail(
                _(
                    "Without a terminal to ask on, name the centre and its administrator: "
                    "kefu init --centre NAME --admin USER [--password P] "
                    "[--calendar workhours|24x7] [--time-zone Asia/Shanghai]"
                )
            )
        if empty:
            self.stdout.write(_("The database is empty: creating its tables first."))
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
        try:
            name, zone, calendar, admin, password = self._values(
                options, asked, terminal=terminal, zone_set=zone_set
            )
        except (EOFError, KeyboardInterrupt):
            self.stdout.write("")
            self.fail(_("Cancelled: nothing was changed."))
        generated = not password
        if generated:
            password = generated_password()
        try:
            result = centre_init(
                name=name,
                admin_username=admin,
                password=password,
                calendar=calendar,
                time_zone=zone,
                code=options["code"],
            )
        except DomainError as error:
            self.fail(error.message)
        if not result.created:
            self.stdout.write(
                _("Centre %(centre)s is set up already: nothing was changed.")
                % {"centre": f"「{result.centre.name}」"}
            )
            return
        time_zone_record(zone)
        self.stdout.write(
            _(
                "Centre %(centre)s is set up (code %(code)s, time zone %(zone)s, calendar: "
                "%(calendar)s), with its administrator %(admin)s."
            )
            % {
                "centre": f"「{result.centre.name}」",
                "code": result.centre.code,
                "zone": zone,
                "calendar": _(CALENDAR_LABELS[calendar]),
                "admin": admin,
            }
        )
        if generated:
            self.stdout.write(
                _(
                    "The administrator's password, shown this once (change it after signing "
                    "in): %(password)s"
                )
                % {"password": password}
            )
        self.stdout.write(
            _("Next: make run (or kefu serve), then sign in as %(admin)s.") % {"admin": admin}
        )

    def _values(
        self, options: dict[str, Any], name: str, *, terminal: bool, zone_set: str
    ) -> tuple[str, str, str, str, str]:
        """The centre's name, time zone, calendar, administrator and password (empty: to be
        generated), from the options, asking on a terminal for what they leave out."""
        from kefu.centre import DEFAULT_TIME_ZONE, password_check, time_zone_check

        name = name or self._ask(_("Centre name"), _("Customer service centre"), str.strip)
        zone_default = zone_set or DEFAULT_TIME_ZONE
        zone = options["time_zone"] or (
            self._ask(_("Time zone"), zone_default, time_zone_check)
            if terminal and not zone_set
            else zone_default
        )
        calendar = options["calendar"] or (self._ask_calendar() if terminal else "workhours")
        admin = options["admin"] or self._ask(_("Administrator's user name"), "admin", str.strip)
        password = options["password"] or ""
        if not password and terminal:
            password = self._ask_password(admin, password_check)
        return name, zone, calendar, admin, password

    def _database_empty(self) -> bool:
        """Whether the database has no tables yet (init creates them); one that has them
        but lacks migrations is an older release's, which `kefu migrate` upgrades."""
        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False
        if executor.loader.applied_migrations:
            self.fail(_("The database needs upgrading first: run kefu migrate."))
        return True

    def _ask(self, question: str, default: str, check: Callable[[str], str]) -> str:
        while True:
            answer = input(f"{question} [{default}]: ").strip() or default
            try:
                value = check(answer)
            except Invalid as error:
                self.stderr.write(str(error.message))
                continue
            if value:
                return value

    def _ask_calendar(self) -> str:
        choices = {"1": "workhours", "2": "24x7"}
        self.stdout.write(_("Working calendar:"))
        self.stdout.write("  1  " + _("Working hours, with China's official holidays"))
        self.stdout.write("  2  " + _("24×7, round the clock"))
        while True:
            answer = input(_("Choose 1 or 2") + " [1]: ").strip() or "1"
            if answer in choices:
                return choices[answer]

    def _ask_password(self, username: str, check: Callable[..., None]) -> str:
        while True:
            password = getpass.getpass(_("Administrator's password (Enter: generate one): "))
            if not password:
                return ""
            try:
                check(password, username=username)
            except Invalid as error:
                self.stderr.write(str(error.message))
                continue
            if getpass.getpass(_("The password again: ")) == password:
                return password
            self.stderr.write(_("The two passwords differ; try again."))
