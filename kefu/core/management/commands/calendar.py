from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.errors import NotFound
from kefu.core.management.arguments import instant
from kefu.core.queries import working_calendar
from kefu.core.workcal import add_duration, working_time_between


class Command(BaseCommand):
    help = "Working-time arithmetic on a centre's calendar, as time limits use it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="print START plus a working DURATION")
        add.add_argument("--calendar", required=True)
        add.add_argument("--start", required=True, help="ISO 8601 instant")
        add.add_argument(
            "--duration",
            required=True,
            help="ISO 8601: PT… is working time, PnD is n working days later",
        )
        between = sub.add_parser("between", help="print the working seconds from START to END")
        between.add_argument("--calendar", required=True)
        between.add_argument("--start", required=True)
        between.add_argument("--end", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            calendar = working_calendar(options["calendar"])
        except NotFound as error:
            raise CommandError(f"no calendar called {options['calendar']!r}") from error
        start = instant(options["start"])
        try:
            if options["action"] == "add":
                result = add_duration(calendar, start, options["duration"])
                self.stdout.write(result.isoformat())
            else:
                seconds = working_time_between(calendar, start, instant(options["end"]))
                self.stdout.write(str(int(seconds.total_seconds())))
        except ValueError as error:
            raise CommandError(str(error)) from error
